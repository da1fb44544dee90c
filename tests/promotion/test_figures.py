"""The figures the overview and county pages will show: hand-counted, in a fixed number of
queries however much data there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from promotion.models import Case
from promotion.selectors import case_figures, report_counts_by_county, report_figures
from reform.models import Region
from reform.services import plan_year_create
from tests.builders import make_pilot
from tests.promotion.builders import make_case, make_report

pytestmark = pytest.mark.django_db
S = Case.Status


def region(code):
    return Region.objects.get(code=code)


@pytest.fixture
def cases(plan_year, niushan_pilot, donghai_pilot, guannan_pilot):
    earlier = plan_year_create(year=2025)
    make_case(plan_year, [niushan_pilot], status=S.DRAFT, dimensions=["political"])
    make_case(plan_year, [donghai_pilot], status=S.SUBMITTED, dimensions=["political", "rights"])
    make_case(plan_year, [guannan_pilot], status=S.PUBLISHED, dimensions=["rights"])
    # A city case about both counties counts in each of them.
    make_case(
        plan_year, [niushan_pilot, guannan_pilot], status=S.SELECTED, dimensions=["achievement"]
    )
    make_case(earlier, [make_pilot(earlier)], status=S.PUBLISHED, dimensions=["empowerment"])


def test_cases_by_status_and_dimension_for_the_city(plan_year, cases):
    figures = case_figures(plan_year=plan_year)
    assert figures.total == 4
    assert figures.by_status == {"draft": 1, "submitted": 1, "selected": 1, "published": 1}
    assert figures.by_dimension == {"political": 2, "empowerment": 0, "achievement": 1, "rights": 2}
    assert case_figures(plan_year=plan_year, within=region("320700")).total == 4


def test_cases_within_a_county_and_a_township(plan_year, cases):
    donghai = case_figures(plan_year=plan_year, within=region("320722"))
    assert donghai.by_status == {"draft": 1, "submitted": 1, "selected": 1, "published": 0}
    assert donghai.by_dimension == {"political": 2, "empowerment": 0, "achievement": 1, "rights": 1}
    guannan = case_figures(plan_year=plan_year, within=region("320724"))
    assert (guannan.total, guannan.by_status["published"]) == (2, 1)
    niushan = case_figures(plan_year=plan_year, within=region("320722001"))
    assert niushan.total == 2


@pytest.fixture
def reports(plan_year, niushan_pilot, guannan_pilot):
    guannan_case = make_case(plan_year, [guannan_pilot], status=S.PUBLISHED)
    day = datetime.date
    make_report(
        pilots=[niushan_pilot],
        published_on=day(2026, 1, 10),
        outlet_kind="union",
        level="provincial",
    )
    make_report(pilots=[niushan_pilot], published_on=day(2026, 1, 20))
    make_report(
        cases=[guannan_case],
        published_on=day(2026, 3, 2),
        outlet_kind="new_media",
        level="national",
    )
    # About both a 东海县 pilot and a 灌南县 case: counts once for each county.
    make_report(pilots=[niushan_pilot], cases=[guannan_case], published_on=day(2026, 3, 9))
    # City-wide, about no pilot; and one of last year.
    make_report(published_on=day(2026, 11, 1), level="city")
    make_report(pilots=[niushan_pilot], published_on=day(2025, 12, 30))


def test_reports_by_month_outlet_kind_and_level(reports):
    figures = report_figures(year=2026)
    assert figures.total == 5
    assert figures.by_month == [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert figures.by_outlet_kind == {"mainstream": 3, "union": 1, "new_media": 1}
    assert figures.by_level == {"national": 1, "provincial": 1, "city": 3, "county": 0}
    donghai = report_figures(year=2026, within=region("320722"))
    assert (donghai.total, donghai.by_month[:3]) == (3, [2, 0, 1])
    guannan = report_figures(year=2026, within=region("320724"))
    assert guannan.total == 2
    assert report_figures(year=2026, within=region("320722001")).total == 3


def test_county_level_units_with_no_report_this_year(reports):
    counts = {row.county.code: row.reports for row in report_counts_by_county(year=2026)}
    assert counts == {
        "320703": 0,
        "320706": 0,
        "320707": 0,
        "320722": 3,
        "320723": 0,
        "320724": 2,
        "320771": 0,
    }
    missing = [r.county.name for r in report_counts_by_county(year=2026) if r.has_none]
    assert "东海县" not in missing and "灌云县" in missing
    only = report_counts_by_county(year=2026, within=region("320724"))
    assert [(r.county.code, r.reports) for r in only] == [("320724", 2)]


def queries(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as context:
        function(**kwargs)
    return len(context.captured_queries)


def test_the_figures_take_a_fixed_number_of_queries(plan_year, niushan_pilot, guannan_pilot):
    def grow(n):
        for i in range(n):
            pilot = make_pilot(plan_year, county="320722" if i % 2 else "320724", township=None)
            case = make_case(
                plan_year,
                [pilot],
                status=list(S)[i % 4],
                dimensions=["rights", "political"][: 1 + i % 2],
            )
            make_report(
                pilots=[pilot], cases=[case], published_on=datetime.date(2026, 1 + i % 12, 3)
            )

    grow(3)
    small = [
        queries(case_figures, plan_year=plan_year, within=region("320722")),
        queries(report_figures, year=2026, within=region("320722")),
        queries(report_counts_by_county, year=2026),
    ]
    grow(30)
    large = [
        queries(case_figures, plan_year=plan_year, within=region("320722")),
        queries(report_figures, year=2026, within=region("320722")),
        queries(report_counts_by_county, year=2026),
    ]
    assert small == large == [2, 1, 2]
