"""Reads of cases, media reports and columns: lists narrowed to a scope, and the figures.

Lists load what their rows show in a fixed number of queries (joins and prefetches), however
many records there are. Nothing here loads a contact name or phone: the library and the media
reports are read by every signed-in user.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from pilots.models import Pilot
from promotion.models import (
    Case,
    CaseAttachment,
    CaseDimension,
    CasePilot,
    MediaReport,
    Programme,
    ReportCase,
    ReportPilot,
)
from reform.files import PHOTO_KINDS
from reform.industries import industry_q
from reform.models import Dimension, Industry, PlanYear, Region
from reform.scopes import Scope

PLACE = {"county": "county", "township": "township"}
# What a case card or row shows of an enterprise: name and place, never its contacts.
PILOT_FIELDS = (
    "tier",
    "status",
    "plan_year_id",
    "enterprise__name",
    "enterprise__county_id",
    "enterprise__township_id",
    "enterprise__county__name",
    "enterprise__township__name",
)


def _pilots_shown() -> QuerySet[Pilot]:
    return (
        Pilot.objects.select_related("enterprise__county", "enterprise__township")
        .only(*PILOT_FIELDS)
        .order_by("enterprise__name")
    )


def _with_rows(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """A case list with what its rows and cards show: pilots, dimensions, the first photos."""
    return queryset.select_related("plan_year", "author", "county", "township").prefetch_related(
        Prefetch("pilots", queryset=_pilots_shown()),
        Prefetch("dimension_links", queryset=CaseDimension.objects.order_by("dimension")),
        Prefetch(
            "attachments",
            queryset=CaseAttachment.objects.filter(kind__in=PHOTO_KINDS).order_by("pk"),
            to_attr="photos",
        ),
    )


# Cases ----------------------------------------------------------------------------------------


def case_list(*, scope: Scope) -> QuerySet[Case]:
    """The work list: the cases of the user's area in every state (city and leaders: all)."""
    return scope.filter(_with_rows(Case.objects.all()), **PLACE)


def case_readable(*, scope: Scope) -> QuerySet[Case]:
    """The cases a user may open: those of their area, and every published one (the library).

    Reviewers read none: they see nothing of any unit but the applications they score.
    """
    if not scope.sees_records:
        return Case.objects.none()
    if scope.is_everywhere:
        return Case.objects.all()
    return Case.objects.filter(scope.q(**PLACE) | Q(status=Case.Status.PUBLISHED))


def case_library(*, scope: Scope) -> QuerySet[Case]:
    """The library: published cases, newest first (none for reviewers)."""
    published = Case.objects.filter(status=Case.Status.PUBLISHED)
    if not scope.sees_records:
        published = published.none()
    return _with_rows(published).order_by("-published_at", "-pk")


def case_detail(*, scope: Scope) -> QuerySet[Case]:
    """case_readable with what the case page shows, attachments and links included."""
    return (
        case_readable(scope=scope)
        .select_related("plan_year", "author", "county", "township", "returned_by")
        .prefetch_related(
            Prefetch("dimension_links", queryset=CaseDimension.objects.order_by("dimension"))
        )
    )


def case_attachments(case: Case) -> list[CaseAttachment]:
    return list(case.attachments.select_related("uploaded_by").order_by("pk"))


def case_pilots(case: Case) -> list[Pilot]:
    return list(
        case.pilots.select_related("enterprise__county", "enterprise__township", "plan_year")
        .only(*PILOT_FIELDS, "plan_year__year", "enterprise__industry_id")
        .order_by("enterprise__name")
    )


def case_collection(*, plan_year: PlanYear) -> QuerySet[Case]:
    """The year's selected and published cases for the collection (案例汇编), in county order."""
    cases = Case.objects.filter(plan_year=plan_year, status__in=Case.COLLECTED_STATUSES)
    return _with_rows(cases).order_by("county__code", "township__code", "title", "pk")


def cases_for_reports(*, scope: Scope) -> QuerySet[Case]:
    """The cases a user may say a report covers: those of their area."""
    queryset = Case.objects.select_related("plan_year").order_by("-plan_year__year", "title")
    return scope.filter(queryset, **PLACE)


def pilots_for_writing(*, scope: Scope) -> QuerySet[Pilot]:
    """The pilots a user may write a case or report about: those of their area."""
    queryset = Pilot.objects.select_related("enterprise__county", "plan_year").order_by(
        "-plan_year__year", "enterprise__name"
    )
    return scope.filter(queryset, county="enterprise__county", township="enterprise__township")


# Filters of the library: the industry filter offers the GB/T 4754-2017 sections ----------------


def industry_section_choices() -> list[tuple[str, str]]:
    """The choices of the library's industry filter: the 20 sections of GB/T 4754-2017."""
    sections = Industry.objects.filter(level=Industry.Level.SECTION).order_by("order")
    return [(code, f"{code} {name}") for code, name in sections.values_list("code", "name")]


def industry_section_q(value: str, *, pilot: str = "pilot__") -> Q:
    """Pilots (reached through `pilot`) whose enterprise lies in the chosen section."""
    return industry_q(value, prefix=f"{pilot}enterprise__")


def case_has_pilot(q: Q) -> Exists:
    """Cases with at least one pilot matching `q` (lookups from CasePilot, e.g. pilot__tier)."""
    return Exists(CasePilot.objects.filter(q, case=OuterRef("pk")))


# Media reports and columns --------------------------------------------------------------------


def report_list(*, scope: Scope) -> QuerySet[MediaReport]:
    """Every media report (public coverage: every signed-in user reads them, but reviewers)."""
    reports = MediaReport.objects.all() if scope.sees_records else MediaReport.objects.none()
    return (
        reports.select_related("programme", "county", "township", "recorded_by")
        .prefetch_related(Prefetch("pilots", queryset=_pilots_shown()))
        .annotate(case_count=Count("case_links", distinct=True))
        .order_by("-published_on", "-pk")
    )


def report_in_region_q(region: Region) -> Q:
    """Reports placed in a county-level unit or covering one of its pilots (or cases)."""
    return (
        Q(county=region)
        | Q(
            Exists(
                ReportPilot.objects.filter(report=OuterRef("pk"), pilot__enterprise__county=region)
            )
        )
        | Q(
            Exists(
                ReportCase.objects.filter(
                    report=OuterRef("pk"), case__pilot_links__pilot__enterprise__county=region
                )
            )
        )
    )


def programme_list(*, scope: Scope) -> QuerySet[Programme]:
    programmes = Programme.objects.all() if scope.sees_records else Programme.objects.none()
    return (
        programmes.select_related("county")
        .annotate(report_count=Count("reports", distinct=True))
        .order_by("-starts_on", "name")
    )


def programme_choices() -> QuerySet[Programme]:
    return Programme.objects.order_by("outlet", "name")


# The pilot page's panel -----------------------------------------------------------------------


def pilot_cases(*, pilot: Pilot, scope: Scope) -> QuerySet[Case]:
    return (
        case_readable(scope=scope)
        .filter(pilot_links__pilot=pilot)
        .select_related("plan_year")
        .order_by("-plan_year__year", "-updated_at")
    )


def pilot_reports(*, pilot: Pilot) -> QuerySet[MediaReport]:
    """Reports about the pilot itself or about one of its cases."""
    direct = Exists(ReportPilot.objects.filter(report=OuterRef("pk"), pilot=pilot))
    through_case = Exists(
        ReportCase.objects.filter(report=OuterRef("pk"), case__pilot_links__pilot=pilot)
    )
    return (
        MediaReport.objects.filter(Q(direct) | Q(through_case))
        .select_related("programme")
        .order_by("-published_on", "-pk")
    )


# Figures for the overview and county pages (a fixed number of queries each) -------------------


def _pilot_within_q(region: Region | None, prefix: str) -> Q:
    """Pilots (reached through `prefix`) of enterprises inside a city, county or township."""
    if region is None:
        return Q()
    if region.level == Region.Level.CITY:
        return Q(**{f"{prefix}enterprise__county__parent": region})
    if region.level == Region.Level.TOWNSHIP:
        return Q(**{f"{prefix}enterprise__township": region})
    return Q(**{f"{prefix}enterprise__county": region})


def cases_within(*, plan_year: PlanYear | None, within: Region | None) -> QuerySet[Case]:
    """The year's cases with a pilot inside the region (a case may count in several counties)."""
    cases = Case.objects.all()
    if plan_year is not None:
        cases = cases.filter(plan_year=plan_year)
    if within is not None:
        cases = cases.filter(case_has_pilot(_pilot_within_q(within, "pilot__")))
    return cases


@dataclass(frozen=True)
class CaseFigures:
    total: int
    by_status: dict[str, int]  # every status, in workflow order
    by_dimension: dict[str, int]  # every dimension, in the work plan's order


def case_figures(*, plan_year: PlanYear | None, within: Region | None = None) -> CaseFigures:
    """Cases by status and by dimension (a case illustrating two dimensions counts in both).

    Two queries.
    """
    cases = cases_within(plan_year=plan_year, within=within)
    statuses = Counter(
        dict(
            cases.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    dimensions = Counter(
        dict(
            CaseDimension.objects.filter(case__in=cases.values("pk"))
            .order_by()
            .values_list("dimension")
            .annotate(n=Count("case", distinct=True))
            .values_list("dimension", "n")
        )
    )
    return CaseFigures(
        total=sum(statuses.values()),
        by_status={status: statuses[status] for status in Case.Status.values},
        by_dimension={dimension: dimensions[dimension] for dimension in Dimension.values},
    )


def reports_within(*, year: int, within: Region | None) -> QuerySet[MediaReport]:
    """Reports of a calendar year in a region; a city holds all of them (city-wide ones too)."""
    reports = MediaReport.objects.filter(published_on__year=year)
    if within is None or within.level == Region.Level.CITY:
        return reports
    if within.level == Region.Level.TOWNSHIP:
        direct = Exists(
            ReportPilot.objects.filter(report=OuterRef("pk"), pilot__enterprise__township=within)
        )
        through_case = Exists(
            ReportCase.objects.filter(
                report=OuterRef("pk"), case__pilot_links__pilot__enterprise__township=within
            )
        )
        return reports.filter(Q(township=within) | Q(direct) | Q(through_case))
    return reports.filter(report_in_region_q(within))


@dataclass(frozen=True)
class ReportFigures:
    total: int
    by_month: list[int]  # twelve counts, January first
    by_outlet_kind: dict[str, int]
    by_level: dict[str, int]


def report_figures(*, year: int, within: Region | None = None) -> ReportFigures:
    """Reports of a calendar year by month, by outlet kind and by level, in one query."""
    rows = (
        reports_within(year=year, within=within)
        .order_by()
        .values_list("published_on__month", "outlet_kind", "level")
        .annotate(n=Count("pk"))
    )
    months, kinds, levels = [0] * 12, Counter(), Counter()
    for month, kind, level, n in rows:
        months[month - 1] += n
        kinds[kind] += n
        levels[level] += n
    return ReportFigures(
        total=sum(months),
        by_month=months,
        by_outlet_kind={kind: kinds[kind] for kind in MediaReport.OutletKind.values},
        by_level={level: levels[level] for level in MediaReport.Level.values},
    )


@dataclass(frozen=True)
class CountyReports:
    county: Region
    reports: int

    @property
    def has_none(self) -> bool:
        """Shown in red on the dashboards: no report about the county-level unit this year."""
        return self.reports == 0


def report_counts_by_county(*, year: int, within: Region | None = None) -> list[CountyReports]:
    """Every county-level unit (of the city, or the one given) with its reports of the year.

    A report counts for a county-level unit when it is placed there or covers one of its
    pilots, directly or through a case; it counts once however many of them it covers.
    Two queries.
    """
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("code")
    if within is not None and within.level == Region.Level.CITY:
        counties = counties.filter(parent=within)
    elif within is not None:
        county_id = within.parent_id if within.level == Region.Level.TOWNSHIP else within.pk
        counties = counties.filter(pk=county_id)
    counties = list(counties)
    ids = [county.pk for county in counties]
    of_year = Q(report__published_on__year=year)
    # (report, county) pairs from the report's own place, its pilots and its cases' pilots,
    # in one query; the set counts a report once per county-level unit. Only the pairs of these
    # county-level units are read (a province's other cities have theirs).
    placed = MediaReport.objects.filter(published_on__year=year, county_id__in=ids).values_list(
        "pk", "county_id"
    )
    direct = ReportPilot.objects.filter(of_year, pilot__enterprise__county_id__in=ids).values_list(
        "report_id", "pilot__enterprise__county_id"
    )
    through_cases = ReportCase.objects.filter(
        of_year, case__pilot_links__pilot__enterprise__county_id__in=ids
    ).values_list("report_id", "case__pilot_links__pilot__enterprise__county_id")
    pairs = set(placed.order_by().union(direct.order_by(), through_cases.order_by()))
    counts = Counter(county_id for _report, county_id in pairs if county_id is not None)
    return [CountyReports(county=county, reports=counts[county.pk]) for county in counties]


# The bulletin's good examples (dashboards/bulletin.py) -----------------------------------------


def cases_published_between(plan_year: PlanYear, *, after, until) -> QuerySet[Case]:
    """The plan year's cases published in the case library from the day after `after` (None:
    from the start) up to `until`, still published (1 query)."""
    cases = Case.objects.filter(
        plan_year=plan_year, status=Case.Status.PUBLISHED, published_at__date__lte=until
    )
    if after is not None:
        cases = cases.filter(published_at__date__gt=after)
    return cases.select_related("county").order_by("published_at", "pk")


def reports_between(*, after, until) -> QuerySet[MediaReport]:
    """Media reports published from the day after `after` (None: from 1 January of `until`'s
    year) up to `until` (1 query)."""
    reports = MediaReport.objects.filter(published_on__lte=until)
    if after is not None:
        reports = reports.filter(published_on__gt=after)
    else:
        reports = reports.filter(published_on__year=until.year)
    return reports.select_related("county").order_by("published_on", "pk")
