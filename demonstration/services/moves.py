"""Checking a move of the MOVES tables against a record's state and the round's dated phases.

Every service calls `check_move` before it writes; views call `move_allowed` to decide which
buttons to show. The dates decide: a phase is open from its opening moment until its closing
moment (demonstration.models.RoundPhase).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from demonstration.models import Move, RoundPhase, SelectionRound


def now() -> datetime.datetime:
    return timezone.now()


def phases_of(round: SelectionRound) -> dict[str, RoundPhase]:
    """The round's phases by name (uses a prefetched `phases` when there is one)."""
    return {phase.phase: phase for phase in round.phases.all()}


def _day(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment).date(), "DATE_FORMAT")


def _last_day(phase: RoundPhase) -> str:
    return date_format(phase.last_day, "DATE_FORMAT")


def move_problem(
    move: Move,
    *,
    state: str | None,
    state_label: str = "",
    phases: dict[str, RoundPhase],
    at: datetime.datetime | None = None,
) -> str | None:
    """Why the move may not happen now (a message for the user), or None when it may."""
    at = at or now()
    if move.sources and state not in move.sources:
        return _("Not possible in its present state (%(state)s).") % {"state": state_label or state}
    if move.open_phase:
        phase = phases[move.open_phase]
        current = phase.state(at)
        if current == RoundPhase.State.UPCOMING:
            return _(
                "The %(phase)s phase opens on %(day)s; this can be done only while it is open."
            ) % {
                "phase": phase.get_phase_display(),
                "day": _day(phase.opens_at),
            }
        if current == RoundPhase.State.CLOSED:
            return _("The %(phase)s phase closed on %(day)s; this can no longer be done.") % {
                "phase": phase.get_phase_display(),
                "day": _last_day(phase),
            }
    if move.after_phase:
        phase = phases[move.after_phase]
        if phase.state(at) != RoundPhase.State.CLOSED:
            return _("This can be done only after the %(phase)s phase is over (%(day)s).") % {
                "phase": phase.get_phase_display(),
                "day": _last_day(phase),
            }
    if move.before_end_of:
        phase = phases[move.before_end_of]
        if phase.state(at) == RoundPhase.State.CLOSED:
            return _("The %(phase)s phase is over (it closed on %(day)s).") % {
                "phase": phase.get_phase_display(),
                "day": _last_day(phase),
            }
    return None


def check_move(
    move: Move,
    *,
    state: str | None,
    state_label: str = "",
    phases: dict[str, RoundPhase],
    at: datetime.datetime | None = None,
) -> None:
    """ValidationError with the reason when the move may not happen now."""
    problem = move_problem(move, state=state, state_label=state_label, phases=phases, at=at)
    if problem:
        raise ValidationError(problem)


def move_allowed(move: Move, *, state: str | None, phases: dict[str, RoundPhase], at=None) -> bool:
    return move_problem(move, state=state, phases=phases, at=at) is None
