"""The demonstration selection on the overview and county pages (issue 11, "Where it shows"):
demonstration units by county-level unit, linked to the pilots they count, and the plan year's
round with its progress — the city's on the overview, the unit's own on a county page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from demonstration import services
from pilots.models import Pilot
from reform.services import plan_year_create
from tests.builders import make_pilot, region
from tests.demonstration.builders import make_round, open_phase, recommend, submitted_application

pytestmark = pytest.mark.django_db

DONGHAI, GUANNAN, HAIZHOU = "320722", "320724", "320706"
DEMONSTRATION = Pilot.Status.DEMONSTRATION


@pytest.fixture
def units(plan_year):
    """东海县: two county-tier units, a city-tier unit whose enterprise lies there, a confirmed
    pilot (not a unit); 灌南县: a withdrawn pilot; a unit of the previous plan year."""
    made = [
        make_pilot(plan_year, county=DONGHAI, status=DEMONSTRATION),
        make_pilot(plan_year, county=DONGHAI, status=DEMONSTRATION),
        make_pilot(plan_year, county=DONGHAI, status=DEMONSTRATION, tier="city", township=None),
    ]
    make_pilot(plan_year, county=DONGHAI)
    make_pilot(plan_year, county=GUANNAN, status=Pilot.Status.WITHDRAWN, township=None)
    last_year = plan_year_create(year=2025, title="2025")
    make_pilot(last_year, county=GUANNAN, status=DEMONSTRATION, township=None)
    return made


def by_county(context) -> dict[str, int]:
    return {row["code"]: row["count"] for row in context["demonstration_units"]}


def test_the_overview_counts_the_years_demonstration_units_by_county(client, users, units):
    client.force_login(users["leader"])
    context = client.get("/").context
    counts = by_county(context)
    assert counts[DONGHAI] == 3 and counts[GUANNAN] == 0 and counts[HAIZHOU] == 0
    assert len(counts) == 7 and context["demonstration_total"] == 3


def test_a_county_figure_links_to_exactly_the_pilots_it_counts(client, users, units):
    client.force_login(users["city"])
    row = next(r for r in client.get("/").context["demonstration_units"] if r["code"] == DONGHAI)
    listed = client.get(row["url"]).context["table"].data.data
    assert sorted(p.pk for p in listed) == sorted(p.pk for p in units)


def test_figures_outside_the_users_scope_are_not_links(client, users, units):
    client.force_login(users["county"])  # 东海县
    rows = {r["code"]: r for r in client.get("/").context["demonstration_units"]}
    assert rows[DONGHAI]["url"] and not rows[GUANNAN]["url"]


def test_the_county_page_counts_its_own_units(client, users, units):
    client.force_login(users["county"])
    context = client.get(f"/regions/{DONGHAI}/").context
    assert by_county(context) == {DONGHAI: 3}


def test_the_download_lists_the_units_by_county(client, users, units):
    client.force_login(users["leader"])
    response = client.get("/?export=demonstration_units")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row[1]}
    assert rows[DONGHAI] == 3 and rows[GUANNAN] == 0


@pytest.fixture
def running(users, plan_year):
    """A round of the plan year: 东海县 three applications, two recommended; 灌南县 one,
    recommended; a draft in 东海县 (not applied)."""
    selection = make_round(plan_year, user=users["city"], default_quota=2)
    donghai = [
        submitted_application(selection, user=users["county"], county=DONGHAI) for _ in "abc"
    ]
    guannan = submitted_application(selection, user=users["city"], county=GUANNAN, township=None)
    services.application_open(
        round=selection, pilot=make_pilot(plan_year, county=DONGHAI), user=users["county"]
    )
    selection = open_phase(selection, "recommendation")
    recommend(selection, donghai[:2], county=region(DONGHAI), user=users["county"])
    recommend(selection, [guannan], county=region(GUANNAN), user=users["city"])
    return selection


def steps(context) -> list[int]:
    return [step["count"] for step in context["selection"]["steps"]]


def test_the_overview_shows_the_running_rounds_progress(client, users, running):
    client.force_login(users["leader"])
    selection = client.get("/").context["selection"]
    assert steps({"selection": selection}) == [4, 3, 0, 0, 0]  # applied … named
    assert selection["open_phase"].phase == "recommendation"
    assert selection["name"] == running.name and selection["url"] == running.get_absolute_url()


def test_a_county_page_shows_the_progress_of_its_own_pilots(client, users, running):
    client.force_login(users["county"])
    assert steps(client.get(f"/regions/{DONGHAI}/").context) == [3, 2, 0, 0, 0]
    assert steps(client.get(f"/regions/{GUANNAN}/").context) == [1, 1, 0, 0, 0]


def test_a_reviewer_sees_the_figures_but_no_link_to_the_round(client, users, running):
    client.force_login(users["reviewer"])
    selection = client.get("/").context["selection"]
    assert steps({"selection": selection}) == [4, 3, 0, 0, 0] and selection["url"] == ""


def test_a_year_without_a_round_says_so(client, users, plan_year):
    client.force_login(users["leader"])
    response = client.get("/")
    assert response.context["selection"] is None
    assert 'id="no-round"' in response.content.decode()
    assert 'id="selection-steps"' not in response.content.decode()


def test_the_queries_do_not_grow_with_the_applications(client, users, running, plan_year):
    client.force_login(users["leader"])
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    for _ in range(5):
        submitted_pilot = make_pilot(plan_year, county=HAIZHOU, township=None)
        open_phase(running, "application")
        submitted_application(running, user=users["city"], pilot=submitted_pilot)
    open_phase(running, "recommendation")
    with CaptureQueriesContext(connection) as large:
        context = client.get("/").context
    assert steps(context)[0] == 9
    assert len(large) == len(small)
