"""Counting pilots against the quota rules: the one place every progress figure comes from.

All counting happens in the database: one grouped aggregate over the plan year's pilots (by tier,
county-level unit and township) plus three small reads (rules, exceptions, regions). The number of
queries does not depend on how many pilots or regions there are.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from pilots.models import Pilot
from reform.models import PlanYear, QuotaRule, Region, RegionQuota, development_zone_q

Rule = QuotaRule.Rule


@dataclass
class RuleProgress:
    """One region against one rule."""

    region: Region
    rule: str
    target: int | None  # None: exempt, or no rule for this plan year
    count: int = 0  # confirmed and demonstration pilots
    pipeline: int = 0  # proposed pilots

    @property
    def label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def exempt(self) -> bool:
        return self.target is None

    @property
    def gap(self) -> int:
        return max((self.target or 0) - self.count, 0)

    @property
    def met(self) -> bool:
        return self.target is None or self.count >= self.target

    @property
    def status(self) -> str:
        """met / close / far / exempt: close when the gap is at most a fifth (at least 1)."""
        if self.target is None:
            return "exempt"
        if self.count >= self.target:
            return "met"
        if self.gap <= max(1, math.ceil(self.target * 0.2)):
            return "close"
        return "far"

    @property
    def percent(self) -> int:
        if not self.target:
            return 100
        return min(100, round(100 * self.count / self.target))


@dataclass
class RuleSummary:
    """A rule over all the regions it applies to: k of n regions meet it."""

    rule: str
    minimum: int | None
    rows: list[RuleProgress] = field(default_factory=list)

    @property
    def applicable(self) -> list[RuleProgress]:
        return [row for row in self.rows if not row.exempt]

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
        return sum(row.count for row in self.rows)

    @property
    def pipeline(self) -> int:
        return sum(row.pipeline for row in self.rows)


@dataclass
class Progress:
    plan_year: PlanYear
    rules: dict[str, RuleSummary]
    by_region: dict[tuple[int, str], RuleProgress]
    regions: dict[int, Region]

    @property
    def has_targets(self) -> bool:
        return any(summary.minimum is not None for summary in self.rules.values())

    def get(self, region: Region | int, rule: str) -> RuleProgress | None:
        region_id = region if isinstance(region, int) else region.pk
        return self.by_region.get((region_id, rule))

    def children(self, region: Region | int, rule: str) -> list[RuleProgress]:
        region_id = region if isinstance(region, int) else region.pk
        return [row for row in self.rules[rule].rows if row.region.parent_id == region_id]


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


def pilot_counts(plan_year: PlanYear) -> list[dict]:
    """Counted, development-zone and pipeline pilots grouped by tier, county and township."""
    counted = Q(status__in=Pilot.COUNTED_STATUSES)
    proposed = Q(status=Pilot.Status.PROPOSED)
    in_zone = development_zone_q("enterprise__park__")
    return list(
        Pilot.objects.filter(plan_year=plan_year)
        .values(
            "tier", county_id=F("enterprise__county_id"), township_id=F("enterprise__township_id")
        )
        .annotate(
            counted=Count("pk", filter=counted),
            dev_zone=Count("pk", filter=counted & in_zone),
            pipeline=Count("pk", filter=proposed),
            dev_zone_pipeline=Count("pk", filter=proposed & in_zone),
        )
        .order_by()
    )


def quota_progress(plan_year: PlanYear) -> Progress:
    """Every region against every rule of the plan year (4 queries, whatever the size)."""
    minimums = dict(plan_year.rules.values_list("rule", "minimum"))
    exceptions = {(e.region_id, e.rule): e for e in plan_year.region_quotas.all()}
    regions = {
        region.pk: region
        for region in Region.objects.filter(
            level__in=[Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP]
        ).order_by("code")
    }

    tallies: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for group in pilot_counts(plan_year):
        county_id, tier = group["county_id"], group["tier"]
        if tier == Pilot.Tier.CITY:
            city_id = regions[county_id].parent_id if county_id in regions else None
            targets = [(city_id, Rule.CITY, group["counted"], group["pipeline"])]
        elif tier == Pilot.Tier.COUNTY:
            targets = [
                (county_id, Rule.COUNTY, group["counted"], group["pipeline"]),
                (county_id, Rule.COUNTY_DEV_ZONE, group["dev_zone"], group["dev_zone_pipeline"]),
            ]
        else:
            targets = [(group["township_id"], Rule.TOWNSHIP, group["counted"], group["pipeline"])]
        for region_id, rule, counted, pipeline in targets:
            tally = tallies[(region_id, rule)]
            tally[0] += counted
            tally[1] += pipeline

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
            )
            summaries[rule].rows.append(row)
            by_region[(region.pk, rule)] = row
    return Progress(plan_year=plan_year, rules=summaries, by_region=by_region, regions=regions)
