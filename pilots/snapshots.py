"""Progress snapshots: every region against every rule of a plan year, kept per date.

A snapshot is filled from pilots/quotas.py's own reading (`quota_progress`), never counted a
second way, so a snapshot taken now equals the live dashboard. Reading one back gives a
`Progress` like the live one, so the dashboards show a past date with the same code.

Taking a snapshot for a date replaces that date's rows in one transaction (idempotent). Reading
a page as of a date takes the last snapshot on or before it; a trend is one grouped query over
the snapshots of the plan year and of the previous one, whatever their number.
"""

import datetime
from calendar import monthrange
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.models import ProgressSnapshot, ProgressSummarySnapshot
from pilots.quotas import (
    Progress,
    RuleProgress,
    RuleSummary,
    quota_progress,
    regions_within,
)
from reform.models import PlanYear, QuotaRule, Region

Rule = QuotaRule.Rule


# Taking a snapshot --------------------------------------------------------------------------------

# The rules whose trend a city's and a county-level unit's page draws.
SUMMARY_RULES = {
    Region.Level.CITY: [Rule.CITY, Rule.COUNTY, Rule.COUNTY_DEV_ZONE, Rule.TOWNSHIP],
    Region.Level.COUNTY: [Rule.COUNTY, Rule.COUNTY_DEV_ZONE, Rule.TOWNSHIP],
}


class SnapshotError(Exception):
    """A snapshot that cannot be taken; the message says why. Nothing was changed."""


def snapshot_plan_year(plan_year: PlanYear, day: datetime.date | None = None) -> int:
    """`take_snapshot` after the checks the command and the button share: a plan year with
    quota targets, a day not in the future."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise SnapshotError(
            _("%(date)s is in the future: a snapshot keeps the figures as they are today.")
            % {"date": day.isoformat()}
        )
    if not plan_year.rules.exists():
        raise SnapshotError(
            _("Plan year %(year)s has no quota targets yet: there is no progress to keep.")
            % {"year": plan_year.year}
        )
    return take_snapshot(plan_year, day)


def take_snapshot(plan_year: PlanYear, day: datetime.date | None = None) -> int:
    """Keep every region's progress against every rule of the plan year under `day` (today by
    default), replacing that day's rows if any. Returns the number of rows kept."""
    day = day or timezone.localdate()
    progress = quota_progress(plan_year)
    rows = [
        ProgressSnapshot(
            date=day,
            plan_year=plan_year,
            region_id=row.region.pk,
            rule=row.rule,
            count=row.count,
            pipeline=row.pipeline,
            target=row.target,
            gap=row.gap,
            status=row.status,
        )
        for row in progress.by_region.values()
    ]
    summaries = [
        ProgressSummarySnapshot(
            date=day,
            plan_year=plan_year,
            region_id=region.pk,
            rule=rule,
            count=summary.count,
            target=sum(row.target or 0 for row in summary.applicable),
            met=summary.met_count,
            regions=summary.region_count,
        )
        for region in progress.regions.values()
        if region.level in SUMMARY_RULES
        for rule in SUMMARY_RULES[region.level]
        for summary in [progress.summary(rule, within=region)]
    ]
    with transaction.atomic():
        ProgressSnapshot.objects.filter(plan_year=plan_year, date=day).delete()
        ProgressSummarySnapshot.objects.filter(plan_year=plan_year, date=day).delete()
        ProgressSnapshot.objects.bulk_create(rows, batch_size=2000)
        ProgressSummarySnapshot.objects.bulk_create(summaries, batch_size=2000)
    return len(rows)


def grow_snapshots(
    plan_year: PlanYear,
    first: datetime.date,
    last: datetime.date,
    *,
    like: tuple[list[ProgressSnapshot], list[ProgressSummarySnapshot]],
    step_days: int = 1,
) -> int:
    """Snapshots of `plan_year` from `first` to `last`, one every `step_days`, growing evenly to
    the figures of `like` (one day's snapshot rows and summary rows, `snapshot_rows`): what the
    daily run would have kept had the pilots come in at an even pace.

    For the demo and benchmark data sets only, which have no history of their pilots; real
    snapshots are only ever taken from the figures of their day. Returns the days kept.
    """
    from pilots.quotas import status_of

    rows, sums = like
    length = (last - first).days + 1
    days = 0
    for offset in range(0, length, step_days):
        share, day = (offset + 1) / length, first + datetime.timedelta(days=offset)
        kept = []
        for row in rows:
            count, pipeline = int(row.count * share), int(row.pipeline * share)
            kept.append(
                ProgressSnapshot(
                    date=day,
                    plan_year=plan_year,
                    region_id=row.region_id,
                    rule=row.rule,
                    count=count,
                    pipeline=pipeline,
                    target=row.target,
                    gap=max((row.target or 0) - count, 0),
                    status=status_of(count, row.target, rule_set=row.status != "unset"),
                )
            )
        summaries = [
            ProgressSummarySnapshot(
                date=day,
                plan_year=plan_year,
                region_id=row.region_id,
                rule=row.rule,
                count=int(row.count * share),
                target=row.target,
                met=int(row.met * share),
                regions=row.regions,
            )
            for row in sums
        ]
        with transaction.atomic():
            ProgressSnapshot.objects.filter(plan_year=plan_year, date=day).delete()
            ProgressSummarySnapshot.objects.filter(plan_year=plan_year, date=day).delete()
            ProgressSnapshot.objects.bulk_create(kept, batch_size=2000)
            ProgressSummarySnapshot.objects.bulk_create(summaries, batch_size=2000)
        days += 1
    return days


def snapshot_rows(
    plan_year: PlanYear, day: datetime.date
) -> tuple[list[ProgressSnapshot], list[ProgressSummarySnapshot]]:
    """The rows and summary rows of a plan year's snapshot of a day (for `grow_snapshots`)."""
    return (
        list(ProgressSnapshot.objects.filter(plan_year=plan_year, date=day)),
        list(ProgressSummarySnapshot.objects.filter(plan_year=plan_year, date=day)),
    )


# Reading a past date ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotDates:
    """The first and last snapshot dates of a plan year, and the one a page as of a day shows."""

    first: datetime.date | None
    shown: datetime.date | None  # the last snapshot on or before the day asked for


def snapshot_dates(plan_year: PlanYear, day: datetime.date, region: Region) -> SnapshotDates:
    """The snapshots holding a region's page (1 query, on the region's own rows)."""
    found = ProgressSnapshot.objects.filter(plan_year=plan_year, region=region).aggregate(
        first=Min("date"), shown=Max("date", filter=Q(date__lte=day))
    )
    return SnapshotDates(first=found["first"], shown=found["shown"])


def snapshot_progress(plan_year: PlanYear, day: datetime.date, *, within: Region) -> Progress:
    """The progress as it stood in the snapshot of `day` (2 queries: regions, rows).

    The figures are those kept; the regions are today's (names and codes). A rule's default
    minimum, which the snapshot does not keep, is read back as the target most regions had.
    """
    regions = {region.pk: region for region in regions_within(within).order_by("code")}
    kept = {
        (row.region_id, row.rule): row
        for row in ProgressSnapshot.objects.filter(
            plan_year=plan_year, date=day, region_id__in=list(regions)
        )
    }
    targets: dict[str, Counter] = defaultdict(Counter)
    rule_set: dict[str, bool] = {}
    summaries = {rule: RuleSummary(rule=rule, minimum=None) for rule in Rule.values}
    by_region: dict[tuple[int, str], RuleProgress] = {}
    for region in regions.values():
        for rule, level in QuotaRule.RULE_LEVEL.items():
            if region.level != level or (region.pk, rule) not in kept:
                continue
            snap = kept[(region.pk, rule)]
            row = RuleProgress(
                region=region,
                rule=rule,
                target=snap.target,
                count=snap.count,
                pipeline=snap.pipeline,
                rule_set=snap.status != "unset",
            )
            summaries[rule].rows.append(row)
            by_region[(region.pk, rule)] = row
            rule_set[rule] = row.rule_set
            if snap.target is not None:
                targets[rule][snap.target] += 1
    for rule, summary in summaries.items():
        if targets[rule]:
            summary.minimum = targets[rule].most_common(1)[0][0]
        elif rule_set.get(rule):
            summary.minimum = 0
    return Progress(plan_year=plan_year, rules=summaries, by_region=by_region, regions=regions)


# Trends -------------------------------------------------------------------------------------------


def month_before(day: datetime.date) -> datetime.date:
    """The same day of the month before (the last day of that month when it is shorter)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def year_before(day: datetime.date) -> datetime.date:
    """The same day a year before (28 February for 29 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, monthrange(day.year - 1, day.month)[1]))


@dataclass
class Point:
    date: datetime.date
    count: int  # counted pilots of the regions with a target
    target: int  # their targets added up
    met: int  # regions meeting their target
    regions: int  # regions with a target


@dataclass
class Trend:
    """One rule over the regions of a page: its points through the plan year, the change since
    the month before and the same point of the previous plan year."""

    rule: str
    day: datetime.date  # the day the page shows (today, or the snapshot shown)
    points: list[Point] = field(default_factory=list)
    previous_points: list[Point] = field(default_factory=list)  # the previous plan year
    month_ago: Point | None = None  # the snapshot on or before the same day last month
    last_year: Point | None = None  # the previous plan year's on or before the day a year ago

    @property
    def now(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> int | None:
        """The count now less the count a month ago; None without a snapshot that old."""
        if self.now is None or self.month_ago is None:
            return None
        return self.now.count - self.month_ago.count

    @property
    def label(self) -> str:
        return str(Rule(self.rule).label)


def _on_or_before(points: list[Point], day: datetime.date) -> Point | None:
    found = None
    for point in points:  # in date order
        if point.date > day:
            break
        found = point
    return found


def progress_trends(
    progress: Progress,
    region: Region,
    *,
    day: datetime.date,
    previous: PlanYear | None = None,
    live: bool = True,
) -> dict[str, Trend]:
    """Each rule's count against its target over the regions of a city's or county-level unit's
    page (`progress` within `region`), from the snapshots up to `day` (1 query on the region's
    summary rows, one a rule and day, whatever the number of townships or snapshots).

    Only the regions with a target take part, as in a rule's summary. `live`: the page shows
    today's figures, which then close each line (the last snapshot may be older).
    """
    plan_year = progress.plan_year
    years = [plan_year.pk] + ([previous.pk] if previous is not None else [])
    # One range of the key (plan year, region, date) per year: no OR, which SQLite would scan.
    rows = (
        ProgressSummarySnapshot.objects.filter(plan_year_id__in=years, region=region, date__lte=day)
        .values_list("plan_year_id", "date", "rule", "count", "target", "met", "regions")
        .order_by("date")
    )
    a_year_ago = year_before(day)
    trends = {rule: Trend(rule=rule, day=day) for rule in Rule.values}
    for plan_year_id, date, rule, count, target, met, regions in rows:
        if not regions:
            continue  # no region with a target: nothing to draw
        if plan_year_id != plan_year.pk and date > a_year_ago:
            continue  # the previous year only up to the same day
        point = Point(date=date, count=count, target=target, met=met, regions=regions)
        trend = trends[rule]
        if plan_year_id == plan_year.pk:
            trend.points.append(point)
        else:
            trend.previous_points.append(point)
    for rule, trend in trends.items():
        summary = progress.summary(rule, within=region)
        if live and summary.applicable:
            if trend.points and trend.points[-1].date == day:
                trend.points.pop()  # today's snapshot is today's figures again
            trend.points.append(
                Point(
                    date=day,
                    count=summary.count,
                    target=sum(row.target or 0 for row in summary.applicable),
                    met=summary.met_count,
                    regions=summary.region_count,
                )
            )
        trend.month_ago = _on_or_before(trend.points, month_before(day))
        trend.last_year = _on_or_before(trend.previous_points, year_before(day))
    return trends
