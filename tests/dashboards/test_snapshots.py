"""Progress snapshots: the command and the button, pages as of a day, trends, query counts."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilots.models import ProgressSnapshot, ProgressSummarySnapshot
from pilots.quotas import quota_progress
from pilots.snapshots import month_before, progress_trends, take_snapshot, year_before
from reform.models import QuotaRule
from reform.services import plan_year_create
from tests.builders import make_pilot, region
from tests.dashboards import test_dashboards
from tests.dashboards.test_dashboards import DONGHAI, GUANNAN, NIUSHAN, SHILIU

world = test_dashboards.world  # the dashboards' hand-built data set, the same answers

Rule = QuotaRule.Rule
CITY = "320700"
MARCH_1, MARCH_15, APRIL_1 = (
    datetime.date(2026, 3, 1),
    datetime.date(2026, 3, 15),
    datetime.date(2026, 4, 1),
)


def kept(plan_year, day) -> dict:
    return {
        (row.region.code, row.rule): (row.count, row.pipeline, row.target, row.gap, row.status)
        for row in ProgressSnapshot.objects.filter(plan_year=plan_year, date=day).select_related(
            "region"
        )
    }


# Taking a snapshot --------------------------------------------------------------------------------


def test_a_snapshot_keeps_exactly_the_live_figures_of_every_region_and_rule(world):
    plan_year = world["plan_year"]
    rows = take_snapshot(plan_year, MARCH_1)
    live = quota_progress(plan_year)
    assert rows == len(live.by_region) == ProgressSnapshot.objects.count()
    snapshot = kept(plan_year, MARCH_1)
    for (_region_id, rule), row in live.by_region.items():
        expected = (row.count, row.pipeline, row.target, row.gap, row.status)
        assert snapshot[(row.region.code, rule)] == expected
    # By hand: 东海县 15 county-tier pilots of 15 (met), 7 of 8 in zones (close, 1 missing).
    assert snapshot[(DONGHAI, Rule.COUNTY)] == (15, 0, 15, 0, "met")
    assert snapshot[(DONGHAI, Rule.COUNTY_DEV_ZONE)] == (7, 0, 8, 1, "close")
    assert snapshot[(NIUSHAN, Rule.TOWNSHIP)] == (2, 1, 3, 1, "close")
    assert snapshot[(CITY, Rule.CITY)] == (0, 0, 30, 30, "far")
    # An exempt township keeps no target.
    assert snapshot[(SHILIU, Rule.TOWNSHIP)] == (0, 0, None, 0, "exempt")
    # The sums a trend reads: 东海县's 18 townships with a target (19 administrative, 石榴街道
    # exempt), 3 each; only 牛山街道's 2 pilots count, none meets its rule.
    summaries = {
        (row.region.code, row.rule): (row.count, row.target, row.met, row.regions)
        for row in ProgressSummarySnapshot.objects.select_related("region")
    }
    assert summaries[(DONGHAI, Rule.TOWNSHIP)] == (2, 54, 0, 18)
    assert summaries[(DONGHAI, Rule.COUNTY_DEV_ZONE)] == (7, 8, 0, 1)
    assert summaries[(CITY, Rule.CITY)] == (0, 30, 0, 1)
    county = live.summary(Rule.COUNTY)
    assert summaries[(CITY, Rule.COUNTY)] == (county.count, 15 * 7, 1, 7)
    # A city has its four rules, each county-level unit its three.
    assert len(summaries) == 4 + 3 * 7


def test_taking_a_snapshot_again_the_same_day_replaces_that_day_only(world):
    plan_year = world["plan_year"]
    take_snapshot(plan_year, MARCH_1)
    take_snapshot(plan_year, MARCH_15)
    before = kept(plan_year, MARCH_15)
    assert take_snapshot(plan_year, MARCH_15) == len(before)
    assert kept(plan_year, MARCH_15) == before
    make_pilot(plan_year, tier="township", township=NIUSHAN)
    call_command("snapshot_progress", "--date", "2026-03-15", "--year", "2026")
    again = kept(plan_year, MARCH_15)
    assert len(again) == len(before)
    assert again[(NIUSHAN, Rule.TOWNSHIP)] == (3, 1, 3, 0, "met")
    assert kept(plan_year, MARCH_1)[(NIUSHAN, Rule.TOWNSHIP)][0] == 2  # the other day untouched
    assert ProgressSnapshot.objects.count() == 2 * len(before)
    assert ProgressSummarySnapshot.objects.count() == 2 * (4 + 3 * 7)


def test_the_command_takes_the_current_plan_year_today_by_default(world, capsys):
    call_command("snapshot_progress")
    assert set(ProgressSnapshot.objects.values_list("date", "plan_year__year")) == {
        (timezone.localdate(), 2026)
    }
    assert "2026" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-3-1"], "YYYY-MM-DD"),
        (["--date", "2026-02-30"], "YYYY-MM-DD"),
        (["--date", "2999-01-01"], "future|未来"),
        (["--year", "2031"], "2031"),
        (["--year", "2027"], "no quota targets|尚未设定指标"),
    ],
)
def test_the_command_refuses_bad_input_and_keeps_nothing(world, args, message):
    empty = plan_year_create(year=2027)
    empty.rules.all().delete()
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_progress", *args)
    assert not ProgressSnapshot.objects.exists()


def test_an_administrator_keeps_a_snapshot_with_the_button(client, users, world):
    client.force_login(users["admin"])
    page = client.get("/").content.decode()
    assert 'id="snapshot-form"' in page and "csrfmiddlewaretoken" in page
    response = client.post(reverse("dashboards:snapshot_now"), {"year": "2026"}, follow=True)
    assert response.redirect_chain[-1][0] == "/?year=2026"
    assert ProgressSnapshot.objects.filter(plan_year=world["plan_year"]).exists()
    assert "2026" in [str(m) for m in response.context["messages"]][0]


def test_the_button_says_so_for_a_year_without_targets_and_keeps_nothing(client, users, world):
    empty = plan_year_create(year=2027)
    empty.rules.all().delete()
    client.force_login(users["admin"])
    response = client.post(reverse("dashboards:snapshot_now"), {"year": "2027"}, follow=True)
    assert "2027 年度尚未设定指标" in str(list(response.context["messages"])[0])
    assert not ProgressSnapshot.objects.exists()


@pytest.mark.parametrize("role", ["city", "county", "leader", "reviewer"])
def test_only_administrators_see_and_use_the_button(client, users, world, role):
    client.force_login(users[role])
    assert 'id="snapshot-form"' not in client.get("/").content.decode()
    assert client.post(reverse("dashboards:snapshot_now"), {"year": "2026"}).status_code == 403
    assert not ProgressSnapshot.objects.exists()


# Pages as of a day --------------------------------------------------------------------------------


@pytest.fixture
def history(world):
    """A snapshot of 1 March; then 2 more township pilots in 牛山街道 and 3 county-tier ones in
    灌南县 today."""
    plan_year = world["plan_year"]
    take_snapshot(plan_year, MARCH_1)
    make_pilot(plan_year, tier="township", township=NIUSHAN)
    make_pilot(plan_year, tier="township", township=NIUSHAN)
    for _ in range(3):
        make_pilot(plan_year, tier="county", county=GUANNAN)
    return world


def test_the_overview_as_of_a_day_shows_the_last_snapshot_before_it(client, users, history):
    client.force_login(users["admin"])
    response = client.get("/", {"as_of": "2026-03-15"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="history-banner"' in html and "2026-03-01" in html
    context = response.context
    assert context["snapshot_date"] == MARCH_1
    rows = {record["code"]: record for record in context["counties"]}
    assert rows[GUANNAN]["county_count"] == 0  # today 3
    live = {r["code"]: r for r in client.get("/").context["counties"]}
    assert live[GUANNAN]["county_count"] == 3
    # Read only: no snapshot button, no export, no form that writes; links keep the day.
    assert 'id="snapshot-form"' not in html
    assert 'method="post"' not in html.split('id="history-banner"')[1]
    assert "export=" not in html
    assert f'href="/regions/{DONGHAI}/?year=2026&amp;as_of=2026-03-15"' in html
    assert client.get("/", {"as_of": "2026-03-15", "export": "all"}).status_code == 404


def test_the_county_and_township_pages_as_of_a_day(client, users, history):
    client.force_login(users["county"])
    county = client.get(f"/regions/{DONGHAI}/", {"as_of": "2026-03-01"})
    assert county.status_code == 200
    assert county.context["county"]["dev_gap"] == 1
    townships = {row["code"]: row for row in county.context["tables"]["townships"].data}
    assert townships[NIUSHAN]["count"] == 2  # 4 today
    assert townships[NIUSHAN]["count_url"] == ""  # no link to today's pilot list
    assert "pilots" not in county.context["tables"]
    township = client.get(f"/regions/{NIUSHAN}/", {"as_of": "2026-04-01"})
    assert township.status_code == 200
    assert (township.context["row"].count, township.context["row"].status) == (2, "close")
    assert 'id="history-banner"' in township.content.decode()
    assert client.get(f"/regions/{NIUSHAN}/").context["row"].count == 4


@pytest.mark.parametrize("value", ["2026-3-1", "yesterday", "2026-02-30", "2026-03-01T00:00"])
def test_a_malformed_as_of_is_a_bad_request(client, users, history, value):
    client.force_login(users["leader"])
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        assert client.get(path, {"as_of": value}).status_code == 400


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-02-28", "早于"), ("2999-01-01", "未来")],
)
def test_an_as_of_before_the_first_snapshot_or_in_the_future_says_so(
    client, users, history, value, message
):
    client.force_login(users["leader"])
    for path in ("/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"):
        response = client.get(path, {"as_of": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="history-missing"' in html and message in html
        assert 'id="kpi-' not in html  # no figures of another day passed off as that one


def test_as_of_without_any_snapshot_says_so(client, users, world):
    client.force_login(users["leader"])
    response = client.get("/", {"as_of": "2026-03-01"})
    assert 'id="history-missing"' in response.content.decode()


# Trends -------------------------------------------------------------------------------------------


def test_month_and_year_before_keep_to_real_days():
    assert month_before(datetime.date(2026, 3, 31)) == datetime.date(2026, 2, 28)
    assert month_before(datetime.date(2026, 1, 15)) == datetime.date(2025, 12, 15)
    assert year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 2, 28)


def test_the_trend_shows_the_change_since_last_month_and_last_years_point(world):
    plan_year, previous = world["plan_year"], world["previous"]
    # 2025: one counted township pilot in 牛山街道 (world) on 1 April 2025.
    take_snapshot(previous, datetime.date(2025, 4, 1))
    take_snapshot(plan_year, MARCH_1)  # 牛山街道 2 of 3
    for _ in range(3):
        make_pilot(plan_year, tier="township", township=NIUSHAN)
    take_snapshot(plan_year, APRIL_1)  # 5 of 3
    progress = quota_progress(plan_year, within=region(DONGHAI))
    trends = progress_trends(progress, region(DONGHAI), day=APRIL_1, previous=previous, live=False)
    township = trends[Rule.TOWNSHIP]
    # Over 东海县's townships with a target (石榴街道 exempt): only 牛山街道 has pilots.
    assert [(p.date, p.count) for p in township.points] == [(MARCH_1, 2), (APRIL_1, 5)]
    assert township.month_ago.date == MARCH_1
    assert township.change == 3
    assert township.last_year.date == datetime.date(2025, 4, 1)
    assert township.last_year.count == 1
    county = trends[Rule.COUNTY]
    assert [(p.count, p.target) for p in county.points] == [(15, 15), (15, 15)]
    assert county.change == 0


def test_the_overview_shows_the_trend_lines_and_the_change(client, users, world):
    plan_year = world["plan_year"]
    today = timezone.localdate()
    take_snapshot(plan_year, month_before(today))
    for _ in range(3):
        make_pilot(plan_year, tier="city")
    client.force_login(users["leader"])
    html = client.get("/").content.decode()
    assert 'id="trend-city"' in html and "<polyline" in html
    city = html.split('id="trend-city"')[1].split("</figure>")[0]
    assert "<b>3</b> / 30" in city
    assert "较上月 +3" in city
    client.cookies["django_language"] = "en"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "+3 on last month" in english


# Query counts -------------------------------------------------------------------------------------


def grow_snapshots(plan_year, days: int) -> None:
    start = datetime.date(2026, 1, 1)
    for offset in range(days):
        take_snapshot(plan_year, start + datetime.timedelta(days=offset))


@pytest.mark.parametrize("as_of", ["", "2026-03-01"])
@pytest.mark.parametrize("path", ["/", f"/regions/{DONGHAI}/", f"/regions/{NIUSHAN}/"])
def test_the_number_of_queries_does_not_grow_with_the_snapshots(client, users, world, path, as_of):
    client.force_login(users["county"])
    previous = world["previous"]
    grow_snapshots(world["plan_year"], 2)
    take_snapshot(previous, datetime.date(2025, 1, 1))
    params = {"as_of": as_of} if as_of else {}
    client.get(path, params)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path, params).status_code == 200
    grow_snapshots(world["plan_year"], 70)
    take_snapshot(previous, datetime.date(2025, 2, 1))
    with CaptureQueriesContext(connection) as large:
        assert client.get(path, params).status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
