"""An applied import links to the records it wrote and to the dashboard it changed; the lists'
`batch` filter shows exactly those records, inside the user's scope."""

import pytest
from django.urls import reverse

from pilots.models import Enterprise, ImportBatch
from tests.builders import make_enterprise, next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx
from tests.pilots.test_import_views import client_for, uploaded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)


def listed(client, url: str) -> set[str]:
    page = client.get(url)
    assert page.status_code == 200
    records = [row.record for row in page.context["table"].page.object_list]
    return {getattr(record, "enterprise", record).name for record in records}


def applied(client, rows) -> ImportBatch:
    batch = uploaded(client, xlsx(rows))
    assert batch.rows_rejected == 0
    assert client.post(reverse("pilots:import_confirm", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    return batch


@pytest.fixture
def imports(users, plan_year):
    """Two applied imports of 东海县, the first creating 甲 and 乙 and updating 丙."""
    updated = make_enterprise(name="丙", employee_count=10)
    untouched = make_enterprise(name="丁")
    client = client_for(users["county"])
    first = applied(
        client,
        [
            row(name="甲", credit_code=next_credit_code()),
            row(name="乙", credit_code=next_credit_code(), tier=None, status=None),
            row(
                name="丙",
                credit_code=updated.credit_code,
                employee_count=500,
                tier=None,
                status=None,
            ),
        ],
    )
    second = applied(client, [row(name="戊", credit_code=next_credit_code())])
    return {"first": first, "second": second, "untouched": untouched, "client": client}


def test_an_applied_import_links_its_records_and_its_dashboard(imports):
    client, batch = imports["client"], imports["first"]
    page = client.get(batch.get_absolute_url()).text
    enterprises = f"{reverse('pilots:enterprise_list')}?batch={batch.pk}"
    pilots = f"{reverse('pilots:pilot_list')}?batch={batch.pk}&amp;plan_year=2026"
    assert f'href="{enterprises}" id="written-enterprises">新增或更新企业 3 家' in page
    assert f'href="{pilots}" id="written-pilots">新增或更新试点 1 个' in page
    assert 'href="/regions/320722/?year=2026" id="written-dashboard">东海县的指标完成情况' in page
    # The lists behind the links show exactly what this import wrote.
    assert listed(client, enterprises) == {"甲", "乙", "丙"}
    assert listed(client, pilots.replace("&amp;", "&")) == {"甲"}
    note = client.get(enterprises).text
    assert f'<a href="{batch.get_absolute_url()}">第 {batch.pk} 批导入</a>' in note


def test_the_rows_of_the_import_link_their_enterprise_and_pilot(imports):
    client, batch = imports["client"], imports["first"]
    page = client.get(batch.get_absolute_url()).text
    jia = Enterprise.objects.get(name="甲")
    assert f'<a href="{jia.get_absolute_url()}">甲</a>' in page
    pilot_url = jia.pilots.get().get_absolute_url()
    assert f'<a class="badge status-met pilot-link" href="{pilot_url}">新增</a>' in page


def test_a_preview_links_only_the_records_that_exist(users, plan_year):
    existing = make_enterprise(name="已有企业", employee_count=10)
    client = client_for(users["county"])
    batch = uploaded(
        client,
        xlsx(
            [
                row(name="新企业", credit_code=next_credit_code()),
                row(name="已有企业", credit_code=existing.credit_code, employee_count=99),
            ]
        ),
    )
    page = client.get(batch.get_absolute_url()).text
    assert f'<a href="{existing.get_absolute_url()}">已有企业</a>' in page
    assert "<td>新企业<br>" in page
    assert "written-enterprises" not in page  # nothing written yet


def test_the_batch_filter_stays_inside_the_scope(users, plan_year):
    city = client_for(users["city"])
    batch = applied(
        city,
        [
            row(name="东海企业", credit_code=next_credit_code()),
            row(
                name="灌南企业",
                credit_code=next_credit_code("320724"),
                county="灌南县",
                township=None,
            ),
        ],
    )
    url = f"{reverse('pilots:enterprise_list')}?batch={batch.pk}"
    assert listed(city, url) == {"东海企业", "灌南企业"}
    assert listed(client_for(users["county"]), url) == {"东海企业"}
    assert listed(client_for(users["other_county"]), url) == {"灌南企业"}
    page = city.get(batch.get_absolute_url()).text
    assert 'href="/?year=2026" id="written-dashboard">全市指标总览' in page


def test_an_undone_import_links_nothing(imports):
    client, batch = imports["client"], imports["second"]
    client.post(reverse("pilots:import_undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert "written-enterprises" not in client.get(batch.get_absolute_url()).text
    # The enterprise it created is gone: the filter finds nothing.
    assert listed(client, f"{reverse('pilots:enterprise_list')}?batch={batch.pk}") == set()
