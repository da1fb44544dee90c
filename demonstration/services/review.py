"""Writes of the review (市级评审): appointing reviewers, assigning them, and their scores.

The conflict rule holds on every path: a reviewer never scores an application from their own
county-level unit (User.region), whether assigned automatically or by hand, and it is checked
again when scores are saved.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from demonstration.assignment import AssignmentImpossible, plan_assignments
from demonstration.models import (
    Application,
    Assignment,
    RoundReviewer,
    RubricIndicator,
    Score,
    SelectionRound,
)
from demonstration.rubric import is_half_step, points_text
from demonstration.services.applications import applications_close_undecided
from demonstration.services.moves import check_move, now, phases_of
from demonstration.services.rounds import require_city_work
from reform.models import User
from reform.scopes import scope_for


def _save(record, *, user: User | None) -> None:
    record._history_user = user
    record.full_clean()
    record.save()


def reviewer_name(user: User) -> str:
    return user.get_full_name() or user.username


def _county_of(application: Application):
    return application.pilot.enterprise.county


def conflict_message(reviewer: User, application: Application) -> str | None:
    """Why this reviewer may not score this application, or None."""
    county = _county_of(application)
    if reviewer.region_id and reviewer.region_id == county.pk:
        return _(
            "%(reviewer)s belongs to %(county)s, the applicant's own county-level unit: a "
            "reviewer never scores an application from their own unit."
        ) % {"reviewer": reviewer_name(reviewer), "county": county.name}
    return None


@transaction.atomic
def reviewers_set(*, round: SelectionRound, reviewers: list[User], user: User | None) -> None:
    """Appoint exactly these reviewers for the round (until the review is over).

    A reviewer who already has assignments cannot be taken off: remove those first.
    """
    require_city_work(user)
    check_move(RoundReviewer.MOVES["appoint"], state=None, phases=phases_of(round))
    wrong = [r for r in reviewers if r.role != User.Role.REVIEWER or not r.is_active]
    if wrong:
        raise ValidationError(
            _("Only active users with the reviewer role can be appointed: %(names)s.")
            % {"names": "、".join(reviewer_name(r) for r in wrong)}
        )
    wanted = {r.pk for r in reviewers}
    current = {a.reviewer_id: a for a in RoundReviewer.objects.filter(round=round)}
    leaving = [a for reviewer_id, a in current.items() if reviewer_id not in wanted]
    busy = [
        a
        for a in leaving
        if Assignment.objects.filter(application__round=round, reviewer_id=a.reviewer_id).exists()
    ]
    if busy:
        raise ValidationError(
            _("%(names)s already have assignments in this round: remove those first.")
            % {"names": "、".join(reviewer_name(a.reviewer) for a in busy)}
        )
    for appointment in leaving:
        appointment._history_user = user
        appointment.delete()
    for reviewer in reviewers:
        if reviewer.pk not in current:
            _save(RoundReviewer(round=round, reviewer=reviewer, appointed_by=user), user=user)


def _assign_check(round: SelectionRound) -> None:
    check_move(Assignment.MOVES["assign"], state=None, phases=phases_of(round))


@transaction.atomic
def assignments_auto(*, round: SelectionRound, user: User | None) -> int:
    """Give every recommended application the round's number of reviewers (keeping those it
    has), every appointed reviewer about the same load, never one from the applicant's unit.

    When that is impossible nothing is assigned and the message names every application
    short of eligible reviewers. Returns how many assignments were added.
    """
    require_city_work(user)
    _assign_check(round)
    applications_close_undecided(round=round, user=user)
    applications = {
        a.pk: a
        for a in Application.objects.filter(
            round=round, status=Application.Status.RECOMMENDED
        ).select_related("pilot__enterprise__county")
    }
    if not applications:
        raise ValidationError(_("No application has been recommended: there is nothing to assign."))
    appointed = {
        a.reviewer_id: a.reviewer
        for a in RoundReviewer.objects.filter(round=round).select_related("reviewer")
    }
    if not appointed:
        raise ValidationError(_("Appoint the round's reviewers first."))
    existing = set(
        Assignment.objects.filter(application__round=round).values_list(
            "application_id", "reviewer_id"
        )
    )
    try:
        pairs = plan_assignments(
            applications={pk: a.pilot.enterprise.county_id for pk, a in applications.items()},
            reviewers={pk: r.region_id for pk, r in appointed.items()},
            existing=existing,
            per_application=round.reviewers_per_application,
        )
    except AssignmentImpossible as impossible:
        raise ValidationError(
            [
                _(
                    "%(name)s (%(county)s) can get only %(eligible)s more eligible reviewers, "
                    "%(needed)s are needed: appoint more reviewers from other units, or lower "
                    "the number of reviewers per application."
                )
                % {
                    "name": applications[s.application_id].pilot.enterprise.name,
                    "county": _county_of(applications[s.application_id]).name,
                    "eligible": s.eligible,
                    "needed": s.needed,
                }
                for s in impossible.shortfalls
            ]
        ) from None
    for application_id, reviewer_id in pairs:
        _save(
            Assignment(
                application=applications[application_id],
                reviewer=appointed[reviewer_id],
                assigned_by=user,
            ),
            user=user,
        )
    return len(pairs)


@transaction.atomic
def assignment_add(*, application: Application, reviewer: User, user: User | None) -> Assignment:
    """Assign one more reviewer to a recommended application by hand."""
    require_city_work(user)
    round = application.round
    _assign_check(round)
    applications_close_undecided(round=round, user=user)
    application.refresh_from_db(fields=["status"])
    if application.status != Application.Status.RECOMMENDED:
        raise ValidationError(_("Only recommended applications are reviewed."))
    if not RoundReviewer.objects.filter(round=round, reviewer=reviewer).exists():
        raise ValidationError(
            _("%(reviewer)s is not appointed for this round.")
            % {"reviewer": reviewer_name(reviewer)}
        )
    conflict = conflict_message(reviewer, application)
    if conflict:
        raise ValidationError(conflict)
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            _("%(reviewer)s is already assigned to this application.")
            % {"reviewer": reviewer_name(reviewer)}
        )
    assignment = Assignment(application=application, reviewer=reviewer, assigned_by=user)
    _save(assignment, user=user)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, user: User | None) -> None:
    """Take an assignment back (not once its scores were submitted)."""
    require_city_work(user)
    check_move(
        Assignment.MOVES["unassign"],
        state=assignment.status,
        state_label=assignment.get_status_display(),
        phases=phases_of(assignment.application.round),
    )
    assignment._history_user = user
    Score.objects.filter(assignment=assignment).delete()
    assignment.delete()


def points_problems(
    indicators: list[RubricIndicator], points: dict[int, Decimal | None], *, complete: bool
) -> list[str]:
    """What is wrong with the points given (by indicator id), for the reviewer."""
    problems = []
    for indicator in indicators:
        value = points.get(indicator.pk)
        if value is None:
            if complete:
                problems.append(
                    _("%(indicator)s: give points before submitting.")
                    % {"indicator": indicator.name}
                )
            continue
        if value < 0:
            problems.append(_("%(indicator)s: not below 0.") % {"indicator": indicator.name})
        elif value > indicator.max_points:
            problems.append(
                _("%(indicator)s: at most %(max)s points.")
                % {"indicator": indicator.name, "max": points_text(indicator.max_points)}
            )
        elif not is_half_step(value):
            problems.append(
                _("%(indicator)s: whole or half points only.") % {"indicator": indicator.name}
            )
    return problems


@transaction.atomic
def review_save(
    *,
    assignment: Assignment,
    points: dict[int, Decimal | None],
    comment: str,
    submit: bool,
    user: User | None,
) -> Assignment:
    """Save a reviewer's points (by indicator id) and comment; `submit` makes them final.

    Only the assigned reviewer, only while the review is open, never on an application from
    their own unit. Refused as a whole, every problem named, when a value is out of range.
    """
    if scope_for(user).reviewer_id != assignment.reviewer_id:
        raise PermissionDenied
    application = assignment.application
    check_move(
        Assignment.MOVES["submit" if submit else "score"],
        state=assignment.status,
        state_label=assignment.get_status_display(),
        phases=phases_of(application.round),
    )
    conflict = conflict_message(assignment.reviewer, application)
    if conflict:
        raise ValidationError(conflict)
    indicators = list(
        RubricIndicator.objects.filter(dimension__round=application.round).order_by(
            "dimension__order", "dimension__pk", "order", "pk"
        )
    )
    known = {i.pk for i in indicators}
    if set(points) - known:
        raise ValidationError(_("An indicator of another rubric was sent; nothing was saved."))
    problems = points_problems(indicators, points, complete=submit)
    if problems:
        raise ValidationError(problems)
    have = {s.indicator_id: s for s in assignment.scores.all()}
    for indicator in indicators:
        value = points.get(indicator.pk)
        score = have.get(indicator.pk)
        if value is None:
            if score is not None:
                score._history_user = user
                score.delete()
            continue
        if score is None or score.points != value:
            score = score or Score(assignment=assignment, indicator=indicator)
            score.points = value
            _save(score, user=user)
    assignment.comment = comment.strip()
    if submit:
        assignment.status = Assignment.Status.SUBMITTED
        assignment.submitted_at = now()
    _save(assignment, user=user)
    return assignment
