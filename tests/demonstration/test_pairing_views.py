"""The pairing pages: list and filters, the forms, activities with photos, the pilot panel,
"who is still alone" and the .xlsx download."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from demonstration.models import ActivityAttachment, Pairing, PairingActivity
from pilots.models import Enterprise
from tests.builders import make_enterprise
from tests.demonstration.pairing_builders import (
    make_activity,
    make_pairing,
    small_pilot,
    state_lead,
)
from tests.promotion.builders import photo_upload

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=200)


@pytest.fixture
def as_user(users):
    """Clients in English, so that the messages read as the tests say them."""

    def make(role: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(users[role])
        return client

    return make


@pytest.fixture
def world(users, plan_year):
    lead = state_lead()
    a, b = small_pilot(plan_year, name="甲小微企业"), small_pilot(plan_year, name="乙小微企业")
    guannan = small_pilot(plan_year, county="320724", township=None, name="灌南小微企业")
    private_lead = make_enterprise(county="320724", township=None, name="民营龙头有限公司",
                                   is_leading=True, employee_count=400)  # fmt: skip
    active = make_pairing(plan_year, lead=lead, partners=[a], starts_on=TODAY)
    dormant = make_pairing(plan_year, lead=private_lead, partners=[b], starts_on=LONG_AGO)
    make_activity(dormant, LONG_AGO + datetime.timedelta(days=10))
    other = make_pairing(plan_year, lead=lead, partners=[guannan], starts_on=TODAY)
    return {"lead": lead, "a": a, "b": b, "active": active, "dormant": dormant, "other": other}


def rows(response) -> list[str]:
    return [record.lead.name + "/" + record.partners.all()[0].enterprise.name
            for record in response.context["table"].page.object_list.data]  # fmt: skip


def test_the_list_is_narrowed_to_the_area_and_filtered_in_the_url(as_user, world):
    url = reverse("demonstration:pairing_list")
    assert len(rows(as_user("city").get(url))) == 3
    assert len(rows(as_user("county").get(url))) == 2
    assert rows(as_user("reviewer").get(url)) == []
    assert rows(as_user("county").get(url, {"dormant": "yes"})) == ["民营龙头有限公司/乙小微企业"]
    assert rows(as_user("county").get(url, {"dormant": "no"})) == [
        "国有龙头集团有限公司/甲小微企业"
    ]
    across = as_user("city").get(url, {"mix": "state_owned+non_public"})
    assert len(rows(across)) == 2
    same = as_user("city").get(url, {"mix": "non_public"})
    assert rows(same) == ["民营龙头有限公司/乙小微企业"]
    assert len(rows(as_user("city").get(url, {"county": world["other"].county_id}))) == 1
    assert rows(as_user("city").get(url, {"status": "ended"})) == []
    page = as_user("county").get(url, {"kind": "big_small", "dormant": "yes"}).content.decode()
    assert "dormant=yes" in page  # the download keeps the filters


def test_create_from_the_form_and_a_pilot_sent_twice_is_named(as_user, users, plan_year, world):
    c = small_pilot(plan_year, name="丙小微企业")
    data = {
        "plan_year": "2026",
        "kind": "big_small",
        "lead": world["lead"].pk,
        "partners": [c.pk, c.pk],
        "starts_on": TODAY.isoformat(),
        "goals": "互学互鉴",
    }
    client = as_user("county")
    response = client.post(reverse("demonstration:pairing_create"), data)
    assert response.status_code == 200
    assert "The same pilot is chosen twice: 丙小微企业" in response.content.decode()
    assert Pairing.objects.count() == 3
    response = client.post(reverse("demonstration:pairing_create"), data | {"partners": [c.pk]})
    pairing = Pairing.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == pairing.get_absolute_url()
    assert list(pairing.partners.all()) == [c]
    assert pairing.created_by == users["county"]


def test_a_suggestion_link_prefills_the_form(as_user, world):
    url = reverse("demonstration:pairing_create")
    response = as_user("county").get(
        url, {"kind": "big_small", "lead": world["lead"].pk, "partners": world["b"].pk,
              "plan_year": "2026"}
    )  # fmt: skip
    form = response.context["form"]
    assert form.initial["lead"] == world["lead"].pk
    assert form.initial["partners"] == [world["b"].pk]
    # A pilot outside the area is not prefilled; nonsense is ignored.
    response = as_user("other_county").get(url, {"partners": [world["b"].pk, "x"], "lead": "-1"})
    assert "partners" not in response.context["form"].initial


def test_an_activity_with_a_photo_and_the_refusals(as_user, world):
    pairing, client = world["active"], as_user("county")
    url = reverse("demonstration:activity_create", args=[pairing.pk])
    data = {"held_on": TODAY.isoformat(), "kind": "study", "participants": "两企职工20人",
            "summary": "参观学习"}  # fmt: skip
    not_image = SimpleUploadedFile("照片.jpg", b"not a picture", content_type="image/jpeg")
    response = client.post(url, data | {"photos": [not_image]})
    assert response.status_code == 200
    assert "照片.jpg is not a file of an accepted type" in response.content.decode()
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, data | {"held_on": future})
    assert "in the future" in response.content.decode()
    assert PairingActivity.objects.filter(pairing=pairing).count() == 0
    assert ActivityAttachment.objects.count() == 0
    response = client.post(url, data | {"photos": [photo_upload("现场.jpg")]})
    assert response.status_code == 302
    photo = ActivityAttachment.objects.get()
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert reverse("demonstration:activity_thumbnail", args=[pairing.pk, photo.pk]) in page
    assert (
        client.get(
            reverse("demonstration:activity_attachment", args=[pairing.pk, photo.pk])
        ).status_code
        == 200
    )  # noqa: E501
    # Another county's official reaches neither the pairing nor its photo.
    other = as_user("other_county")
    assert other.get(pairing.get_absolute_url()).status_code == 404
    assert (
        other.get(
            reverse("demonstration:activity_attachment", args=[pairing.pk, photo.pk])
        ).status_code
        == 404
    )  # noqa: E501


def test_the_pairing_page_shows_a_lead_outside_the_area_by_name_only(as_user, world):
    page = as_user("county").get(world["active"].get_absolute_url()).content.decode()
    assert "国有龙头集团有限公司" in page and "shown by name only" in page
    page = as_user("city").get(world["active"].get_absolute_url()).content.decode()
    assert "shown by name only" not in page


def test_ending_a_pairing_from_its_page(as_user, world):
    pairing = world["dormant"]
    url = reverse("demonstration:pairing_end", args=[pairing.pk])
    response = as_user("county").post(url, {"ends_on": TODAY.isoformat(), "closing_summary": ""})
    assert response.status_code == 200
    response = as_user("county").post(
        url, {"ends_on": TODAY.isoformat(), "closing_summary": "结束"}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == "ended" and pairing.ends_on == TODAY
    assert (
        as_user("county").get(reverse("demonstration:pairing_edit", args=[pairing.pk])).status_code
        == 302
    )  # noqa: E501


def test_the_pilot_page_shows_its_pairings(as_user, world):
    page = as_user("county").get(world["b"].get_absolute_url()).content.decode()
    assert 'id="pairing-panel"' in page and "民营龙头有限公司" in page and "dormant" in page


def test_the_export_has_the_filtered_rows(as_user, world):
    response = as_user("city").get(reverse("demonstration:pairing_export"), {"dormant": "yes"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][2] == "民营龙头有限公司" and values[1][3] == "灌南县"
    assert values[1][4] == "乙小微企业"


def test_a_long_pairing_export_is_a_background_job_for_its_user(as_user, users, world, settings):
    from reform.jobs import run_job
    from reform.models import Job

    settings.EXPORT_BACKGROUND_ROWS = 4  # a pairing weighs 5 rows: one pairing is a job
    client = as_user("city")
    response = client.get(reverse("demonstration:pairing_export"), {"dormant": "yes"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.user, job.total) == (users["city"], 1)
    run_job.call(job.pk, job.attempts)
    job.refresh_from_db()
    assert (job.status, job.done) == (Job.Status.DONE, 1)
    data = b"".join(client.get(reverse("job_file", args=[job.pk])).streaming_content)
    values = [
        [cell.value for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()
    ]
    assert len(values) == 2 and values[1][2] == "民营龙头有限公司"
    assert as_user("admin").get(reverse("job_file", args=[job.pk])).status_code == 404


def test_who_is_still_alone(as_user, plan_year, world):
    alone = small_pilot(plan_year, name="丁小微企业")
    big = small_pilot(plan_year, name="戊大型企业", employees=600)  # not small: not listed
    response = as_user("county").get(reverse("demonstration:pairing_alone"))
    names = [row.pilot.enterprise.name for row in response.context["rows"]]
    assert names == ["丁小微企业"]
    suggestions = response.context["rows"][0].suggestions
    # Same industry (new materials) for every lead: the state-owned one, of another ownership
    # group, first; then the two private ones (the ranking's own tests are in
    # test_pairing_suggestions.py).
    assert suggestions[0].lead.name == "国有龙头集团有限公司" and suggestions[0].across
    assert {s.lead.name for s in suggestions[1:]} == {"民营龙头有限公司", big.enterprise.name}
    page = response.content.decode()
    assert f"lead={world['lead'].pk}&amp;partners={alone.pk}" in page
    assert as_user("reviewer").get(reverse("demonstration:pairing_alone")).context["rows"] == []
    assert Enterprise.objects.count() >= 5


def test_a_pairing_across_two_counties_is_read_by_each_counties_officials(
    as_user, users, plan_year, world
):
    """City staff pair pilots of 东海县 and 灌南县: the pairing is placed city-wide, and the
    officials of both units read it (list, page, their pilot's panel) without changing it; a
    third unit's officials and a township outside it see nothing of it."""
    from demonstration.services import pairing_create

    ours = small_pilot(plan_year, name="东海跨县小微企业")
    theirs = small_pilot(plan_year, county="320724", township=None, name="灌南跨县小微企业")
    across = pairing_create(
        user=users["city"], plan_year=plan_year, kind=Pairing.Kind.BIG_SMALL, lead=state_lead(),
        partners=[ours, theirs], starts_on=TODAY, goals="跨县结对",
    )  # fmt: skip
    assert (across.county_id, across.township_id) == (None, None)
    url = reverse("demonstration:pairing_list")
    for role in ("county", "other_county"):
        client = as_user(role)
        assert any(name.endswith("跨县小微企业") for name in rows(client.get(url)))
        page = client.get(across.get_absolute_url())
        assert page.status_code == 200 and "东海跨县小微企业" in page.content.decode()
        assert page.context["can_record"] is False  # read only: placed city-wide
    panel = as_user("county").get(ours.get_absolute_url()).content.decode()
    panel = panel[panel.index('id="pairing-panel"') :]
    assert f'<a href="{across.get_absolute_url()}">' in panel
    # 牛山街道's official reads it (ours lies there); of another township's, nothing.
    assert ours.enterprise.township.code == "320722001"
    assert as_user("township").get(across.get_absolute_url()).status_code == 200
    elsewhere = small_pilot(plan_year, township="320722002", name="别镇小微企业")
    alone = pairing_create(
        user=users["city"], plan_year=plan_year, kind=Pairing.Kind.BIG_SMALL, lead=state_lead(),
        partners=[elsewhere, small_pilot(plan_year, county="320724", township=None)],
        starts_on=TODAY, goals="另一跨县结对",
    )  # fmt: skip
    assert as_user("township").get(alone.get_absolute_url()).status_code == 404
    assert as_user("county").get(alone.get_absolute_url()).status_code == 200
    assert as_user("reviewer").get(across.get_absolute_url()).status_code == 404
    # Writing stays with city staff.
    edit = reverse("demonstration:pairing_edit", args=[across.pk])
    assert as_user("county").get(edit).status_code == 403
