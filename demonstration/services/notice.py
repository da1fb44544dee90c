"""Writes of the public notice (公示), its objections (异议) and the naming (命名).

The city fixes the list from the ranking once the review is over — by default the top units
up to the number to be named — and every change needs a reason. Publishing starts the notice
period (the round's notice days, counted from the day of publication). After it the units are
named: their pilots' status becomes demonstration through the pilots service, recording the
round; a naming can be revoked with a reason, and the status goes back to confirmed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demonstration.models import (
    Application,
    Naming,
    NoticeEntry,
    Objection,
    Phase,
    RoundPhase,
    SelectionRound,
    day_start,
)
from demonstration.ranking import default_notice_list
from demonstration.services.applications import applications_close_undecided
from demonstration.services.moves import check_move, now, phases_of
from demonstration.services.rounds import require_city_work
from pilots.models import Pilot
from pilots.services import StaleEditError, pilot_set_status
from reform.models import User


def _save(record, *, user: User | None, reason: str = "") -> None:
    record._history_user = user
    if reason:
        record._change_reason = reason
    record.full_clean()
    record.save()


def _check(round: SelectionRound, action: str) -> None:
    check_move(
        SelectionRound.NOTICE_MOVES[action],
        state=round.notice_state,
        state_label=SelectionRound.NoticeState(round.notice_state).label,
        phases=phases_of(round),
    )


def _reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


@transaction.atomic
def notice_prepare(*, round: SelectionRound, user: User | None) -> list[str]:
    """Fill the (unpublished) list from the ranking; returns notes for the user (ties).

    Units tied for the last places are left for the city to choose, with a reason, rather
    than cut by chance.
    """
    require_city_work(user)
    _check(round, "prepare")
    applications_close_undecided(round=round, user=user)
    chosen, notes = default_notice_list(round)
    for entry in NoticeEntry.objects.filter(round=round):
        entry._history_user = user
        entry.delete()
    for position, ranked in enumerate(chosen, start=1):
        _save(
            NoticeEntry(
                round=round, application_id=ranked.application.pk, position=position, added_by=user
            ),
            user=user,
        )
    return notes


@transaction.atomic
def notice_entry_add(
    *, round: SelectionRound, application: Application, reason: str, user: User | None
) -> NoticeEntry:
    """Put a unit on the list by hand, with a reason (before publication)."""
    require_city_work(user)
    _check(round, "add")
    reason = _reason(reason, _("Give the reason for adding a unit the ranking did not place."))
    if application.round_id != round.pk or application.status != Application.Status.RECOMMENDED:
        raise ValidationError(_("Only recommended applications of this round can be listed."))
    entries = list(NoticeEntry.objects.filter(round=round))
    if any(e.application_id == application.pk and e.is_active for e in entries):
        raise ValidationError(_("This unit is on the list already."))
    active = [e for e in entries if e.is_active]
    if len(active) >= round.units_to_name:
        raise ValidationError(
            _("The list already holds %(count)s units, the number to be named: take one off first.")
            % {"count": len(active)}
        )
    entry = next((e for e in entries if e.application_id == application.pk), None)
    if entry is None:
        entry = NoticeEntry(round=round, application=application, added_by=user)
    entry.position = max((e.position for e in active), default=0) + 1
    entry.reason = reason
    entry.removed_at = entry.removed_by = None
    entry.removal_reason = ""
    _save(entry, user=user)
    return entry


@transaction.atomic
def notice_entry_remove(*, entry: NoticeEntry, reason: str, user: User | None) -> NoticeEntry:
    """Take a unit off the list with a reason: before publication, or during the notice."""
    require_city_work(user)
    round = entry.round
    _check(
        round,
        "drop" if round.notice_state == SelectionRound.NoticeState.UNPUBLISHED else "take_off",
    )
    if not entry.is_active:
        raise ValidationError(_("This unit is no longer on the list."))
    entry.removal_reason = _reason(reason, _("Give the reason for taking the unit off the list."))
    entry.removed_at = now()
    entry.removed_by = user
    _save(entry, user=user)
    return entry


@transaction.atomic
def notice_publish(*, round: SelectionRound, user: User | None) -> RoundPhase:
    """Publish the list: the notice runs from today for the round's notice days.

    The naming phase moves later when it would open before the notice ends.
    """
    require_city_work(user)
    _check(round, "publish")
    active = NoticeEntry.objects.filter(round=round, removed_at__isnull=True).count()
    if not active:
        raise ValidationError(_("The list is empty: prepare it from the ranking first."))
    if active > round.units_to_name:
        raise ValidationError(
            _("The list holds %(count)s units, more than the %(max)s to be named.")
            % {"count": active, "max": round.units_to_name}
        )
    at = now()
    phases = phases_of(round)
    notice, naming = phases[Phase.NOTICE], phases[Phase.NAMING]
    notice.opens_at = at
    notice.closes_at = day_start(
        timezone.localtime(at).date() + datetime.timedelta(days=round.notice_days)
    )
    _save(notice, user=user, reason="notice published")
    if naming.opens_at < notice.closes_at:
        length = naming.closes_at - naming.opens_at
        naming.opens_at = notice.closes_at
        naming.closes_at = max(naming.closes_at, naming.opens_at + length)
        _save(naming, user=user, reason="notice published")
    round.notice_published_at = at
    round.notice_published_by = user
    _save(round, user=user, reason="notice published")
    return notice


@transaction.atomic
def objection_record(
    *,
    round: SelectionRound,
    entry: NoticeEntry | None,
    objector: str,
    content: str,
    received_at: datetime.datetime,
    user: User | None,
) -> Objection:
    """Record an objection received during the notice period."""
    require_city_work(user)
    _check(round, "object")
    notice = phases_of(round)[Phase.NOTICE]
    if not notice.opens_at <= received_at <= now():
        raise ValidationError(
            _("An objection is recorded as received during the notice period, up to now.")
        )
    if entry is not None and entry.round_id != round.pk:
        raise ValidationError(_("Choose a unit of this round's list."))
    objection = Objection(
        round=round,
        entry=entry,
        objector=objector.strip(),
        content=content.strip(),
        received_at=received_at,
        recorded_by=user,
    )
    _save(objection, user=user)
    return objection


@transaction.atomic
def objection_handle(
    *, objection: Objection, handling: str, outcome: str, user: User | None
) -> Objection:
    """Record how an objection was handled and its outcome (until the units are named)."""
    require_city_work(user)
    if objection.round.namings.exists():
        raise ValidationError(_("The units are named: the objections can no longer change."))
    handling = handling.strip()
    if outcome != Objection.Outcome.PENDING and not handling:
        raise ValidationError(_("Say how the objection was handled before giving its outcome."))
    objection.handling = handling
    objection.outcome = outcome
    objection.handled_at = now() if outcome != Objection.Outcome.PENDING else None
    _save(objection, user=user)
    return objection


def naming_reason(round: SelectionRound) -> str:
    """What the pilot's history record carries (like an import's "import:12")."""
    return f"naming:{round.pk}"


@transaction.atomic
def naming_run(*, round: SelectionRound, user: User | None) -> int:
    """Name the units on the list after the notice: their pilots become demonstration units.

    Refused as a whole while an objection is still being handled or a listed pilot is no
    longer confirmed. Returns how many units were named.
    """
    require_city_work(user)
    _check(round, "name")
    pending = round.objections.filter(outcome=Objection.Outcome.PENDING).count()
    if pending:
        raise ValidationError(
            _("%(count)s objections are still being handled: record their outcome first.")
            % {"count": pending}
        )
    entries = list(
        NoticeEntry.objects.filter(round=round, removed_at__isnull=True)
        .select_related("application__pilot__enterprise")
        .order_by("position")
    )
    named = set(Naming.objects.filter(round=round).values_list("application_id", flat=True))
    todo = [e for e in entries if e.application_id not in named]
    if not todo:
        raise ValidationError(_("Every unit on the list is named already."))
    wrong = [
        e.application.pilot for e in todo if e.application.pilot.status != Pilot.Status.CONFIRMED
    ]
    if wrong:
        raise ValidationError(
            [
                _(
                    "%(name)s is %(status)s, not confirmed: take it off the list or correct "
                    "its status first."
                )
                % {"name": p.enterprise.name, "status": p.get_status_display()}
                for p in wrong
            ]
        )
    today = timezone.localdate()
    for entry in todo:
        pilot = entry.application.pilot
        _save(
            Naming(
                round=round,
                pilot=pilot,
                application=entry.application,
                named_on=today,
                named_by=user,
            ),
            user=user,
        )
        _set_status(pilot, Pilot.Status.DEMONSTRATION, user=user, reason=naming_reason(round))
    return len(todo)


def _set_status(pilot: Pilot, status: str, *, user: User | None, reason: str) -> None:
    """Through the pilots service (counting and history stay right), on the current version."""
    pilot.refresh_from_db(fields=["version", "status"])
    try:
        pilot_set_status(
            pilot=pilot,
            status=status,
            version=pilot.version,
            user=user,
            reason=reason,
            by_naming=True,
        )
    except StaleEditError as error:  # someone saved the pilot at this very moment
        raise ValidationError(str(error)) from None


@transaction.atomic
def naming_revoke(*, naming: Naming, reason: str, user: User | None) -> Naming:
    """Revoke a naming with a reason; the pilot's status goes back to confirmed."""
    require_city_work(user)
    check_move(
        Naming.MOVES["revoke"],
        state=naming.state,
        state_label=Naming.State(naming.state).label,
        phases=phases_of(naming.round),
    )
    naming.revocation_reason = _reason(reason, _("Give the reason for revoking the naming."))
    naming.revoked_at = now()
    naming.revoked_by = user
    _save(naming, user=user)
    pilot = naming.pilot
    pilot.refresh_from_db(fields=["status"])
    if pilot.status == Pilot.Status.DEMONSTRATION:
        _set_status(
            pilot,
            Pilot.Status.CONFIRMED,
            user=user,
            reason=f"revocation:{naming.pk}",
        )
    return naming
