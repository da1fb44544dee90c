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
