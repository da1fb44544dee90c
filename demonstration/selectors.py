"""Reads of the demonstration selection: querysets narrowed to a scope, and the figures of a
round (the ranking is in demonstration/ranking.py).

Every function runs a fixed number of queries, however many applications, reviewers and
scores there are (tests pin them with the data grown tenfold).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from demonstration.models import (
    CITY_UNIT,
    Application,
    ApplicationSection,
    Assignment,
    Naming,
    NoticeEntry,
    RecommendationQuota,
    RoundPhase,
    RubricDimension,
    RubricIndicator,
    SelectionRound,
)
from pilots.models import Enterprise, Pilot
from pilots.quotas import Progress as QuotaProgress
from reform.models import PlanYear, Region
from reform.scopes import Scope

APPLICATION_PLACE = {
    "county": "pilot__enterprise__county",
    "township": "pilot__enterprise__township",
}


# Progress of a round (also for the dashboards) -----------------------------------------------


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _progress_annotations(within: Region | None = None) -> dict:
    """The progress figures as annotations of a round; of one county-level unit's pilots (by
    where their enterprise lies, city-tier ones included) when `within` is one.

    Six correlated counts, written as SQL: built from querysets with OuterRef, Django spent
    about 5 ms compiling them on every overview and county page, several times the database's
    time for them. Every name comes from the models' _meta, every value is a parameter."""
    county = within.pk if within is not None and within.level == Region.Level.COUNTY else None
    app = _table(Application)
    round_pk = f"{_table(SelectionRound)}.{_column(SelectionRound, 'id')}"

    def in_county(alias: str, model) -> tuple[str, list]:
        """The joins that keep the rows of `alias` (a `model` with a pilot) whose pilot's
        enterprise lies in the county-level unit; nothing without one."""
        if county is None:
            return "", []
        pilot = f"{_table(Pilot)} p ON p.{_column(Pilot, 'id')} = {alias}.{_column(model, 'pilot')}"
        enterprise = (
            f"{_table(Enterprise)} e ON e.{_column(Enterprise, 'id')} = "
            f"p.{_column(Pilot, 'enterprise')} AND e.{_column(Enterprise, 'county')} = %s"
        )
        return f" JOIN {pilot} JOIN {enterprise}", [county]

    joins, place = in_county("a", Application)
    status = f"a.{_column(Application, 'status')}"
    applications = (
        f"SELECT COUNT(*) FROM {app} a{joins} "  # noqa: S608
        f"WHERE a.{_column(Application, 'round')} = {round_pk} AND "
    )
    assignments = (
        f"SELECT 1 FROM {_table(Assignment)} s "  # noqa: S608
        f"WHERE s.{_column(Assignment, 'application')} = a.{_column(Application, 'id')}"
    )
    decided = list(Application.DECIDED)
    recommended = Application.Status.RECOMMENDED
    reviewed = (
        f"{status} = %s AND EXISTS ({assignments}) "
        f"AND NOT EXISTS ({assignments} AND s.{_column(Assignment, 'status')} = %s)"
    )
    named_joins, named_place = in_county("g", Naming)
    listed = (
        f"SELECT COUNT(*) FROM {_table(NoticeEntry)} n "  # noqa: S608
        f"JOIN {app} a ON a.{_column(Application, 'id')} = n.{_column(NoticeEntry, 'application')}"
        f"{joins} WHERE n.{_column(NoticeEntry, 'round')} = {round_pk} "
        f"AND n.{_column(NoticeEntry, 'removed_at')} IS NULL"
    )
    named = (
        f"SELECT COUNT(*) FROM {_table(Naming)} g{named_joins} "  # noqa: S608
        f"WHERE g.{_column(Naming, 'round')} = {round_pk} "
        f"AND g.{_column(Naming, 'revoked_at')} IS NULL"
    )
    figures = {
        "n_drafts": (f"{applications}{status} = %s", [*place, Application.Status.DRAFT]),
        "n_applied": (
            f"{applications}{status} IN ({', '.join(['%s'] * len(decided))})",
            [*place, *decided],
        ),
        "n_recommended": (f"{applications}{status} = %s", [*place, recommended]),
        "n_reviewed": (
            f"{applications}{reviewed}",
            [*place, recommended, Assignment.Status.ASSIGNED],
        ),
        "n_listed": (listed, place),
        "n_named": (named, named_place),
    }
    return {
        name: RawSQL(sql, params, output_field=IntegerField())  # noqa: S611
        for name, (sql, params) in figures.items()
    }


@dataclass(frozen=True)
class Progress:
    """How far a round is: drafts aside, applied ⊇ recommended ⊇ reviewed; then the notice
    list (on notice once published) and the units named (revoked namings left out)."""

    drafts: int
    applied: int
    recommended: int
    reviewed: int
    on_notice: int
    named: int

    @classmethod
    def of(cls, round: SelectionRound) -> "Progress":
        """From a round annotated by `round_list` or `round_progress`."""
        return cls(
            drafts=round.n_drafts,
            applied=round.n_applied,
            recommended=round.n_recommended,
            reviewed=round.n_reviewed,
            on_notice=round.n_listed if round.notice_published_at else 0,
            named=round.n_named,
        )


def round_list(*, scope: Scope) -> QuerySet[SelectionRound]:
    """Every round, newest plan year first, with its progress figures (aggregates only)."""
    if not scope.sees_records:
        return SelectionRound.objects.none()
    return (
        SelectionRound.objects.select_related("plan_year")
        .annotate(**_progress_annotations())
        .prefetch_related(Prefetch("phases", queryset=RoundPhase.objects.order_by("opens_at")))
        .order_by("-plan_year__year")
    )


def round_progress(round: SelectionRound, within: Region | None = None) -> Progress:
    """The running round's progress for the overview and county pages (of the county-level
    unit's own pilots when `within` is one): one query."""
    annotations = _progress_annotations(within)
    annotated = SelectionRound.objects.annotate(**annotations).get(pk=round.pk)
    return Progress.of(annotated)


def running_round_with_progress(
    plan_year: PlanYear | None, within: Region | None = None
) -> SelectionRound | None:
    """The plan year's round, annotated for `Progress.of` (of `within`'s own pilots when it is
    a county-level unit) and with its phases in order: two queries (one without a round)."""
    if plan_year is None:
        return None
    return (
        SelectionRound.objects.filter(plan_year=plan_year)
        .annotate(**_progress_annotations(within))
        .prefetch_related(Prefetch("phases", queryset=RoundPhase.objects.order_by("opens_at")))
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class CountyUnits:
    county: Region
    count: int


def demonstration_units_by_county(
    plan_year: PlanYear, within: Region | None = None, *, progress: QuotaProgress | None = None
) -> list[CountyUnits]:
    """Demonstration units (pilots whose status is demonstration) of a plan year by county-level
    unit: every county of the city, or the one `within` names. One query, none when the page's
    quota progress of the same year and region is given (its pilot counts hold them)."""
    if progress is not None and progress.demonstration_by_county is not None:
        counts = progress.demonstration_by_county
        counties = [progress.regions[pk] for pk in counts]
        if within is not None and within.level == Region.Level.COUNTY:
            counties = [county for county in counties if county.pk == within.pk]
        return [
            CountyUnits(county=county, count=counts[county.pk])
            for county in sorted(counties, key=lambda county: county.code)
        ]
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    if within is not None and within.level == Region.Level.COUNTY:
        counties = counties.filter(pk=within.pk)
    elif within is not None:
        counties = counties.filter(parent=within)
    # A count per county-level unit from the pilots side (a few thousand rows through the
    # enterprises' county index), not a join of every enterprise of the city with its pilots.
    units = (
        Pilot.objects.filter(
            plan_year=plan_year,
            status=Pilot.Status.DEMONSTRATION,
            enterprise__county=OuterRef("pk"),
        )
        .order_by()
        .values("enterprise__county")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counties = counties.annotate(
        units=Coalesce(Subquery(units, output_field=IntegerField()), 0)
    ).order_by("code")
    return [CountyUnits(county=county, count=county.units) for county in counties]


# Rounds, phases, rubric ------------------------------------------------------------------------


def round_for_page(pk: int) -> SelectionRound | None:
    return (
        SelectionRound.objects.select_related(
            "plan_year", "rubric_adopted_by", "notice_published_by"
        )
        .annotate(**_progress_annotations())
        .prefetch_related(Prefetch("phases", queryset=RoundPhase.objects.order_by("opens_at")))
        .filter(pk=pk)
        .first()
    )


def rubric(round: SelectionRound) -> list[RubricDimension]:
    """The round's dimensions with their indicators (two queries)."""
    return list(
        RubricDimension.objects.filter(round=round)
        .prefetch_related(
            Prefetch("indicators", queryset=RubricIndicator.objects.order_by("order", "pk"))
        )
        .order_by("order", "pk")
    )


def quota_rows(round: SelectionRound) -> list[dict]:
    """Every county-level unit with its quota (own or default) and how many it recommended."""
    own = {q.county_id: q.quota for q in RecommendationQuota.objects.filter(round=round)}
    recommended = dict(
        Application.objects.filter(round=round, status=Application.Status.RECOMMENDED)
        .exclude(pilot__tier=Pilot.Tier.CITY)
        .values_list("pilot__enterprise__county")
        .annotate(n=Count("pk"))
    )
    rows = []
    for county in Region.objects.filter(level=Region.Level.COUNTY).order_by("code"):
        rows.append(
            {
                "county": county,
                "quota": own.get(county.pk, round.default_quota),
                "own": county.pk in own,
                "recommended": recommended.get(county.pk, 0),
            }
        )
    return rows


# Applications -----------------------------------------------------------------------------


def application_list(*, scope: Scope, round: SelectionRound) -> QuerySet[Application]:
    """The round's applications inside the scope, with their evidence count."""
    queryset = (
        Application.objects.filter(round=round)
        .select_related(
            "pilot__enterprise__county", "pilot__enterprise__township", "pilot__plan_year"
        )
        .annotate(
            evidence_count=Count("sections__evidence"),
            is_named=Exists(
                Naming.objects.filter(application=OuterRef("pk"), revoked_at__isnull=True)
            ),
        )
        .order_by("pilot__enterprise__county__code", "pilot__enterprise__name")
    )
    return scope.filter(queryset, **APPLICATION_PLACE)


def application_for_page(*, scope: Scope, pk: int) -> Application | None:
    queryset = Application.objects.select_related(
        "round__plan_year",
        "pilot__enterprise__county",
        "pilot__enterprise__township",
        "pilot__enterprise__industry",
        "created_by",
        "submitted_by",
        "recommended_by",
    ).prefetch_related("round__phases")
    return scope.filter(queryset, **APPLICATION_PLACE).filter(pk=pk).first()


@dataclass
class SectionView:
    dimension: RubricDimension
    text: str = ""
    evidence: list = field(default_factory=list)


def application_sections(application: Application) -> list[SectionView]:
    """Per dimension of the rubric: the self-assessment and its evidence (three queries)."""
    sections = {
        s.dimension_id: s
        for s in ApplicationSection.objects.filter(application=application).prefetch_related(
            "evidence"
        )
    }
    views = []
    for dimension in rubric(application.round):
        section = sections.get(dimension.pk)
        views.append(
            SectionView(
                dimension=dimension,
                text=section.text if section else "",
                evidence=list(section.evidence.all()) if section else [],
            )
        )
    return views


def area_pilots(*, scope: Scope, round: SelectionRound) -> QuerySet[Pilot]:
    """Every pilot of the round's plan year that the scope may enter (its place and its tier):
    what an application form may name; the service says why one of them cannot apply."""
    queryset = Pilot.objects.filter(
        plan_year=round.plan_year, tier__in=scope.registrable_tiers
    ).select_related("enterprise")
    return scope.filter(queryset, county="enterprise__county", township="enterprise__township")


def eligible_pilots(*, scope: Scope, round: SelectionRound) -> QuerySet[Pilot]:
    """Confirmed pilots of the round's plan year that the scope may enter and that have no
    application in this round yet."""
    queryset = (
        Pilot.objects.filter(plan_year=round.plan_year, status=Pilot.Status.CONFIRMED)
        .filter(tier__in=scope.registrable_tiers)
        .exclude(applications__round=round)
        .select_related("enterprise__county", "enterprise__township")
        .order_by("enterprise__county__code", "tier", "enterprise__name")
    )
    return scope.filter(queryset, county="enterprise__county", township="enterprise__township")


def unit_region(code: str) -> Region | None:
    """The county-level unit a recommendation page names, None for the city's own page;
    raises LookupError for anything else."""
    if code == CITY_UNIT:
        return None
    region = Region.objects.filter(code=code, level=Region.Level.COUNTY).first()
    if region is None:
        raise LookupError(code)
    return region


def recommendation_units(*, scope: Scope, round: SelectionRound) -> list[dict]:
    """The units whose recommendation page the scope reads: code, name, quota, figures."""
    rows = [{"code": CITY_UNIT, "name": _("City-tier pilots"), "county": None}]
    rows += [
        {"code": row["county"].code, "name": row["county"].name, "county": row["county"]}
        for row in quota_rows(round)
    ]
    return [r for r in rows if scope.reads_unit(county_id=r["county"].pk if r["county"] else None)]


# The pilot page's panel -----------------------------------------------------------------------


def pilot_selection_context(pilot: Pilot, scope: Scope) -> dict | None:
    """The pilot's applications and namings, and the rounds it may still apply to (3 queries).

    The pilot page is already scoped; None leaves the panel out when there is nothing to say.
    """
    applications = list(
        Application.objects.filter(pilot=pilot).select_related("round").order_by("-round__pk")
    )
    namings = list(
        Naming.objects.filter(pilot=pilot).select_related("round").order_by("-named_on", "-pk")
    )
    may_apply = pilot.status == Pilot.Status.CONFIRMED and scope.allows_pilot_write(
        county_id=pilot.enterprise.county_id,
        township_id=pilot.enterprise.township_id,
        tier=pilot.tier,
    )
    open_rounds = []
    if may_apply:
        applied = {a.round_id for a in applications}
        open_rounds = [
            phase.round
            for phase in RoundPhase.objects.filter(
                round__plan_year_id=pilot.plan_year_id, phase="application"
            ).select_related("round")
            if phase.state(timezone.now()) == RoundPhase.State.OPEN
            and phase.round_id not in applied
        ]
    if not (applications or namings or open_rounds):
        return None
    return {
        "pilot_id": pilot.pk,
        "applications": applications,
        "namings": namings,
        "open_rounds": open_rounds,
    }


# Review -------------------------------------------------------------------------------------


def review_queue(*, scope: Scope) -> QuerySet[Assignment]:
    """A reviewer's assignments (nobody else has a queue), with how many indicators they scored."""
    queryset = (
        Assignment.objects.select_related(
            "application__round__plan_year", "application__pilot__enterprise__county"
        )
        .annotate(scored=Count("scores"))
        .order_by("-application__round__plan_year__year", "status", "application__pk")
    )
    return scope.filter_assigned(queryset, reviewer="reviewer")


def indicator_counts(round_ids: set[int]) -> dict[int, int]:
    """How many indicators each round's rubric has (one query)."""
    return dict(
        RubricIndicator.objects.filter(dimension__round__in=round_ids)
        .values_list("dimension__round")
        .annotate(n=Count("pk"))
        .order_by()
    )


def assignment_for_reviewer(*, scope: Scope, pk: int) -> Assignment | None:
    queryset = Assignment.objects.select_related(
        "reviewer",
        "application__round__plan_year",
        "application__pilot__enterprise__county",
        "application__pilot__enterprise__township",
        "application__pilot__enterprise__industry",
    ).prefetch_related("application__round__phases", "scores")
    return scope.filter_assigned(queryset, reviewer="reviewer").filter(pk=pk).first()


def notice_entries(round: SelectionRound) -> list[NoticeEntry]:
    """The list: units on it first (by position), then those taken off."""
    return list(
        NoticeEntry.objects.filter(round=round)
        .select_related("application__pilot__enterprise__county", "removed_by", "added_by")
        .order_by(F("removed_at").asc(nulls_first=True), "position", "pk")
    )


# The bulletin's good examples (dashboards/bulletin.py) -----------------------------------------


def namings_between(plan_year: PlanYear, *, after, until) -> QuerySet[Naming]:
    """The units a round of the plan year named from the day after `after` (None: from the
    start) up to `until`, not revoked by then; with their enterprise and county (1 query)."""
    namings = Naming.objects.filter(round__plan_year=plan_year, named_on__lte=until).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=until)
    )
    if after is not None:
        namings = namings.filter(named_on__gt=after)
    return namings.select_related("pilot__enterprise__county").order_by("named_on", "pk")
