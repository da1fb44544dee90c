"""The preview says what will happen (issue 10): each new or changed pilot's tier, status and
township, the effect on the quotas of the regions touched, and discard and undo that ask first
and leave a page that says what was undone, by whom and when."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pilots.imports.batches import batch_create
from pilots.models import Enterprise, ImportBatch, Pilot
from pilots.quotas import quota_progress
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_pilot, next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def upload(user, plan_year, rows):
    return batch_create(
        data=xlsx(rows), filename="list.xlsx", user=user, scope=scope_for(user), plan_year=plan_year
    )


def client_for(user):
    client = Client(headers={"x-forwarded-proto": "https"})
    client.force_login(user)
    return client


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</section>', html, re.S)
    assert found, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_the_preview_shows_each_pilots_tier_status_and_township(users, plan_year):
    changed = make_enterprise(name="已有企业", county="320722", township="320722001")
    make_pilot(plan_year, enterprise=changed, status="proposed")
    batch = upload(
        users["county"],
        plan_year,
        [
            row(name="新企业", credit_code=next_credit_code(), tier="乡镇级", status="拟推荐"),
            row(name="已有企业", credit_code=changed.credit_code, status="已确定"),
        ],
    )
    page = client_for(users["county"]).get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    pilots = [
        re.sub(r"\s+", " ", p) for p in re.findall(r'class="import-pilot">(.*?)</p>', page.text)
    ]
    assert pilots == [
        "township tier · proposed · 牛山街道",
        "county tier · confirmed · 牛山街道",
    ]


def test_the_preview_shows_the_effect_on_the_quotas(users, plan_year):
    for _ in range(12):
        make_pilot(plan_year, county="320722", township="320722001", tier="county")
    proposed = make_pilot(plan_year, county="320722", township="320722001", status="proposed")
    leaving = make_pilot(plan_year, county="320722", township="320722002", tier="township")
    rows = [row(name=f"新{i}", credit_code=next_credit_code(), status="已确定") for i in range(2)]
    rows += [
        # Proposed → confirmed: starts counting for the county.
        row(name=proposed.enterprise.name, credit_code=proposed.enterprise.credit_code),
        # Withdrawn: stops counting for its township.
        row(
            name=leaving.enterprise.name,
            credit_code=leaving.enterprise.credit_code,
            township="石榴街道",
            tier="乡镇级",
            status="已退出",
        ),
        # Proposed: counts toward nothing yet.
        row(name="拟推荐企业", credit_code=next_credit_code(), status="拟推荐"),
    ]
    batch = upload(users["county"], plan_year, rows)
    assert batch.rows_rejected == 0
    page = client_for(users["county"]).get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    effects = text_of(page.text, "import-quotas")
    assert "东海县 county-tier pilots 12 → 15 / 15" in effects
    assert "石榴街道 township-tier pilots 1 → 0 / 3" in effects
    assert "牛山街道" not in effects  # county-tier pilots do not count for the township
    assert "development zones" not in effects  # none of them lies in a zone
    # The figures are the dashboards' reading: applied, the county counts 15.
    client_for(users["county"]).post(reverse("pilots:import_confirm", args=[batch.pk]))
    progress = quota_progress(plan_year)
    county = Enterprise.objects.filter(county__code="320722").first().county
    assert progress.get(county, "county").count == 15
    # Once applied, the preview no longer predicts.
    page = client_for(users["county"]).get(batch.get_absolute_url())
    assert 'id="import-quotas"' not in page.text


def test_discard_asks_first(users, plan_year):
    batch = upload(users["county"], plan_year, [row(name="甲", credit_code=next_credit_code())])
    client = client_for(users["county"])
    url = reverse("pilots:import_discard", args=[batch.pk])
    detail = client.get(batch.get_absolute_url()).text
    assert f'href="{url}"' in detail
    asked = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200 and 'id="confirm-discard"' in asked.text
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    client.post(url)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    # Asked again once discarded: back to the batch, nothing asked.
    assert client.get(url).status_code == 302


def test_undo_asks_first_then_says_what_was_undone_by_whom_and_when(users, plan_year):
    before = make_enterprise(name="旧名", county="320722")
    rows = [
        row(name="新企业", credit_code=next_credit_code()),
        row(name="新名", credit_code=before.credit_code),
    ]
    batch = upload(users["county"], plan_year, rows)
    client = client_for(users["county"])
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    url = reverse("pilots:import_undo", args=[batch.pk])
    asked = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    ask = text_of(asked.text, "import-ask")
    assert "1 enterprise it created is deleted" in ask
    assert "1 enterprise it updated gets its former values back" in ask
    assert "2 pilots it created are deleted" in ask
    assert Enterprise.objects.count() == 2  # asking changes nothing

    client_for(users["city"]).post(url)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert batch.undone_by == users["city"]
    assert Enterprise.objects.count() == 1 and Pilot.objects.count() == 0
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    note = text_of(page, "import-undone-note")
    when = timezone.localtime(batch.undone_at).strftime("%Y-%m-%d %H:%M")
    assert f"Undone on {when}" in note and "by city" in note
    assert "New enterprises" not in page and "Updated enterprises" not in page
    assert "Created, then deleted by the undo" in page
    assert 'id="written-enterprises"' not in page
    # The list of batches no longer claims them either: its counts are struck through.
    listing = client.get(reverse("pilots:import_list"), HTTP_ACCEPT_LANGUAGE="en").text
    assert (
        '<td class="num undone-count"><del title="Written, then put back by the undo">1</del>'
        in (listing)
    )
    assert '<td class="num">1</td>' not in listing
    assert client.get(url).status_code == 302  # nothing left to undo
