from pilots.quotas import target_for
from reform.models import QuotaRule, RegionQuota
from reform.services import plan_year_create
from tests.builders import region


def test_a_new_plan_year_gets_the_four_default_rules(db):
    plan_year = plan_year_create(year=2027)
    assert dict(plan_year.rules.values_list("rule", "minimum")) == {
        "city": 30,
        "county": 15,
        "county_dev_zone": 8,
        "township": 3,
    }


def test_only_one_plan_year_is_current(db):
    first = plan_year_create(year=2026, make_current=True)
    second = plan_year_create(year=2027, make_current=True)
    first.refresh_from_db()
    assert not first.is_current and second.is_current


def test_non_administrative_townships_are_exempt_by_default(reference):
    salt_works = region("320723402")  # 灌西盐场
    street = region("320722001")
    assert target_for(salt_works, QuotaRule.Rule.TOWNSHIP, 3, None) is None
    assert target_for(street, QuotaRule.Rule.TOWNSHIP, 3, None) == 3


def test_an_administrator_can_exempt_or_give_an_own_minimum(reference):
    plan_year = plan_year_create(year=2026)
    own = RegionQuota(plan_year=plan_year, region=region("320723402"), rule="township", minimum=1)
    exempt = RegionQuota(
        plan_year=plan_year, region=region("320722001"), rule="township", exempt=True
    )
    assert target_for(own.region, "township", 3, own) == 1
    assert target_for(exempt.region, "township", 3, exempt) is None
