"""Reads of the demonstration selection: querysets narrowed to a scope, figures, the ranking.

Every function runs a fixed number of queries, however many applications, reviewers and
scores there are (tests pin them with the data grown tenfold).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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
    Sum,
    Value,
)
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
    RoundReviewer,
    RubricDimension,
    RubricIndicator,
    Score,
    SelectionRound,
)
from demonstration.scoring import competition_ranks, final_score, mean
from pilots.models import Pilot
from reform.models import PlanYear, Region
from reform.scopes import Scope

APPLICATION_PLACE = {
    "county": "pilot__enterprise__county",
    "township": "pilot__enterprise__township",
}


# Progress of a round (also for the dashboards) -----------------------------------------------


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on round=OuterRef("pk")), 0 when none."""
    counted = queryset.order_by().values("round").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _progress_annotations() -> dict:
    applications = Application.objects.filter(round=OuterRef("pk"))
    recommended = applications.filter(status=Application.Status.RECOMMENDED)
    assignments = Assignment.objects.filter(application=OuterRef("pk"))
    reviewed = recommended.filter(
        Exists(assignments),
        ~Exists(assignments.filter(status=Assignment.Status.ASSIGNED)),
    )
    return {
        "n_drafts": _count(applications.filter(status=Application.Status.DRAFT)),
        "n_applied": _count(applications.filter(status__in=Application.DECIDED)),
        "n_recommended": _count(recommended),
        "n_reviewed": _count(reviewed),
        "n_listed": _count(NoticeEntry.objects.filter(round=OuterRef("pk"), removed_at=None)),
        "n_named": _count(Naming.objects.filter(round=OuterRef("pk"), revoked_at=None)),
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


def round_progress(round: SelectionRound) -> Progress:
    """The running round's progress for the overview and county pages: one query."""
    annotated = SelectionRound.objects.annotate(**_progress_annotations()).get(pk=round.pk)
    return Progress.of(annotated)


def running_round(plan_year: PlanYear | None) -> SelectionRound | None:
    """The plan year's round, if it has one (one query)."""
    if plan_year is None:
        return None
    return SelectionRound.objects.filter(plan_year=plan_year).first()


@dataclass(frozen=True)
class CountyUnits:
    county: Region
    count: int


def demonstration_units_by_county(
    plan_year: PlanYear, within: Region | None = None
) -> list[CountyUnits]:
    """Demonstration units (pilots whose status is demonstration) of a plan year by county-level
    unit: every county of the city, or the one `within` names. One query."""
    counties = Region.objects.filter(level=Region.Level.COUNTY)
    if within is not None and within.level == Region.Level.COUNTY:
        counties = counties.filter(pk=within.pk)
    elif within is not None:
        counties = counties.filter(parent=within)
    counties = counties.annotate(
        units=Count(
            "county_enterprises__pilots",
            filter=Q(
                county_enterprises__pilots__plan_year=plan_year,
                county_enterprises__pilots__status=Pilot.Status.DEMONSTRATION,
            ),
        )
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


def reviewer_labels(round: SelectionRound, scope: Scope | None) -> dict[int, str]:
    """How a reviewer is shown: by name to those who run the review, as 专家1…N to leaders and
    where no one looks (scope None), numbered in the order they were appointed."""
    appointments = RoundReviewer.objects.filter(round=round).select_related("reviewer")
    labels = {}
    for number, appointment in enumerate(appointments.order_by("pk"), start=1):
        reviewer = appointment.reviewer
        if scope is not None and scope.names_reviewers:
            labels[reviewer.pk] = reviewer.get_full_name() or reviewer.username
        else:
            labels[reviewer.pk] = _("Reviewer %(number)s") % {"number": number}
    return labels


@dataclass
class ReviewerTotal:
    assignment_id: int
    reviewer_id: int
    label: str
    status: str
    total: Decimal | None  # submitted totals only
    dropped: bool = False


@dataclass
class RankedApplication:
    application: Application
    reviewers: list[ReviewerTotal]
    dimension_means: dict[str, Decimal | None]
    final: Decimal | None
    rank: int | None = None

    # Sort keys of the ranking table: unranked and unscored applications come last.
    @property
    def rank_sort(self) -> int:
        return self.rank if self.rank is not None else 10**6

    @property
    def final_sort(self) -> Decimal:
        return self.final if self.final is not None else Decimal(-1)

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.reviewers if r.total is not None)

    @property
    def assigned(self) -> int:
        return len(self.reviewers)

    @property
    def county(self) -> Region:
        return self.application.pilot.enterprise.county


def ranking(round: SelectionRound, scope: Scope | None) -> list[RankedApplication]:
    """Every recommended application with each reviewer's total, the dimension means over the
    reviewers whose totals count, the final score and the rank (demonstration.scoring).

    Only submitted scores count; an application without any has no score and no rank.
    Five queries, whatever the numbers.
    """
    labels = reviewer_labels(round, scope)
    applications = list(
        Application.objects.filter(round=round, status=Application.Status.RECOMMENDED)
        .select_related("pilot__enterprise__county")
        .order_by("pilot__enterprise__county__code", "recommendation_order", "pk")
    )
    assignments = defaultdict(list)
    for assignment in Assignment.objects.filter(application__round=round).order_by("pk"):
        assignments[assignment.application_id].append(assignment)
    subtotals: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in (
        Score.objects.filter(
            assignment__application__round=round, assignment__status=Assignment.Status.SUBMITTED
        )
        .values("assignment_id", "indicator__dimension_id")
        .annotate(points=Sum("points"))
        .order_by()
    ):
        subtotals[row["assignment_id"]][row["indicator__dimension_id"]] = row["points"]
    dimension_ids = list(
        RubricDimension.objects.filter(round=round)
        .order_by("order", "pk")
        .values_list("pk", flat=True)
    )
    order = {reviewer_id: index for index, reviewer_id in enumerate(labels)}
    rows = []
    for application in applications:
        mine = sorted(
            assignments[application.pk], key=lambda a: (order.get(a.reviewer_id, 0), a.pk)
        )
        totals, counted = [], []
        for assignment in mine:
            submitted = assignment.status == Assignment.Status.SUBMITTED
            total = ReviewerTotal(
                assignment_id=assignment.pk,
                reviewer_id=assignment.reviewer_id,
                label=labels.get(assignment.reviewer_id, "—"),
                status=assignment.status,
                total=sum(subtotals[assignment.pk].values(), Decimal(0)) if submitted else None,
            )
            totals.append(total)
            if submitted:
                counted.append((assignment, total))
        score = final_score([total.total for _assignment, total in counted])
        for index in score.dropped:
            counted[index][1].dropped = True
        kept = [counted[index][0] for index in score.kept]
        # Keyed by text ("12"), so that table columns can reach them by accessor.
        means = {
            str(dimension_id): mean([subtotals[a.pk].get(dimension_id, Decimal(0)) for a in kept])
            for dimension_id in dimension_ids
        }
        rows.append(
            RankedApplication(
                application=application,
                reviewers=totals,
                dimension_means=means,
                final=score.value,
            )
        )
    for row, rank in zip(rows, competition_ranks([r.final for r in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.application.pilot.enterprise.name))
    return rows


def default_notice_list(round: SelectionRound) -> tuple[list[RankedApplication], list[str]]:
    """The top-ranked units up to the number to be named; units tied across that line are
    left out, with a note, for the city to decide."""
    rows = [r for r in ranking(round, None) if r.rank is not None]
    chosen, notes = [], []
    for row in rows:
        tied = [r for r in rows if r.rank == row.rank]
        if row.rank + len(tied) - 1 <= round.units_to_name:
            chosen.append(row)
        elif row is tied[0] and row.rank <= round.units_to_name:
            notes.append(
                _(
                    "%(count)s units share rank %(rank)s, but only %(left)s places are left: "
                    "add the ones to name by hand, with a reason."
                )
                % {"count": len(tied), "rank": row.rank, "left": round.units_to_name - len(chosen)}
            )
    return chosen, notes


def notice_entries(round: SelectionRound) -> list[NoticeEntry]:
    """The list: units on it first (by position), then those taken off."""
    return list(
        NoticeEntry.objects.filter(round=round)
        .select_related("application__pilot__enterprise__county", "removed_by", "added_by")
        .order_by(F("removed_at").asc(nulls_first=True), "position", "pk")
    )
