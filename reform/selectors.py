"""Reads of the core."""

from django.http import Http404

from reform.models import PlanYear


def plan_year_current() -> PlanYear | None:
    """The plan year marked current, else the latest one."""
    return PlanYear.objects.order_by("-is_current", "-year").first()


def plan_year_from_param(value: str | None) -> PlanYear | None:
    """The plan year a `?year=` parameter names (404 when unknown), else the current one."""
    if value in (None, ""):
        return plan_year_current()
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None:
        raise Http404
    return plan_year
