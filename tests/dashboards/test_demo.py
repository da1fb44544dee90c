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
    }
    assert Park.objects.filter(is_demo=True).exists()
    assert Enterprise.history.count() == 1500
    assert set(Pilot.history.values_list("history_user__username", flat=True)) == {"city"}
    from pilots.models import PilotPlan

    counted = Pilot.objects.filter(plan_year=current, status__in=Pilot.COUNTED_STATUSES)
    assert 0 < PilotPlan.objects.count() < counted.count()  # most have a plan, some not yet


def test_seed_demo_is_deterministic(db):
    from dashboards.demo import DemoBuilder

    first = [DemoBuilder(seed=7).credit_code("320722") for _ in range(3)]
    second = [DemoBuilder(seed=7).credit_code("320722") for _ in range(3)]
    assert first == second
