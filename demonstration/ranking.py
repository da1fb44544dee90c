"""The ranking of a round (评审排名): each reviewer's total, the dimension means, the final score
and the rank (the rules are in demonstration/scoring.py), and the notice list it proposes.

A fixed number of queries, whatever the numbers of applications, reviewers and scores.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from demonstration.models import (
    Application,
    Assignment,
    RoundReviewer,
    RubricDimension,
    Score,
    SelectionRound,
)
from demonstration.scoring import competition_ranks, final_score, mean
from reform.models import Region
from reform.scopes import Scope


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


def round_ranking(round: SelectionRound, scope: Scope | None) -> list[RankedApplication]:
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
    rows = [r for r in round_ranking(round, None) if r.rank is not None]
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
