"""Writes of the core: plan years and their quota rules."""

from django.db import transaction

from reform.models import PlanYear, QuotaRule


@transaction.atomic
def plan_year_create(*, year: int, title: str = "", make_current: bool = False) -> PlanYear:
    """A new plan year with the work plan's four default quota rules."""
    if make_current:
        PlanYear.objects.filter(is_current=True).update(is_current=False)
    plan_year = PlanYear.objects.create(year=year, title=title, is_current=make_current)
    quota_rules_ensure_defaults(plan_year=plan_year)
    return plan_year


def quota_rules_ensure_defaults(*, plan_year: PlanYear) -> int:
    """Create the default rules the plan year does not have yet; returns how many."""
    have = set(plan_year.rules.values_list("rule", flat=True))
    missing = [
        QuotaRule(plan_year=plan_year, rule=rule, minimum=minimum)
        for rule, minimum in QuotaRule.DEFAULT_MINIMUMS.items()
        if rule not in have
    ]
    QuotaRule.objects.bulk_create(missing)
    return len(missing)


@transaction.atomic
def plan_year_make_current(*, plan_year: PlanYear) -> None:
    PlanYear.objects.exclude(pk=plan_year.pk).filter(is_current=True).update(is_current=False)
    PlanYear.objects.filter(pk=plan_year.pk).update(is_current=True)
    plan_year.is_current = True
