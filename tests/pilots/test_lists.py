"""Enterprise and pilot lists: scope, filters, sorting, exports, query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from simple_history.utils import bulk_update_with_history

from clusters.models import Cluster
from pilots.models import Pilot
from reform.services import plan_year_create
from tests.builders import make_enterprise, make_pilot, make_zone

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [row.record.enterprise.name for row in response.context["table"].page.object_list]


def enterprise_names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].page.object_list]


@pytest.fixture
def spread(plan_year):
    """Pilots in two counties, tiers and years."""
    zone = make_zone("320722", name="测试东海开发区")
    return {
        "donghai": make_pilot(
            plan_year,
            tier="county",
            name="东海甲企业有限公司",
            park=zone,
            employee_count=300,
            township="320722002",
        ),
        "township": make_pilot(
            plan_year,
            tier="township",
            status="proposed",
            name="东海乙企业有限公司",
            employee_count=40,
            industry="0411",
            core_industry="",
        ),
        "guannan": make_pilot(
            plan_year, tier="city", county="320724", township=None, name="灌南丙企业有限公司"
        ),
        "old": make_pilot(plan_year_create(year=2025), tier="county", name="东海往年企业有限公司"),
    }


def test_the_pilot_list_shows_the_current_plan_year_inside_the_scope(as_user, spread):
    url = reverse("pilots:pilot_list")
    assert sorted(names(as_user("county").get(url))) == ["东海乙企业有限公司", "东海甲企业有限公司"]
    assert names(as_user("township").get(url)) == ["东海乙企业有限公司"]
    assert len(names(as_user("leader").get(url))) == 3
    every_year = names(as_user("county").get(url, {"plan_year": ""}))
    assert "东海往年企业有限公司" in every_year


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "city"}, ["灌南丙企业有限公司"]),
        ({"status": "proposed"}, ["东海乙企业有限公司"]),
        ({"q": "丙企业"}, ["灌南丙企业有限公司"]),
        ({"large": "true", "county": "COUNTY"}, ["东海甲企业有限公司"]),
        ({"park": "PARK"}, ["东海甲企业有限公司"]),
        ({"sector": "primary"}, ["东海乙企业有限公司"]),
        ({"plan_year": "2025"}, ["东海往年企业有限公司"]),
    ],
)
def test_the_pilot_filters_narrow_the_list(as_user, spread, params, expected):
    donghai = spread["donghai"].enterprise
    values = {
        key: {"COUNTY": str(donghai.county_id), "PARK": str(donghai.park_id)}.get(value, value)
        for key, value in params.items()
    }
    response = as_user("city").get(reverse("pilots:pilot_list"), values)
    assert sorted(names(response)) == expected


def test_the_search_finds_a_credit_code(as_user, spread):
    code = spread["guannan"].enterprise.credit_code
    response = as_user("city").get(reverse("pilots:pilot_list"), {"q": code[-8:].lower()})
    assert names(response) == ["灌南丙企业有限公司"]


def test_the_cluster_filter_uses_the_cluster_members(as_user, spread):
    cluster = Cluster.objects.filter(county__code="320722").first()
    cluster.members.add(spread["donghai"].enterprise)
    response = as_user("city").get(reverse("pilots:pilot_list"), {"cluster": cluster.pk})
    assert names(response) == ["东海甲企业有限公司"]


def test_the_lists_sort_by_a_column(as_user, spread):
    response = as_user("city").get(reverse("pilots:pilot_list"), {"sort": "-enterprise"})
    assert names(response) == sorted(names(response), reverse=True)


def test_the_enterprise_list_is_scoped_and_filtered(as_user, spread):
    url = reverse("pilots:enterprise_list")
    assert "灌南丙企业有限公司" not in enterprise_names(as_user("county").get(url))
    leading = make_enterprise(county="320722", name="东海龙头企业有限公司", is_leading=True)
    assert enterprise_names(as_user("county").get(url, {"leading": "true"})) == [leading.name]


def _xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    return [[cell for cell in row] for row in workbook.active.iter_rows()]


def test_the_export_holds_only_the_filtered_rows_the_user_may_see(as_user, spread):
    url = reverse("pilots:pilot_export", args=["xlsx"])
    rows = _xlsx(as_user("county").get(url, {"tier": "county"}))
    values = [[cell.value for cell in row] for row in rows]
    assert len(values) == 2  # header + 东海甲
    assert "东海甲企业有限公司" in values[1]
    assert not any("灌南" in str(value) for row in values for value in row)


def test_the_export_writes_no_formula_cells(as_user, plan_year):
    for index, start in enumerate(["=", "+", "-", "@", "\t", "\r"]):
        make_pilot(
            plan_year,
            name=f'{start}HYPERLINK("http://evil")公司{index}',
            contact_name=f"{start}1+1",
        )
    response = as_user("city").get(reverse("pilots:pilot_export", args=["xlsx"]))
    cells = [cell for row in _xlsx(response) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert "'=1+1" in texts and "'@1+1" in texts and "'\t1+1" in texts
    response = as_user("city").get(reverse("pilots:pilot_export", args=["csv"]))
    lines = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))
    for row in lines[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_the_enterprise_csv_export_is_scoped(as_user, spread):
    response = as_user("township").get(reverse("pilots:enterprise_export", args=["csv"]))
    text = b"".join(response).decode("utf-8-sig")
    assert "东海乙企业有限公司" in text
    assert "东海甲企业有限公司" not in text  # another township of 东海县
    assert "灌南" not in text


def test_an_unknown_export_format_is_404(as_user):
    assert as_user("city").get("/pilots/export.pdf").status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    ["pilots:pilot_list", "pilots:enterprise_list"],
)
def test_the_lists_need_the_same_number_of_queries_for_more_rows(as_user, plan_year, url_name):
    client = as_user("county")
    url = reverse(url_name)
    for _ in range(3):
        make_pilot(plan_year, contact_name="张三")
    before = _count(client, url)
    zone = make_zone("320722")
    for _ in range(12):
        make_pilot(plan_year, park=zone, township="320722002")
    assert _count(client, url) == before


def test_the_exports_need_the_same_number_of_queries_for_more_rows(as_user, plan_year):
    client = as_user("city")
    url = reverse("pilots:pilot_export", args=["xlsx"])
    make_pilot(plan_year)
    before = _count(client, url)
    for _ in range(10):
        make_pilot(plan_year, park=make_zone("320722"))
    assert _count(client, url) == before


def test_bulk_updates_through_the_history_helper_are_recorded(users, plan_year):
    pilots = [make_pilot(plan_year, status="proposed") for _ in range(3)]
    for pilot in pilots:
        pilot.status = Pilot.Status.CONFIRMED
    bulk_update_with_history(
        pilots, Pilot, ["status"], default_user=users["admin"], default_change_reason="bulk"
    )
    for pilot in pilots:
        latest = pilot.history.order_by("-history_id").first()
        assert (latest.status, latest.history_user) == ("confirmed", users["admin"])


def test_the_export_keeps_the_pages_sort_order(as_user, spread):
    url = reverse("pilots:pilot_export", args=["csv"])
    text = b"".join(as_user("city").get(url, {"sort": "-enterprise"})).decode("utf-8-sig")
    names = [row[3] for row in list(csv.reader(io.StringIO(text)))[1:]]
    assert names == sorted(names, reverse=True) and len(names) == 3
