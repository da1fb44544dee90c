"""Reads of enterprises and pilots, always narrowed to a scope."""

from django.db.models import QuerySet

from pilots.models import Enterprise, Pilot
from reform.scopes import Scope

ENTERPRISE_PLACE = {"county": "county", "township": "township"}
PILOT_PLACE = {"county": "enterprise__county", "township": "enterprise__township"}


def enterprise_list(*, scope: Scope) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.select_related("county", "township", "park", "industry")
    return scope.filter(queryset, **ENTERPRISE_PLACE)


def pilot_list(*, scope: Scope) -> QuerySet[Pilot]:
    queryset = Pilot.objects.select_related(
        "plan_year",
        "enterprise",
        "enterprise__county",
        "enterprise__township",
        "enterprise__park",
        "enterprise__industry",
        "registered_by",
    )
    return scope.filter(queryset, **PILOT_PLACE)


def pilot_names_in_region(*, plan_year, region) -> QuerySet[Pilot]:
    """A township's (or county's) pilots of a plan year for the dashboards, which every signed-in
    user may see: names, tier, status, industry and park only — no contact fields are loaded."""
    lookup = "enterprise__township" if region.level == "township" else "enterprise__county"
    return (
        Pilot.objects.filter(plan_year=plan_year, **{lookup: region})
        .select_related("enterprise", "enterprise__industry", "enterprise__park")
        .only(
            "tier",
            "status",
            "plan_year_id",
            "enterprise__name",
            "enterprise__employee_count",
            "enterprise__industry__name",
            "enterprise__industry__name_en",
            "enterprise__park__name",
        )
        .order_by("tier", "enterprise__name")
    )
