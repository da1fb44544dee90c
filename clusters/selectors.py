"""Reads of clusters and guidance stations."""

# --- Dashboards (issue 3): clusters and stations with their pilot counts --------------------------

from django.db.models import Count, Q, QuerySet

from clusters.models import Cluster, GuidanceStation
from pilots.quotas import counted_q, pipeline_q
from reform.models import PlanYear, Region


def cluster_pilot_counts(plan_year: PlanYear, *, within: Region | None = None) -> QuerySet[Cluster]:
    """Clusters (in a city or county, or all) with members and the members' pilots of the year.

    Aggregates only, no contact data: visible to every signed-in user (1 query).
    """
    in_year = Q(members__pilots__plan_year=plan_year)
    clusters = Cluster.objects.select_related("county", "industry").annotate(
        member_count=Count("members", distinct=True),
        pilot_count=Count(
            "members__pilots", filter=in_year & counted_q("members__pilots__"), distinct=True
        ),
        pipeline=Count(
            "members__pilots", filter=in_year & pipeline_q("members__pilots__"), distinct=True
        ),
    )
    if within is not None and within.level == Region.Level.COUNTY:
        clusters = clusters.filter(county=within)
    elif within is not None:
        clusters = clusters.filter(county__parent=within)
    return clusters.order_by("county__code", "name")


def station_pilot_counts(
    plan_year: PlanYear, *, within: Region | None = None
) -> QuerySet[GuidanceStation]:
    """Guidance stations (in the parks of a city or county, or all) with the plan year's pilots
    they look after. Contact fields are deferred: dashboards never show them (1 query).
    A city's stations include those in parks placed in no county (a free-trade zone, say)."""
    in_year = Q(pilots__plan_year=plan_year)
    stations = (
        GuidanceStation.objects.select_related("park", "park__county")
        .defer("contact_name", "contact_phone")
        .annotate(
            pilot_count=Count("pilots", filter=in_year & counted_q("pilots__")),
            pipeline=Count("pilots", filter=in_year & pipeline_q("pilots__")),
        )
    )
    if within is not None and within.level == Region.Level.COUNTY:
        stations = stations.filter(park__county=within)
    elif within is not None:
        stations = stations.filter(Q(park__county__parent=within) | Q(park__county__isnull=True))
    return stations.order_by("park__county__code", "park__name", "name")
