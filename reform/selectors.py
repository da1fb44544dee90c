"""Reads of the core."""

from django.core.exceptions import BadRequest
from django.http import Http404

from reform.models import PlanYear
from reform.paging import int_param


def plan_year_current() -> PlanYear | None:
    """The plan year marked current, else the latest one."""
    return PlanYear.objects.order_by("-is_current", "-year").first()


def plan_year_from_param(
    value: str | None, *, plan_years: list[PlanYear] | None = None
) -> PlanYear | None:
    """The plan year a `?year=` parameter names, else the current one.

    400 when the value is no year at all (not a whole number from 1 to 9999), 404 when it is a
    year without a plan. `plan_years`: every plan year, when the caller has read them anyway
    (no query then).
    """
    if value in (None, ""):
        if plan_years is not None:
            return min(plan_years, key=lambda p: (not p.is_current, -p.year), default=None)
        return plan_year_current()
    year = int_param(value, minimum=1, maximum=9999)
    if year is None:
        raise BadRequest("year is not a year")
    if plan_years is not None:
        plan_year = next((p for p in plan_years if p.year == year), None)
    else:
        plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None:
        raise Http404
    return plan_year
