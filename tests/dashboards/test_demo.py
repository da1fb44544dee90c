from collections import Counter

from django.core.management import call_command

from pilots.models import Enterprise, Pilot
from pilots.quotas import quota_progress
from reform.creditcode import is_valid_credit_code
from reform.models import Park, PlanYear, User


def test_seed_demo_fills_every_tier_with_valid_codes_and_mixed_progress(db):
    call_command("seed_demo", enterprises=1500, verbosity=0)
    assert Enterprise.objects.count() == 1500
    assert all(
        is_valid_credit_code(c) for c in Enterprise.objects.values_list("credit_code", flat=True)
    )
    current = PlanYear.objects.get(is_current=True)
    tiers = Counter(Pilot.objects.filter(plan_year=current).values_list("tier", flat=True))
    assert set(tiers) == {"city", "county", "township"}
    progress = quota_progress(current)
    county = progress.rules["county"]
    assert 0 < county.met_count < county.region_count  # some counties meet the rule, some not
    township = progress.rules["township"]
    assert 0 < township.met_count < township.region_count
    assert set(User.objects.values_list("role", flat=True)) == {
        "admin",
        "city_staff",
        "county",
        "township",
        "leader",
        "reviewer",
    }
    assert Park.objects.filter(is_demo=True).exists()
    assert Enterprise.history.count() == 1500
    assert set(Pilot.history.values_list("history_user__username", flat=True)) == {"city"}
    from pilots.models import PilotPlan

    counted = Pilot.objects.filter(plan_year=current, status__in=Pilot.COUNTED_STATUSES)
    assert 0 < PilotPlan.objects.count() < counted.count()  # most have a plan, some not yet
    _pairings_of_both_kinds_active_dormant_and_ended()
    _trend_lines_with_a_past(current)


def _trend_lines_with_a_past(current):
    """The overview's trend lines have points through the year and last year's to compare."""
    import datetime

    from django.utils import timezone

    from pilots.snapshots import progress_trends
    from reform.models import Region

    today = timezone.localdate()
    city = Region.objects.get(level="city")
    previous = PlanYear.objects.get(year=current.year - 1)
    trends = progress_trends(quota_progress(current, within=city), city, day=today,
                             previous=previous)  # fmt: skip
    trend = trends["county"]
    if today.year == current.year and today >= datetime.date(current.year, 2, 15):
        assert len(trend.points) > 4
        assert trend.points[0].count < trend.now.count  # growing through the year
        assert trend.month_ago is not None
    assert trend.previous_points and trend.last_year is not None
    # The last point is today's live figure, whatever the snapshots say.
    assert trend.now.count == quota_progress(current, within=city).summary("county").count


def _pairings_of_both_kinds_active_dormant_and_ended():
    from demonstration.models import ActivityAttachment, Pairing, PairingActivity
    from demonstration.pairings.selectors import with_activity

    shapes = set(with_activity(Pairing.objects.all()).values_list("kind", "status", "is_dormant"))
    for kind in Pairing.Kind.values:
        assert {(kind, "active", True), (kind, "ended", False)} <= shapes, shapes
    assert ("big_small", "active", False) in shapes
    assert PairingActivity.objects.exists() and ActivityAttachment.objects.exists()


def test_seed_demo_is_deterministic(db):
    from dashboards.demo import DemoBuilder

    first = [DemoBuilder(seed=7).credit_code("320722") for _ in range(3)]
    second = [DemoBuilder(seed=7).credit_code("320722") for _ in range(3)]
    assert first == second


def test_seed_demo_adds_a_finished_round_last_year_and_this_years_in_review(db):
    from django.utils import timezone

    from demonstration.models import Application, Assignment, Naming, Phase, SelectionRound
    from demonstration.selectors import round_progress

    call_command("seed_demo", enterprises=1500, verbosity=0)
    last = SelectionRound.objects.get(plan_year__year=2025)
    this = SelectionRound.objects.get(plan_year__year=2026)
    now = timezone.now()
    assert all(p.state(now) == "closed" for p in last.phases.all())
    finished = round_progress(last)
    assert finished.named == last.units_to_name == 10
    assert finished.on_notice == 10
    named = Pilot.objects.filter(pk__in=Naming.objects.filter(round=last).values("pilot"))
    assert set(named.values_list("status", flat=True)) == {"demonstration"}
    assert this.phases.get(phase=Phase.REVIEW).state(now) == "open"
    running = round_progress(this)
    assert 0 < running.reviewed < running.recommended < running.applied
    assert running.drafts == 2 and running.named == 0
    reviewers = User.objects.filter(role="reviewer").order_by("username")
    assert [u.username for u in reviewers] == [f"reviewer{i}" for i in range(1, 9)]
    for assignment in Assignment.objects.select_related(
        "reviewer", "application__pilot__enterprise"
    ):
        assert assignment.reviewer.region_id != assignment.application.pilot.enterprise.county_id
    assert (
        Application.objects.filter(round=this, status="recommended").count() == running.recommended
    )
