"""Cases and media reports on the overview and county pages, and in their downloads."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from promotion.models import Case, MediaReport
from tests.builders import make_pilot
from tests.promotion.builders import make_case, make_report

pytestmark = pytest.mark.django_db

DONGHAI, GUANNAN = "320722", "320724"


@pytest.fixture
def world(users, plan_year):
    donghai = make_pilot(plan_year, county=DONGHAI, township="320722001")
    guannan = make_pilot(plan_year, county=GUANNAN, township=None)
    published = make_case(
        plan_year, [donghai], status=Case.Status.PUBLISHED, dimensions=("political", "rights")
    )
    make_case(plan_year, [donghai], status=Case.Status.DRAFT, dimensions=("rights",))
    make_case(plan_year, [guannan], status=Case.Status.SUBMITTED, dimensions=("achievement",))
    make_report(pilots=[donghai], published_on=datetime.date(2026, 3, 5))
    make_report(
        cases=[published],
        published_on=datetime.date(2026, 3, 20),
        outlet_kind=MediaReport.OutletKind.UNION,
        level=MediaReport.Level.PROVINCIAL,
    )
    make_report(pilots=[donghai], published_on=datetime.date(2025, 12, 31))  # another year
    return {"donghai": donghai, "guannan": guannan}


def test_the_overview_counts_cases_by_status_and_dimension(client, users, world):
    client.force_login(users["leader"])
    context = client.get("/").context
    cases = context["case_figures"]
    assert cases["total"] == 3
    assert [s.count for s in cases["statuses"]] == [1, 1, 0, 1]  # draft, submitted, sel., pub.
    by_dimension = {s.label: s.count for s in cases["dimensions"]}
    assert by_dimension == {"政治建设": 1, "赋能成长": 0, "建功立业": 1, "维权服务": 2}


def test_the_overview_counts_the_years_reports_by_month_kind_and_level(client, users, world):
    client.force_login(users["leader"])
    reports = client.get("/").context["report_figures"]
    assert reports["total"] == 2  # the report of 2025 is not in plan year 2026
    assert [m.count for m in reports["months"]] == [0, 0, 2] + [0] * 9
    assert {s.label: s.count for s in reports["kinds"]}["工会媒体"] == 1
    assert {s.label: s.count for s in reports["levels"]}["省级"] == 1
    march = reports["month_bars"][2]
    assert (march["height"], march["y"]) == (80, 14)  # the highest month fills the chart


def test_the_overview_shows_in_red_the_county_units_without_a_report(client, users, world):
    client.force_login(users["city"])
    response = client.get("/")
    counties = {row["code"]: row for row in response.context["report_counties"]}
    assert counties[DONGHAI]["reports"] == 2 and not counties[DONGHAI]["none"]
    assert counties[GUANNAN]["none"]
    without = {row["code"] for row in response.context["counties_without_reports"]}
    assert GUANNAN in without and DONGHAI not in without
    html = response.content.decode()
    assert f'<li class="none"><a href="/regions/{GUANNAN}/?year=2026">' in html


def test_a_county_page_shows_its_own_cases_and_reports(client, users, world):
    client.force_login(users["county"])
    response = client.get(reverse("dashboards:region_detail", args=[GUANNAN]))
    assert response.context["case_figures"]["total"] == 1
    assert response.context["report_figures"]["total"] == 0
    assert 'id="no-reports"' in response.content.decode()
    response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]))
    assert response.context["case_figures"]["total"] == 2
    assert response.context["report_figures"]["total"] == 2
    assert "report_counties" not in response.context


def test_the_figures_download_with_the_same_numbers(client, users, world):
    client.force_login(users["leader"])
    response = client.get("/", {"export": "reports"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    march = next(row for row in rows if row[1] == "三月")
    assert march == ("月份", "三月", 2)
    response = client.get("/", {"export": "report_counties"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    counts = {row[1]: row[2] for row in rows[2:]}
    assert (counts[DONGHAI], counts[GUANNAN]) == (2, 0)
