"""The candidates for each gap: the enterprises that could close a region's shortfall under a rule.

The rules, their regions and their tiers are those of `pilots/quotas.py` (the figures come from
there too: this module never counts pilots against a rule). A candidate of a region under a rule
is an enterprise

- lying in that region (the city: any of its county-level units; a county-level unit; a
  township), and for the development-zone rule in a national or provincial development or
  high-tech zone (`development_zone_q`, the rule the count uses);
- without a pilot of the plan year that counts or is proposed: an enterprise whose pilot of the
  year was withdrawn is a candidate again, marked as such (proposing it brings that pilot back).

They are ranked by what the work plan puts first: a core industry, then 100 or more employees,
then a leading enterprise, then by name. Each candidate carries the reasons of its rank.
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils.translation import gettext as _

from pilots.models import Enterprise, Pilot
from pilots.quotas import RULE_TIER, Progress, RuleProgress
from reform.models import PlanYear, QuotaRule, Region, development_zone_q
from reform.scopes import Scope

Rule = QuotaRule.Rule


def region_q(region: Region, rule: str) -> Q:
    """The enterprises that lie in a region, as the rule counts them."""
    if region.level == Region.Level.CITY:
        place = Q(county__parent=region)
    elif region.level == Region.Level.COUNTY:
        place = Q(county=region)
    else:
        place = Q(township=region)
    if rule == Rule.COUNTY_DEV_ZONE:
        place &= development_zone_q("park__")
    return place


def _active_pilot(plan_year: PlanYear) -> Exists:
    """The enterprise has a pilot of the year that counts or is proposed (not withdrawn)."""
    return Exists(
        Pilot.objects.filter(enterprise=OuterRef("pk"), plan_year=plan_year).exclude(
            status=Pilot.Status.WITHDRAWN
        )
    )


def candidate_list(
    *, plan_year: PlanYear, region: Region, rule: str, scope: Scope
) -> QuerySet[Enterprise]:
    """The candidates a user may see, best first, with `is_core`, `is_large_firm` and
    `withdrawn_pilot_id` (the withdrawn pilot of the year, or None) annotated (1 query a page)."""
    flag = {"output_field": BooleanField()}
    withdrawn = Pilot.objects.filter(
        enterprise=OuterRef("pk"), plan_year=plan_year, status=Pilot.Status.WITHDRAWN
    ).values("pk")[:1]
    enterprises = (
        Enterprise.objects.filter(region_q(region, rule))
        .filter(~_active_pilot(plan_year))
        .select_related("county", "township", "park", "industry")
        .annotate(
            is_core=ExpressionWrapper(~Q(core_industry=""), **flag),
            is_large_firm=ExpressionWrapper(
                Q(employee_count__gte=Enterprise.LARGE_EMPLOYEE_COUNT), **flag
            ),
            withdrawn_pilot_id=Subquery(withdrawn),
        )
        .order_by("-is_core", "-is_large_firm", "-is_leading", "-employee_count", "name", "pk")
    )
    return scope.filter(enterprises, county="county", township="township")


def candidate_counts(
    *,
    plan_year: PlanYear,
    region: Region,
    rules: list[str] | tuple[str, ...],
    county_ids: list[int] | None = None,
    active: tuple[int, int] | None = None,
) -> dict[str, int]:
    """How many candidates a region has under each of the rules, whoever asks (an aggregate,
    like every figure of the dashboards): 1 query for all the rules of one region.

    `county_ids`, a city's county-level units when the caller knows them (`Progress.county_ids`),
    lets the database read the city's enterprises through the county index instead of joining
    every enterprise with the regions (PostgreSQL's estimate of that join is far off).

    `active`, the region's pilots of the year that count or are proposed, all and in a zone
    (`Progress.active_by_region`), when the caller has them: the candidates are then the
    region's enterprises less those (an enterprise has at most one pilot a year), and the
    query counts the enterprises alone instead of looking up each one's pilot."""
    if region.level == Region.Level.CITY and county_ids is not None:
        place = Q(county_id__in=county_ids)
    else:
        place = region_q(region, Rule.COUNTY)  # the region alone; the zone is each rule's filter
    zone = development_zone_q("park__")
    # COUNT(*), not COUNT(id): the count of all a region's enterprises is read from the region
    # index alone (PostgreSQL: an index-only scan, 1 ms instead of 7 for a city's 8,000).
    aggregates = {
        rule: Count("pk", filter=zone) if rule == Rule.COUNTY_DEV_ZONE else Count("*")
        for rule in rules
    }
    enterprises = Enterprise.objects.filter(place)
    if active is None:
        return enterprises.filter(~_active_pilot(plan_year)).aggregate(**aggregates)
    counts = enterprises.aggregate(**aggregates)
    return {
        rule: count - active[1 if rule == Rule.COUNTY_DEV_ZONE else 0]
        for rule, count in counts.items()
    }


@dataclass
class GapCandidates:
    """A region short of a rule, and how many enterprises could close it."""

    row: RuleProgress
    candidates: int

    @property
    def rule(self) -> str:
        return self.row.rule

    @property
    def gap(self) -> int:
        return self.row.gap

    @property
    def too_few(self) -> bool:
        """Fewer candidates than the gap: the region needs enterprises registered."""
        return self.candidates < self.row.gap


def gaps_with_candidates(
    progress: Progress, plan_year: PlanYear, region: Region, rules: list[str]
) -> list[GapCandidates]:
    """The rules of a region it falls short of, with their candidates. 1 query whenever the
    region has a target under one of the rules (met or not, so a page's queries stay the same),
    none in a plan year without targets."""
    rows = [row for rule in rules if (row := progress.get(region, rule)) and row.has_target]
    if not rows:
        return []
    counts = candidate_counts(
        plan_year=plan_year,
        region=region,
        rules=[row.rule for row in rows],
        county_ids=progress.county_ids,
        active=None
        if progress.active_by_region is None
        else progress.active_by_region.get(region.pk, (0, 0)),
    )
    return [GapCandidates(row=row, candidates=counts[row.rule]) for row in rows if row.gap]


def reasons(enterprise: Enterprise) -> list[str]:
    """Why an enterprise ranks where it does (the annotations of `candidate_list`)."""
    found = []
    if enterprise.is_core:
        found.append(
            _("core industry: %(industry)s") % {"industry": enterprise.get_core_industry_display()}
        )
    if enterprise.is_large_firm:
        found.append(_("%(n)s employees") % {"n": enterprise.employee_count})
    if enterprise.is_leading:
        found.append(_("leading enterprise"))
    if enterprise.park_id and enterprise.park.counts_as_development_zone:
        found.append(_("in %(park)s") % {"park": enterprise.park.name})
    return found


def rule_tier(rule: str) -> str:
    """The tier a candidate is proposed at to count toward the rule."""
    return RULE_TIER[rule]
