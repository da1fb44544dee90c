"""Reads of clusters, guidance stations and parks, always narrowed to a scope.

Clusters, stations and parks belong to a county-level unit as a whole: they are narrowed with
`Scope.filter_county_records`, so township officials read those of their own county.
Every figure is an aggregate or subquery in the same query as its rows: the number of queries
of a page does not grow with the data.
"""

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from clusters.models import Cluster, ClusterMembership, GuidanceStation
from pilots.models import Enterprise, Pilot
from pilots.quotas import counted_q, pipeline_q
from reform.models import Park, PlanYear, Region
from reform.scopes import Scope

CLUSTER_COUNTY = "county"
STATION_COUNTY = "park__county"
PARK_COUNTY = "county"

ACTIVE_PILOT = ~Q(status=Pilot.Status.WITHDRAWN)


def _tier_counts(prefix: str, plan_year: PlanYear | None) -> dict:
    """Count(...) annotations: active pilots of the year at each tier, and the counted ones."""
    if plan_year is None:
        zero = Value(0, output_field=IntegerField())
        return {f"{tier}_pilots": zero for tier in Pilot.Tier.values} | {"counted_pilots": zero}
    year = Q(**{f"{prefix}plan_year": plan_year})
    active = Q(**{f"{prefix}status__in": [s for s in Pilot.Status.values if s != "withdrawn"]})
    counts = {
        f"{tier}_pilots": Count(
            f"{prefix}pk",
            filter=year & active & Q(**{f"{prefix}tier": tier}),
            distinct=True,
        )
        for tier in Pilot.Tier.values
    }
    counts["counted_pilots"] = Count(
        f"{prefix}pk",
        filter=year & Q(**{f"{prefix}status__in": Pilot.COUNTED_STATUSES}),
        distinct=True,
    )
    return counts


# Clusters ---------------------------------------------------------------------------------


def cluster_list(*, scope: Scope, plan_year: PlanYear | None) -> QuerySet[Cluster]:
    """Clusters in scope with member count, industry-education members and pilots per tier."""
    queryset = (
        Cluster.objects.select_related("county", "industry")
        .annotate(
            member_count=Count("memberships", distinct=True),
            industry_education_count=Count(
                "memberships",
                filter=Q(memberships__enterprise__is_industry_education=True),
                distinct=True,
            ),
            **_tier_counts("memberships__enterprise__pilots__", plan_year),
        )
        .order_by("county__code", "name")
    )
    return scope.filter_county_records(queryset, county=CLUSTER_COUNTY)


def cluster_figures(*, cluster: Cluster, plan_year: PlanYear | None) -> dict:
    """The cluster page's figures in one query: members, pilots per tier, counted ones."""
    return Cluster.objects.filter(pk=cluster.pk).aggregate(
        member_count=Count("memberships", distinct=True),
        industry_education_count=Count(
            "memberships",
            filter=Q(memberships__enterprise__is_industry_education=True),
            distinct=True,
        ),
        **_tier_counts("memberships__enterprise__pilots__", plan_year),
    )


def _pilot_of_year(plan_year: PlanYear | None, field: str, enterprise_ref: str):
    if plan_year is None:
        return Value("")
    return Subquery(
        Pilot.objects.filter(enterprise_id=OuterRef(enterprise_ref), plan_year=plan_year).values(
            field
        )[:1]
    )


def cluster_member_list(
    *, cluster: Cluster, plan_year: PlanYear | None
) -> QuerySet[ClusterMembership]:
    """A cluster's memberships with the enterprise and its pilot (tier, status) of the year."""
    return (
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related(
            "enterprise",
            "enterprise__industry",
            "enterprise__county",
            "enterprise__township",
            "added_by",
        )
        .annotate(
            pilot_tier=Coalesce(_pilot_of_year(plan_year, "tier", "enterprise_id"), Value("")),
            pilot_status=Coalesce(_pilot_of_year(plan_year, "status", "enterprise_id"), Value("")),
            pilot_id=_pilot_of_year(plan_year, "pk", "enterprise_id"),
        )
        .order_by("enterprise__name")
    )


def cluster_stations(
    *, cluster: Cluster, scope: Scope, plan_year: PlanYear | None
) -> QuerySet[GuidanceStation]:
    """The stations in scope that look after a pilot (of the year) of one of the members."""
    if plan_year is None:
        return GuidanceStation.objects.none()
    looks_after_member = Pilot.objects.filter(
        stations=OuterRef("pk"),
        plan_year=plan_year,
        enterprise__cluster_memberships__cluster=cluster,
    )
    queryset = (
        GuidanceStation.objects.filter(Exists(looks_after_member))
        .select_related("park", "park__county")
        .annotate(
            member_pilots=Count(
                "pilots",
                filter=Q(
                    pilots__plan_year=plan_year,
                    pilots__enterprise__cluster_memberships__cluster=cluster,
                ),
                distinct=True,
            )
        )
        .order_by("park__name", "name")
    )
    return scope.filter_county_records(queryset, county=STATION_COUNTY)


def enterprise_search(*, scope: Scope, cluster: Cluster, query: str, limit: int = 30) -> list:
    """Enterprises in scope, not yet members, whose name or credit code contains the query."""
    query = query.strip()
    if not query:
        return []
    queryset = (
        Enterprise.objects.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
        .exclude(cluster_memberships__cluster=cluster)
        .select_related("county", "township", "industry")
        .order_by("name")
    )
    queryset = scope.filter(queryset, county="county", township="township")
    return list(queryset[:limit])


# Guidance stations -------------------------------------------------------------------------


def station_list(*, scope: Scope, plan_year: PlanYear | None) -> QuerySet[GuidanceStation]:
    queryset = (
        GuidanceStation.objects.select_related("park", "park__county")
        .annotate(
            # Withdrawn pilots are left out, as on the station page.
            pilot_total=Count(
                "pilots",
                filter=Q(pilots__plan_year=plan_year) & ~Q(pilots__status=Pilot.Status.WITHDRAWN),
                distinct=True,
            ),
            without_plan=Count(
                "pilots",
                filter=Q(pilots__plan_year=plan_year, pilots__plan__isnull=True)
                & ~Q(pilots__status=Pilot.Status.WITHDRAWN),
                distinct=True,
            ),
        )
        .annotate(**_tier_counts("pilots__", plan_year))
        .order_by("park__county__code", "park__name", "name")
    )
    return scope.filter_county_records(queryset, county=STATION_COUNTY)


def station_pilot_list(*, station: GuidanceStation, plan_year: PlanYear | None) -> QuerySet[Pilot]:
    """The pilots (of the year) a station looks after, with their own plans."""
    queryset = (
        station.pilots.all() if plan_year is None else station.pilots.filter(plan_year=plan_year)
    )
    return queryset.select_related(
        "plan_year",
        "enterprise",
        "enterprise__county",
        "enterprise__township",
        "enterprise__park",
        "enterprise__industry",
        "plan",
    ).order_by("enterprise__name")


def station_figures(*, station: GuidanceStation, plan_year: PlanYear | None) -> dict:
    """Pilots of the year the station looks after, how many are confirmed, without a plan."""
    pilots = Pilot.objects.filter(stations=station, plan_year=plan_year)
    figures = pilots.aggregate(
        total=Count("pk"),
        counted=Count("pk", filter=Q(status__in=Pilot.COUNTED_STATUSES)),
        withdrawn=Count("pk", filter=Q(status=Pilot.Status.WITHDRAWN)),
        without_plan=Count("pk", filter=Q(plan__isnull=True) & ACTIVE_PILOT),
    )
    active = figures["total"] - figures["withdrawn"]
    figures["active"] = active
    figures["confirmed_percent"] = round(100 * figures["counted"] / active) if active else 0
    return figures


def station_pilot_choices(*, station: GuidanceStation, scope: Scope, plan_year: PlanYear):
    """Pilots that may be assigned: of the year, in the station park's county, in scope."""
    queryset = Pilot.objects.filter(
        plan_year=plan_year, enterprise__county_id=station.park.county_id
    ).select_related("enterprise", "enterprise__park")
    queryset = scope.filter(queryset, county="enterprise__county", township="enterprise__township")
    # The park's own enterprises first: they are the ones a station usually looks after.
    return queryset.annotate(
        in_park=Count("pk", filter=Q(enterprise__park_id=station.park_id))
    ).order_by("-in_park", "enterprise__name")


# Parks -------------------------------------------------------------------------------------


def park_list(*, scope: Scope, plan_year: PlanYear | None) -> QuerySet[Park]:
    """Parks in scope: their stations (prefetched) and how many pilots of the year they hold."""
    pilots = Pilot.objects.filter(enterprise__park_id=OuterRef("pk"), plan_year=plan_year)
    counted = pilots.filter(status__in=Pilot.COUNTED_STATUSES)

    def count_of(queryset):
        return Coalesce(
            Subquery(
                queryset.order_by()
                .values("enterprise__park_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    queryset = (
        Park.objects.select_related("county")
        .annotate(
            station_count=Count("stations", distinct=True),
            pilot_total=count_of(pilots.exclude(status=Pilot.Status.WITHDRAWN)),
            pilot_counted=count_of(counted),
        )
        .prefetch_related("stations")
        .order_by("county__code", "name")
    )
    return scope.filter_county_records(queryset, county=PARK_COUNTY)


# --- Dashboards (issue 3): clusters and stations with their pilot counts --------------------------


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
        stations = stations.filter(park__county__parent=within)
    return stations.order_by("park__county__code", "park__name", "name")


# A park's own page ---------------------------------------------------------------------------


def _park_enterprises(*, park: Park, scope: Scope) -> QuerySet[Enterprise]:
    """The park's enterprises inside the scope. A park lies in one county-level unit, and only
    that unit's enterprises count there (as on the county page)."""
    queryset = Enterprise.objects.filter(park=park)
    if park.county_id is not None:
        queryset = queryset.filter(county_id=park.county_id)
    return scope.filter(queryset, county="county", township="township")


def park_enterprise_list(
    *, park: Park, scope: Scope, plan_year: PlanYear | None
) -> QuerySet[Enterprise]:
    """The park's enterprises in scope, each with its pilot (tier, status, id) of the year;
    pilots first (city, county, township tier), then the others, each by name."""
    tiers = Pilot.Tier.values
    tier_order = Case(
        *(When(pilot_tier=tier, then=Value(index)) for index, tier in enumerate(tiers)),
        default=Value(len(tiers)),
        output_field=IntegerField(),
    )
    return (
        _park_enterprises(park=park, scope=scope)
        .select_related("county", "township", "industry")
        .annotate(
            pilot_tier=Coalesce(_pilot_of_year(plan_year, "tier", "pk"), Value("")),
            pilot_status=Coalesce(_pilot_of_year(plan_year, "status", "pk"), Value("")),
            pilot_id=_pilot_of_year(plan_year, "pk", "pk"),
        )
        .order_by(tier_order, "name")
    )


def park_figures(*, park: Park, scope: Scope, plan_year: PlanYear | None) -> dict:
    """The park page's figures over the same enterprises as its table (1 query): enterprises,
    counted pilots of the year (and of them county tier), proposed and withdrawn ones."""
    in_year = Q(pilots__plan_year=plan_year)
    return _park_enterprises(park=park, scope=scope).aggregate(
        enterprises=Count("pk", distinct=True),
        counted=Count("pilots", filter=in_year & counted_q("pilots__")),
        county_tier=Count(
            "pilots", filter=in_year & counted_q("pilots__") & Q(pilots__tier=Pilot.Tier.COUNTY)
        ),
        proposed=Count("pilots", filter=in_year & pipeline_q("pilots__")),
        withdrawn=Count("pilots", filter=in_year & Q(pilots__status=Pilot.Status.WITHDRAWN)),
    )
