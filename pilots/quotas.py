"""Counting pilots against the quota rules: the one place every progress figure comes from.

All counting happens in the database: one grouped aggregate over the plan year's pilots (by tier,
county-level unit and township) plus three small reads (rules, exceptions, regions). The number of
queries does not depend on how many pilots or regions there are.
The dashboards ask `quota_figures`, which reads the pilots once for the quota rules and the
make-up together (and counts what the gap candidates and the pairings' small pilots need).

How a figure is read (docs/architecture.md, "How a figure is read", says the same in words):
`status_of` gives every status colour, `percent_of` every percentage, `CountyProgress` a county's
overall status, and `rule_list_params` the pilot-list filter that shows exactly the pilots
behind a figure.

Besides the quota rules this module answers the other counting questions of the dashboards: the
make-up of the pilots (core industry, sector, ownership, size, leading, industry-education),
pilots per park, and the status filters (`counted_q`, `pipeline_q`) other apps count with.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilots import ownership
from pilots.models import Enterprise, Pilot
from pilots.ownership import OwnershipGroup
from reform.industries import UNCLASSIFIED
from reform.models import (
    CoreIndustry,
    Industry,
    Park,
    PlanYear,
    QuotaRule,
    Region,
    RegionQuota,
    development_zone_q,
)

Rule = QuotaRule.Rule


# Reading a figure -------------------------------------------------------------------------------

STATUS_LABELS = {
    "met": _("met"),
    "close": _("close"),
    "far": _("far behind"),
    "exempt": _("exempt"),
    "unset": _("no target set for this year"),
}
# Worst first: a county's overall status is the first of its rules' statuses in this order.
STATUS_ORDER = {"far": 0, "close": 1, "met": 2, "exempt": 3, "unset": 4}


def close_margin(target: int) -> int:
    """How many pilots a region may lack and still be close (amber): ⌈target ÷ 5⌉."""
    return -(-target // 5)


def status_of(count: int, target: int | None, *, rule_set: bool = True) -> str:
    """met when count ≥ target; close when the gap is at most ⌈target ÷ 5⌉; far otherwise.

    No target: exempt, or unset when the plan year has no such rule at all. A target of 0 (an
    administrator's own minimum) is met by 0.
    """
    if target is None:
        return "exempt" if rule_set else "unset"
    if count >= target:
        return "met"
    if target - count <= close_margin(target):
        return "close"
    return "far"


def percent_of(part: int, whole: int) -> int:
    """part ÷ whole in whole per cent, rounded half up (四舍五入: 62.5 → 63); 0 when whole is 0.

    Integer arithmetic: Python's round() rounds halves to the even number (round(62.5) == 62).
    """
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def worst_status(*statuses: str) -> str:
    """The status furthest behind (far < close < met < exempt < unset)."""
    return min(statuses, key=STATUS_ORDER.__getitem__) if statuses else "exempt"


@dataclass
class RuleProgress:
    """One region against one rule."""

    region: Region
    rule: str
    target: int | None  # None: exempt, or no rule for this plan year
    count: int = 0  # confirmed and demonstration pilots
    pipeline: int = 0  # proposed pilots
    rule_set: bool = True  # False: the plan year has no such rule (no QuotaRule row)

    @property
    def label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def has_target(self) -> bool:
        return self.target is not None

    @property
    def exempt(self) -> bool:
        """No target: the region is exempt (or the plan year has no such rule)."""
        return self.target is None

    @property
    def gap(self) -> int:
        return max((self.target or 0) - self.count, 0)

    @property
    def met(self) -> bool:
        return self.target is None or self.count >= self.target

    @property
    def status(self) -> str:
        return status_of(self.count, self.target, rule_set=self.rule_set)

    @property
    def percent(self) -> int:
        """How far along, for a progress bar: 100 when met or without a target."""
        if not self.target:
            return 100
        return min(100, percent_of(self.count, self.target))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class RuleSummary:
    """A rule over all the regions it applies to: k of n regions meet it.

    Only the regions with a target take part: the gap ("还差 N 家") adds their gaps, the count
    and the pipeline their counted and proposed pilots. An exempt region's pilots are shown on
    its own row, never in the summary.
    """

    rule: str
    minimum: int | None
    rows: list[RuleProgress] = field(default_factory=list)

    @property
    def applicable(self) -> list[RuleProgress]:
        return [row for row in self.rows if row.has_target]

    @property
    def met_count(self) -> int:
        return sum(1 for row in self.applicable if row.met)

    @property
    def region_count(self) -> int:
        return len(self.applicable)

    @property
    def gap(self) -> int:
        """Pilots still missing, summed over the regions behind."""
        return sum(row.gap for row in self.applicable)

    @property
    def count(self) -> int:
        return sum(row.count for row in self.applicable)

    @property
    def pipeline(self) -> int:
        return sum(row.pipeline for row in self.applicable)

    @property
    def status(self) -> str:
        """The same reading as a region's, of "k of n regions meet the rule": met when all do,
        close when at most ⌈n ÷ 5⌉ are behind, far otherwise."""
        if not self.applicable:
            return "unset" if self.minimum is None else "exempt"
        return status_of(self.met_count, self.region_count)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class CountyProgress:
    """A county-level unit against its three rules: its own two and its townships' as a whole.

    The overall status is the worst of the three, so a county whose townships are behind is not
    green even when its own two rules are met.
    """

    county: Region
    main: RuleProgress  # the county rule
    dev: RuleProgress  # the development-zone rule
    townships: RuleSummary  # the township rule over its townships

    @property
    def status(self) -> str:
        return worst_status(self.main.status, self.dev.status, self.townships.status)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Progress:
    plan_year: PlanYear
    rules: dict[str, RuleSummary]
    by_region: dict[tuple[int, str], RuleProgress]
    regions: dict[int, Region]
    # Demonstration units (pilots of any tier whose status is demonstration) by county-level
    # unit, read with the counts above; None for a snapshot's progress (it keeps no such count).
    demonstration_by_county: dict[int, int] | None = None
    # The pilots of the year that count or are proposed (not withdrawn), by the region their
    # enterprise lies in (city, county-level unit, township): (all, in a development zone).
    # An enterprise has at most one pilot a year, so these are enterprises too (the gap
    # candidates are the others). None for a snapshot's progress.
    active_by_region: dict[int, tuple[int, int]] | None = None
    # Of those, the pilots of enterprises with fewer employees than `quota_figures` was asked
    # about (`small_below`), by region; None for a snapshot's progress.
    small_active_by_region: dict[int, int] | None = None

    @property
    def has_targets(self) -> bool:
        """False for a plan year without quota rules: nothing is exempt, nothing is set yet."""
        return any(summary.minimum is not None for summary in self.rules.values())

    def close_margins(self) -> list[tuple[int, int]]:
        """Each of the year's default targets with its amber margin, largest first: (30, 6) …"""
        minimums = {summary.minimum for summary in self.rules.values()} - {None, 0}
        return [(target, close_margin(target)) for target in sorted(minimums, reverse=True)]

    def get(self, region: Region | int, rule: str) -> RuleProgress | None:
        region_id = region if isinstance(region, int) else region.pk
        return self.by_region.get((region_id, rule))

    def children(self, region: Region | int, rule: str) -> list[RuleProgress]:
        region_id = region if isinstance(region, int) else region.pk
        return self._by_parent(rule).get(region_id, [])

    def _by_parent(self, rule: str) -> dict[int, list[RuleProgress]]:
        cache = self.__dict__.setdefault("_children", {})
        if rule not in cache:
            by_parent: dict[int, list[RuleProgress]] = defaultdict(list)
            for row in self.rules[rule].rows:
                by_parent[row.region.parent_id].append(row)
            cache[rule] = by_parent
        return cache[rule]

    def summary(self, rule: str, within: Region | None = None) -> RuleSummary:
        """A rule over the regions inside `within` (a city or county), or over all of them."""
        summary = self.rules[rule]
        if within is None:
            return summary
        if within.level == Region.Level.COUNTY and rule == Rule.TOWNSHIP:
            rows = self.children(within, rule)
        else:
            rows = [row for row in summary.rows if _lies_in(row.region, within, self.regions)]
        return RuleSummary(rule=rule, minimum=summary.minimum, rows=rows)

    @property
    def county_ids(self) -> list[int]:
        """The county-level units counted (for narrowing other reads the same way)."""
        return [pk for pk, region in self.regions.items() if region.level == Region.Level.COUNTY]

    def county(self, county: Region | int) -> CountyProgress:
        """A county-level unit's three rules and its overall status."""
        county_id = county if isinstance(county, int) else county.pk
        return CountyProgress(
            county=self.regions[county_id],
            main=self.by_region[(county_id, Rule.COUNTY)],
            dev=self.by_region[(county_id, Rule.COUNTY_DEV_ZONE)],
            townships=RuleSummary(
                rule=Rule.TOWNSHIP,
                minimum=self.rules[Rule.TOWNSHIP].minimum,
                rows=self.children(county_id, Rule.TOWNSHIP),
            ),
        )

    def counties(self, within: Region | None = None) -> list[CountyProgress]:
        """Every county-level unit (inside `within`, a city) in the order of their codes."""
        rows = self.rules[Rule.COUNTY].rows
        if within is not None and within.level == Region.Level.CITY:
            rows = self.children(within, Rule.COUNTY)
        return [self.county(row.region.pk) for row in rows]


def _lies_in(region: Region, ancestor: Region, regions: dict[int, Region]) -> bool:
    node: Region | None = region
    while node is not None:
        if node.pk == ancestor.pk:
            return True
        node = regions.get(node.parent_id) if node.parent_id else None
    return False


def counted_q(prefix: str = "") -> Q:
    """Pilots that count toward a quota (prefix: "pilots__" from an enterprise, …)."""
    return Q(**{f"{prefix}status__in": Pilot.COUNTED_STATUSES})


def pipeline_q(prefix: str = "") -> Q:
    """Proposed pilots: the pipeline shown beside a count."""
    return Q(**{f"{prefix}status": Pilot.Status.PROPOSED})


def pilots_within(
    plan_year: PlanYear, within: Region | None = None, *, county_ids: list[int] | None = None
) -> QuerySet[Pilot]:
    """The plan year's pilots of enterprises lying in a region (any level), or all of them."""
    return Pilot.objects.filter(pilot_within_q(within, county_ids=county_ids), plan_year=plan_year)


def pilot_within_q(
    within: Region | None, prefix: str = "", *, county_ids: list[int] | None = None
) -> Q:
    """Pilots (reached through `prefix`: "pilot__" from a link to one) of enterprises lying in a
    region of any level; every pilot when `within` is None.

    Above county level the pilots are narrowed by a literal list of county ids (`county_ids`
    when the caller has the regions already, else one small query): PostgreSQL then plans an
    index scan of the enterprises of those counties, about three times faster on a province's
    data than a join through the region table.
    """
    if within is None:
        return Q()
    if within.level == Region.Level.COUNTY:
        return Q(**{f"{prefix}enterprise__county": within})
    if within.level == Region.Level.TOWNSHIP:
        return Q(**{f"{prefix}enterprise__township": within})
    if county_ids is None:
        county_ids = county_ids_within(within)
    return Q(**{f"{prefix}enterprise__county_id__in": county_ids})


def county_ids_within(region: Region) -> list[int]:
    """The county-level units of a city or a province (1 query)."""
    return list(
        Region.objects.filter(level=Region.Level.COUNTY)
        .filter(Q(parent=region) | Q(parent__parent=region))
        .values_list("pk", flat=True)
    )


def regions_within(within: Region | None = None) -> QuerySet[Region]:
    """The city, county and township regions inside `within` (itself included), or all."""
    regions = Region.objects.filter(
        level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP]
    )
    if within is None:
        return regions
    place = Q(pk=within.pk) | Q(parent=within) | Q(parent__parent=within)
    if within.level == Region.Level.PROVINCE:
        place |= Q(parent__parent__parent=within)
    return regions.filter(place)


def target_for(
    region: Region, rule: str, minimum: int | None, exception: RegionQuota | None
) -> int | None:
    """The minimum a region must reach under a rule, or None when it is exempt."""
    if exception is not None:
        return None if exception.exempt else exception.minimum
    if minimum is None:
        return None
    # Township-level units that are not administrative divisions are exempt by default.
    if rule == Rule.TOWNSHIP and not region.is_administrative:
        return None
    return minimum


def pilot_counts(
    plan_year: PlanYear, within: Region | None = None, *, county_ids: list[int] | None = None
) -> list[dict]:
    """Counted, development-zone and pipeline pilots grouped by tier, county and township."""
    return list(
        pilots_within(plan_year, within, county_ids=county_ids)
        .values("tier", **PLACE_FIELDS)
        .annotate(**_count_fields())
        .order_by()
    )


# A pilot's place: the county-level unit and township of its enterprise.
PLACE_FIELDS = {
    "county_id": F("enterprise__county_id"),
    "township_id": F("enterprise__township_id"),
}


def _count_fields() -> dict:
    """The counts of a group of pilots every quota figure is added up from."""
    counted = counted_q()
    proposed = pipeline_q()
    in_zone = development_zone_q("enterprise__park__")
    return {
        "counted": Count("pk", filter=counted),
        "demonstration": Count("pk", filter=Q(status=Pilot.Status.DEMONSTRATION)),
        "dev_zone": Count("pk", filter=counted & in_zone),
        "pipeline": Count("pk", filter=proposed),
        "dev_zone_pipeline": Count("pk", filter=proposed & in_zone),
    }


def rule_targets(
    tier: str, county_id: int | None, township_id: int | None, regions: dict[int, Region]
) -> list[tuple[int | None, str, bool]]:
    """Which region's rules a pilot of this tier and place counts toward: (region id, rule,
    whether only a development-zone pilot counts). The one attribution every count uses."""
    if tier == Pilot.Tier.CITY:
        city_id = regions[county_id].parent_id if county_id in regions else None
        return [(city_id, Rule.CITY, False)]
    if tier == Pilot.Tier.COUNTY:
        return [(county_id, Rule.COUNTY, False), (county_id, Rule.COUNTY_DEV_ZONE, True)]
    return [(township_id, Rule.TOWNSHIP, False)]


@dataclass
class QuotaEffect:
    """What a change of pilots (an import's preview) would do to one region's rule."""

    progress: RuleProgress
    after: int

    @property
    def change(self) -> int:
        return self.after - self.progress.count

    @property
    def status_after(self) -> str:
        row = self.progress
        return status_of(self.after, row.target, rule_set=row.rule_set)


def quota_effect(plan_year: PlanYear, changes: list[list]) -> list[QuotaEffect]:
    """The rules of the regions a change touches, counted now and after it.

    `changes`: [tier, county id, township id, park id, change of counted pilots] entries (a
    pilot that starts counting there: +1, stops: -1). Read from `quota_progress` (4 queries)
    plus one for the parks that are development zones; no second count.
    """
    changes = [change for change in changes if change[4]]
    if not changes:
        return []
    progress = quota_progress(plan_year)
    park_ids = {change[3] for change in changes if change[3]}
    zones = set(
        Park.objects.filter(development_zone_q(), pk__in=park_ids).values_list("pk", flat=True)
    )
    after: dict[tuple[int, str], int] = {}
    for tier, county_id, township_id, park_id, change in changes:
        for region_id, rule, in_zone in rule_targets(
            tier, county_id, township_id, progress.regions
        ):
            row = progress.get(region_id, rule) if region_id else None
            if row is None or (in_zone and park_id not in zones):
                continue
            after[(region_id, rule)] = after.get((region_id, rule), row.count) + change
    effects = [QuotaEffect(progress.get(*key), count) for key, count in after.items()]
    effects = [effect for effect in effects if effect.change]
    return sorted(effects, key=lambda effect: (effect.progress.region.code, effect.progress.rule))


def quota_progress(plan_year: PlanYear, *, within: Region | None = None) -> Progress:
    """Every region against every rule of the plan year (4 queries, whatever the size).

    `within` (a city, county or township) narrows the regions and pilots to that part of the tree;
    a county's city-tier pilots are then not tallied (the city lies outside).
    """
    minimums, exceptions, regions = _rule_setting(plan_year, within)
    county_ids = _county_ids(regions)
    groups = pilot_counts(plan_year, within, county_ids=county_ids)
    return _progress(plan_year, minimums, exceptions, regions, groups)


def quota_figures(
    plan_year: PlanYear, *, within: Region, small_below: int | None = None
) -> tuple[Progress, "Makeup"]:
    """`quota_progress` and `pilot_makeup` of a region from one read of its pilots (4 queries in
    all, the figures those of the two functions).

    The region's pilots are read once (a common table expression) and grouped twice in the same
    statement: by tier and place for the quota rules, by tier and kind for the make-up. Two
    separate aggregates read the enterprises twice; one grouping by both sets of keys returns
    about one row per pilot. `small_below` (an employee count) also counts, per region, the
    pilots that count or are proposed of enterprises with fewer employees
    (`Progress.small_active_by_region`).
    """
    minimums, exceptions, regions = _rule_setting(plan_year, within)
    county_ids = _county_ids(regions)
    places, kinds = _pilot_groups(
        pilots_within(plan_year, within, county_ids=county_ids), small_below=small_below
    )
    progress = _progress(plan_year, minimums, exceptions, regions, places)
    return progress, _makeup(kinds)


PLACE_KEYS = ("tier", "county_id", "township_id")
KIND_KEYS = ("tier", "core", "sector", "ownership_group", "large", "leading", "education")
PLACE_SUMS = ("counted", "demonstration", "dev_zone", "pipeline", "dev_zone_pipeline", "small")
KIND_SUMS = ("counted", "pipeline")


def _pilot_groups(pilots: QuerySet[Pilot], *, small_below: int | None) -> tuple[list, list]:
    """The pilots grouped by place (`pilot_counts`' rows, with `small`) and by kind
    (`_makeup_groups`' rows), in one statement."""
    counted, proposed = counted_q(), pipeline_q()
    in_zone = development_zone_q("enterprise__park__")
    small = Q(pk=None)  # nothing, unless asked
    if small_below is not None:
        small = (counted | proposed) & Q(enterprise__employee_count__lt=small_below)

    def one(condition: Q) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0))

    rows = pilots.values(
        "tier",
        **PLACE_FIELDS,
        **_kind_fields(),
        counted=one(counted),
        demonstration=one(Q(status=Pilot.Status.DEMONSTRATION)),
        dev_zone=one(counted & in_zone),
        pipeline=one(proposed),
        dev_zone_pipeline=one(proposed & in_zone),
        small=one(small),
    ).order_by()
    # One pilot a row, read once and grouped twice; every name below is one of these constants.
    inner, params = rows.query.sql_with_params()
    columns = PLACE_KEYS + KIND_KEYS[1:] + PLACE_SUMS
    name = connection.ops.quote_name

    def grouped(number: int, keys: tuple, sums: tuple) -> str:
        fields = [
            (f"SUM({name(c)})" if c in sums else "0")
            if c in PLACE_SUMS
            else (name(c) if c in keys else "NULL")
            for c in columns
        ]
        keys = ", ".join(name(c) for c in keys)
        return f"SELECT {number}, {', '.join(fields)} FROM pilot_rows GROUP BY {keys}"  # noqa: S608

    # Inside a SELECT: a statement starting with WITH may write, and would count as a write
    # (reform/figures.py), making every cached figure obsolete.
    both = f"{grouped(0, PLACE_KEYS, PLACE_SUMS)} UNION ALL {grouped(1, KIND_KEYS, KIND_SUMS)}"
    sql = f"SELECT * FROM (WITH pilot_rows AS ({inner}) {both}) AS pilot_groups"  # noqa: S608
    places, kinds = [], []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for number, *values in cursor.fetchall():
            (kinds if number else places).append(dict(zip(columns, values, strict=True)))
    return places, kinds


def _rule_setting(plan_year: PlanYear, within: Region | None) -> tuple[dict, dict, dict]:
    """The year's minimums, its exceptions and the regions (3 queries)."""
    minimums = dict(plan_year.rules.values_list("rule", "minimum"))
    exceptions = {(e.region_id, e.rule): e for e in plan_year.region_quotas.all()}
    regions = {region.pk: region for region in regions_within(within).order_by("code")}
    return minimums, exceptions, regions


def _county_ids(regions: dict[int, Region]) -> list[int]:
    return [pk for pk, region in regions.items() if region.level == Region.Level.COUNTY]


def _progress(
    plan_year: PlanYear,
    minimums: dict,
    exceptions: dict,
    regions: dict[int, Region],
    groups: list[dict],
) -> Progress:
    """The regions' rows and the rules' summaries from grouped counts (`pilot_counts`' fields)."""
    tallies: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    demonstration = dict.fromkeys(_county_ids(regions), 0)
    active: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    small: dict[int, int] = defaultdict(int)
    for group in groups:
        county_id = group["county_id"]
        if county_id in demonstration:
            demonstration[county_id] += group["demonstration"]
        all_active = group["counted"] + group["pipeline"]
        zone_active = group["dev_zone"] + group["dev_zone_pipeline"]
        city_id = regions[county_id].parent_id if county_id in regions else None
        for region_id in (city_id, county_id, group["township_id"]):
            if region_id is not None:
                tally = active[region_id]
                tally[0] += all_active
                tally[1] += zone_active
                small[region_id] += group.get("small", 0)
        for region_id, rule, in_zone in rule_targets(
            group["tier"], group["county_id"], group["township_id"], regions
        ):
            tally = tallies[(region_id, rule)]
            tally[0] += group["dev_zone" if in_zone else "counted"]
            tally[1] += group["dev_zone_pipeline" if in_zone else "pipeline"]

    summaries = {rule: RuleSummary(rule=rule, minimum=minimums.get(rule)) for rule in Rule.values}
    by_region: dict[tuple[int, str], RuleProgress] = {}
    for region in regions.values():
        for rule, level in QuotaRule.RULE_LEVEL.items():
            if region.level != level:
                continue
            count, pipeline = tallies.get((region.pk, rule), (0, 0))
            row = RuleProgress(
                region=region,
                rule=rule,
                target=target_for(
                    region, rule, minimums.get(rule), exceptions.get((region.pk, rule))
                ),
                count=count,
                pipeline=pipeline,
                rule_set=rule in minimums,
            )
            summaries[rule].rows.append(row)
            by_region[(region.pk, rule)] = row
    return Progress(
        plan_year=plan_year,
        rules=summaries,
        by_region=by_region,
        regions=regions,
        demonstration_by_county=demonstration,
        active_by_region={pk: (n, zone) for pk, (n, zone) in active.items()},
        small_active_by_region=dict(small),
    )


# The make-up of the pilots the work plan cares about -------------------------------------------


@dataclass
class Share:
    """Pilots of one kind: counted (confirmed and demonstration) and proposed."""

    key: str
    label: str
    count: int = 0
    pipeline: int = 0
    total: int = 0  # counted pilots of the whole make-up, for the percentage

    @property
    def percent(self) -> int:
        return percent_of(self.count, self.total)


@dataclass
class Makeup:
    count: int
    pipeline: int
    by_tier: list[Share]
    by_industry: list[Share]  # the core industries in their order, then "other"
    by_sector: list[Share]  # primary, secondary, tertiary, then unclassified (待归类)
    by_ownership: list[Share]  # state-owned, collective, non-public (pilots.ownership)
    by_size: list[Share]  # 100+ employees, smaller
    leading: Share
    industry_education: Share

    @property
    def sectors_covered(self) -> int:
        return sum(1 for share in self.by_sector if share.count and share.key != UNCLASSIFIED)


OTHER_INDUSTRY = "other"


def pilot_makeup(
    plan_year: PlanYear, *, within: Region | None = None, county_ids: list[int] | None = None
) -> Makeup:
    """The plan year's pilots in a region by tier, core industry, sector, ownership, size,
    leading and industry-education (1 query, whatever the size).

    One grouped aggregate: by tier, core-industry tag, sector (none for an unclassified
    enterprise), ownership group and three yes/no properties of the enterprise, so at most
    3 × 6 × 4 × 3 × 8 groups, added up here. Unclassified (待归类) enterprises are a slice of
    the sector make-up of their own, never hidden in another.
    """
    return _makeup(list(_makeup_groups(pilots_within(plan_year, within, county_ids=county_ids))))


def _makeup_groups(pilots: QuerySet[Pilot]) -> QuerySet:
    """The pilots grouped by tier and what the make-up shows of their enterprises."""
    return (
        pilots.values("tier", **_kind_fields())
        .annotate(
            counted=Count("pk", filter=counted_q()), pipeline=Count("pk", filter=pipeline_q())
        )
        .order_by()
    )


def _kind_fields() -> dict:
    """What the make-up groups a pilot by, besides its tier (see `pilot_makeup`)."""
    flag = {"output_field": BooleanField()}
    return {
        "core": F("enterprise__core_industry"),
        "sector": F("enterprise__industry__sector"),
        "ownership_group": ownership.group_case("enterprise__"),
        "large": ExpressionWrapper(
            Q(enterprise__employee_count__gte=Enterprise.LARGE_EMPLOYEE_COUNT), **flag
        ),
        "leading": F("enterprise__is_leading"),
        "education": F("enterprise__is_industry_education"),
    }


def _makeup(groups: list[dict]) -> "Makeup":
    """The make-up added up from `_makeup_groups`' rows."""
    total = sum(group["counted"] for group in groups)
    pipeline = sum(group["pipeline"] for group in groups)

    def share(key, label) -> Share:
        return Share(key=key, label=str(label), total=total)

    by_tier = {tier: share(tier, label) for tier, label in Pilot.Tier.choices}
    by_industry = {tag: share(tag, label) for tag, label in CoreIndustry.choices}
    by_industry[OTHER_INDUSTRY] = share(OTHER_INDUSTRY, _("other industries"))
    by_sector = {sector: share(sector, label) for sector, label in Industry.Sector.choices}
    by_sector[UNCLASSIFIED] = share(UNCLASSIFIED, _("unclassified (待归类)"))
    by_ownership = {group: share(group, label) for group, label in OwnershipGroup.choices}
    large = share("large", _("100 or more employees"))
    small = share("small", _("fewer than 100 employees"))
    leading = share("leading", _("leading enterprises"))
    education = share("industry_education", _("industry-education integration enterprises"))
    for group in groups:
        buckets = [
            by_tier[group["tier"]],
            by_ownership[group["ownership_group"]],
            large if group["large"] else small,
        ]
        if group["leading"]:
            buckets.append(leading)
        if group["education"]:
            buckets.append(education)
        buckets.append(by_industry.get(group["core"], by_industry[OTHER_INDUSTRY]))
        buckets.append(by_sector[group["sector"] or UNCLASSIFIED])
        for bucket in buckets:
            bucket.count += group["counted"]
            bucket.pipeline += group["pipeline"]

    return Makeup(
        count=total,
        pipeline=pipeline,
        by_tier=list(by_tier.values()),
        by_industry=list(by_industry.values()),
        by_sector=list(by_sector.values()),
        by_ownership=list(by_ownership.values()),
        by_size=[large, small],
        leading=leading,
        industry_education=education,
    )


def park_pilot_counts(plan_year: PlanYear, *, county: Region) -> QuerySet[Park]:
    """A county's parks, each with the counted and proposed pilots of the plan year of that
    county's enterprises in it (1 query). An enterprise of another county in the park (which a
    correct record never has) is not counted here."""
    pilots = "enterprises__pilots"
    here = Q(enterprises__county=county) & Q(**{f"{pilots}__plan_year": plan_year})
    county_tier = Q(**{f"{pilots}__tier": Pilot.Tier.COUNTY})
    return (
        Park.objects.filter(county=county)
        .annotate(
            pilot_count=Count(pilots, filter=here & counted_q(f"{pilots}__")),
            county_tier_count=Count(pilots, filter=here & county_tier & counted_q(f"{pilots}__")),
            pipeline=Count(pilots, filter=here & pipeline_q(f"{pilots}__")),
        )
        .order_by("name")
    )


# From a figure to the pilots behind it ----------------------------------------------------------

# The pilot list's status filter (pilots/filtersets.py) knows these two values besides the statuses.
STATUS_COUNTED = "counted"  # confirmed or demonstration: what counts toward a quota
RULE_TIER = {
    Rule.CITY: Pilot.Tier.CITY,
    Rule.COUNTY: Pilot.Tier.COUNTY,
    Rule.COUNTY_DEV_ZONE: Pilot.Tier.COUNTY,
    Rule.TOWNSHIP: Pilot.Tier.TOWNSHIP,
}
RULE_PLACE = {
    Rule.CITY: "city",
    Rule.COUNTY: "county",
    Rule.COUNTY_DEV_ZONE: "county",
    Rule.TOWNSHIP: "township",
}


def rule_list_params(
    plan_year: PlanYear, region: Region, rule: str, *, proposed: bool = False
) -> dict[str, str]:
    """The pilot-list filter showing exactly the pilots a figure counts: the counted pilots of a
    region under a rule, or (proposed=True) the proposed ones beside them."""
    params = {
        "plan_year": str(plan_year.year),
        RULE_PLACE[rule]: str(region.pk),
        "tier": RULE_TIER[rule],
        "status": Pilot.Status.PROPOSED if proposed else STATUS_COUNTED,
    }
    if rule == Rule.COUNTY_DEV_ZONE:
        params["dev_zone"] = "true"
    return params


def park_list_params(
    plan_year: PlanYear, park: Park, county: Region, *, tier: str | None = None, proposed=False
) -> dict[str, str]:
    """The pilot-list filter behind a park's figures on a county page (see park_pilot_counts)."""
    params = {
        "plan_year": str(plan_year.year),
        "county": str(county.pk),
        "park": str(park.pk),
        "status": Pilot.Status.PROPOSED if proposed else STATUS_COUNTED,
    }
    if tier:
        params["tier"] = tier
    return params


def pilot_list_url(params: dict[str, str]) -> str:
    return f"{reverse('pilots:pilot_list')}?{urlencode(params)}"
