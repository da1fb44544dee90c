"""Writes of pairings (结对共建) and their activities.

The rules of the issue, each with its own message (`pairing_problems`):
- the partners are pilots of the pairing's plan year, not withdrawn, none chosen twice, all
  inside the writer's area; the lead may lie anywhere in the city but is never its own partner;
- 大手牵小手: the lead is state-owned, a leading enterprise or has at least 300 employees, and
  has more employees than each partner;
- 示范带试点: the lead is a demonstration unit named in the plan year; no partner is one;
- a pilot is a partner in at most one active pairing of each kind.
Every write is all or nothing and saved through the models, so django-simple-history records
who changed what (the partner links and the attachments have their own history).
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from demonstration.models import (
    SMALL_EMPLOYEE_LIMIT,
    ActivityAttachment,
    Pairing,
    PairingActivity,
    PairingPartner,
)
from pilots.models import Enterprise, Pilot
from pilots.ownership import OwnershipGroup, group_of
from reform.files import PHOTO_KINDS, CheckedFile, thumbnail_bytes
from reform.models import PlanYear, User
from reform.scopes import Scope, scope_for

PAIRING_FIELDS = ("plan_year", "kind", "lead", "partners", "starts_on", "goals")


def _save(record, *, user: User | None) -> None:
    record._history_user = user
    record.full_clean()
    record.save()


def _names(pilots: Iterable[Pilot]) -> str:
    return "、".join(pilot.enterprise.name for pilot in pilots)


def may_write_pairing(pairing: Pairing, scope: Scope) -> bool:
    """Writers whose area holds the pairing (the area of its partners)."""
    return scope.allows_write(county_id=pairing.county_id, township_id=pairing.township_id)


def lead_qualifies_big(lead: Enterprise) -> bool:
    """A lead of 大手牵小手: state-owned, a leading enterprise, or not small."""
    return (
        group_of(lead.ownership, lead.state_controls) == OwnershipGroup.STATE_OWNED
        or lead.is_leading
        or lead.employee_count >= SMALL_EMPLOYEE_LIMIT
    )


def is_named_demonstration_unit(enterprise: Enterprise, plan_year: PlanYear) -> bool:
    return Pilot.objects.filter(
        enterprise=enterprise, plan_year=plan_year, status=Pilot.Status.DEMONSTRATION
    ).exists()


def pairing_problems(
    *,
    scope: Scope,
    plan_year: PlanYear,
    kind: str,
    lead: Enterprise,
    partners: Sequence[Pilot],
    pairing: Pairing | None = None,
) -> dict[str, list[str]]:
    """What breaks the rules, by form field; empty when the pairing may be saved."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if kind not in Pairing.Kind.values:
        add("kind", _("Choose the kind of pairing: 大手牵小手 or 示范带试点."))
        return problems
    if not partners:
        add("partners", _("Choose at least one partner pilot."))
        return problems
    seen, twice = set(), []
    for pilot in partners:
        if pilot.pk in seen and pilot not in twice:
            twice.append(pilot)
        seen.add(pilot.pk)
    if twice:
        add(
            "partners",
            _("The same pilot is chosen twice: %(names)s. Choose each partner once.")
            % {"names": _names(twice)},
        )
    partners = list({pilot.pk: pilot for pilot in partners}.values())
    other_year = [p for p in partners if p.plan_year_id != plan_year.pk]
    if other_year:
        add(
            "partners",
            _("These partners are not pilots of %(year)s: %(names)s.")
            % {"year": plan_year.year, "names": _names(other_year)},
        )
    withdrawn = [p for p in partners if p.status == Pilot.Status.WITHDRAWN]
    if withdrawn:
        add(
            "partners",
            _("These pilots have withdrawn and cannot be partners: %(names)s.")
            % {"names": _names(withdrawn)},
        )
    outside = [
        p
        for p in partners
        if not scope.allows_write(
            county_id=p.enterprise.county_id, township_id=p.enterprise.township_id
        )
    ]
    if outside:
        add(
            "partners",
            _("These pilots lie outside your area: %(names)s. Partners must lie in your area.")
            % {"names": _names(outside)},
        )
    own = [p for p in partners if p.enterprise_id == lead.pk]
    if own:
        add(
            "lead",
            _("%(name)s is also chosen as a partner: the lead is never its own partner.")
            % {"name": lead.name},
        )
    if kind == Pairing.Kind.BIG_SMALL:
        if not lead_qualifies_big(lead):
            add(
                "lead",
                _(
                    "In 大手牵小手 the lead must be state-owned, a leading enterprise, or have at "
                    "least %(limit)d employees; %(name)s is none of these (%(count)d employees)."
                )
                % {"limit": SMALL_EMPLOYEE_LIMIT, "name": lead.name, "count": lead.employee_count},
            )
        not_smaller = [
            p for p in partners if p.enterprise_id != lead.pk
            and p.enterprise.employee_count >= lead.employee_count
        ]  # fmt: skip
        if not_smaller:
            add(
                "partners",
                _(
                    "In 大手牵小手 the lead has more employees than each partner: %(lead)s has "
                    "%(count)d, not more than %(names)s."
                )
                % {"lead": lead.name, "count": lead.employee_count, "names": _names(not_smaller)},
            )
    else:
        if not is_named_demonstration_unit(lead, plan_year):
            add(
                "lead",
                _(
                    "In 示范带试点 the lead must be a demonstration unit named in %(year)s; "
                    "%(name)s is not one."
                )
                % {"year": plan_year.year, "name": lead.name},
            )
        units = [p for p in partners if p.status == Pilot.Status.DEMONSTRATION]
        if units:
            add(
                "partners",
                _("A demonstration unit cannot be a partner in 示范带试点: %(names)s.")
                % {"names": _names(units)},
            )
    taken = PairingPartner.objects.filter(
        pilot__in=[p.pk for p in partners],
        pairing__kind=kind,
        pairing__status=Pairing.Status.ACTIVE,
    )
    if pairing is not None:
        taken = taken.exclude(pairing=pairing)
    taken_ids = set(taken.values_list("pilot_id", flat=True))
    if taken_ids:
        add(
            "partners",
            _(
                "A pilot is a partner in at most one active pairing of each kind; these already "
                "are in one of %(kind)s: %(names)s."
            )
            % {
                "kind": Pairing.Kind(kind).label,
                "names": _names(p for p in partners if p.pk in taken_ids),
            },
        )
    return problems


def place_of(partners: Iterable[Pilot]) -> tuple[int | None, int | None]:
    """The narrowest region holding every partner: (county id, township id)."""
    partners = list(partners)
    counties = {pilot.enterprise.county_id for pilot in partners}
    if len(counties) != 1:
        return None, None
    townships = {pilot.enterprise.township_id for pilot in partners}
    return counties.pop(), townships.pop() if len(townships) == 1 else None


def _lock_partners(partners: Sequence[Pilot]) -> list[Pilot]:
    """The partners again, locked: two pairings saved at once cannot both take a pilot."""
    ids = [pilot.pk for pilot in partners]
    locked = Pilot.objects.select_for_update().filter(pk__in=ids)
    list(locked.values_list("pk", flat=True))
    found = {p.pk: p for p in Pilot.objects.select_related("enterprise").filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def _check(**kwargs) -> None:
    problems = pairing_problems(**kwargs)
    if problems:
        raise ValidationError(problems)


def _set_partners(pairing: Pairing, partners: Sequence[Pilot], *, user: User | None) -> None:
    wanted = list(dict.fromkeys(pilot.pk for pilot in partners))
    current = {link.pilot_id: link for link in pairing.partner_links.all()}
    for pilot_id, link in current.items():
        if pilot_id not in wanted:
            link._history_user = user
            link.delete()
    new = [PairingPartner(pairing=pairing, pilot_id=pk) for pk in wanted if pk not in current]
    if new:
        bulk_create_with_history(new, PairingPartner, default_user=user)


@transaction.atomic
def pairing_create(
    *,
    user: User,
    plan_year: PlanYear,
    kind: str,
    lead: Enterprise,
    partners: Sequence[Pilot],
    starts_on: datetime.date,
    goals: str,
) -> Pairing:
    """A new active pairing. ValidationError (by field) names every rule it breaks."""
    scope = scope_for(user)
    if not scope.can_write:
        raise PermissionDenied
    partners = _lock_partners(partners)
    _check(scope=scope, plan_year=plan_year, kind=kind, lead=lead, partners=partners)
    county_id, township_id = place_of(partners)
    pairing = Pairing(
        plan_year=plan_year,
        kind=kind,
        lead=lead,
        starts_on=starts_on,
        goals=goals,
        county_id=county_id,
        township_id=township_id,
        created_by=user,
    )
    _save(pairing, user=user)
    _set_partners(pairing, partners, user=user)
    return pairing


@transaction.atomic
def pairing_update(
    *,
    pairing: Pairing,
    user: User,
    plan_year: PlanYear,
    kind: str,
    lead: Enterprise,
    partners: Sequence[Pilot],
    starts_on: datetime.date,
    goals: str,
) -> Pairing:
    """Change an active pairing of the writer's area."""
    scope = scope_for(user)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if not may_write_pairing(pairing, scope):
        raise PermissionDenied
    if not pairing.is_active:
        raise ValidationError(_("This pairing has ended: it can no longer be changed."))
    partners = _lock_partners(partners)
    _check(
        scope=scope,
        plan_year=plan_year,
        kind=kind,
        lead=lead,
        partners=partners,
        pairing=pairing,
    )
    first = pairing.activities.order_by("held_on").values_list("held_on", flat=True).first()
    if first is not None and starts_on > first:
        raise ValidationError(
            {
                "starts_on": _(
                    "The pairing's first activity was on %(day)s: the start cannot be later."
                )
                % {"day": first.isoformat()}
            }
        )
    pairing.plan_year, pairing.kind, pairing.lead = plan_year, kind, lead
    pairing.starts_on, pairing.goals = starts_on, goals
    pairing.county_id, pairing.township_id = place_of(partners)
    _save(pairing, user=user)
    _set_partners(pairing, partners, user=user)
    return pairing


@transaction.atomic
def pairing_end(
    *, pairing: Pairing, user: User, ends_on: datetime.date, closing_summary: str
) -> Pairing:
    """End an active pairing with its end date and closing summary."""
    scope = scope_for(user)
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if not may_write_pairing(pairing, scope):
        raise PermissionDenied
    if not pairing.is_active:
        raise ValidationError(_("This pairing has already ended."))
    problems = {}
    if ends_on < pairing.starts_on:
        problems["ends_on"] = _("The end date lies before the pairing's start (%(day)s).") % {
            "day": pairing.starts_on.isoformat()
        }
    elif ends_on > timezone.localdate():
        problems["ends_on"] = _("The end date lies in the future: end a pairing once it is over.")
    last = pairing.activities.order_by("-held_on").values_list("held_on", flat=True).first()
    if last is not None and ends_on < last and "ends_on" not in problems:
        problems["ends_on"] = _(
            "The pairing's last activity was on %(day)s: it cannot end before that."
        ) % {"day": last.isoformat()}
    if not closing_summary.strip():
        problems["closing_summary"] = _("Write a closing summary: what the pairing achieved.")
    if problems:
        raise ValidationError(problems)
    pairing.status = Pairing.Status.ENDED
    pairing.ends_on = ends_on
    pairing.closing_summary = closing_summary.strip()
    _save(pairing, user=user)
    return pairing


def activity_date_problem(pairing: Pairing, held_on: datetime.date) -> str | None:
    if held_on < pairing.starts_on:
        return _("The activity's date lies before the pairing's start (%(day)s).") % {
            "day": pairing.starts_on.isoformat()
        }
    if held_on > timezone.localdate():
        return _("The activity's date lies in the future: record an activity once it was held.")
    if pairing.ends_on and held_on > pairing.ends_on:
        return _("The pairing ended on %(day)s: the activity's date lies after its end.") % {
            "day": pairing.ends_on.isoformat()
        }
    return None


def activity_attachments_add(
    *, activity: PairingActivity, files: Iterable[CheckedFile], user: User | None
) -> None:
    """Store checked files with the activity; photos get a thumbnail for the pairing page."""
    for checked in files:
        attachment = ActivityAttachment(
            activity=activity, uploaded_by=user, **checked.model_fields()
        )
        if checked.kind in PHOTO_KINDS:
            attachment.thumbnail = ContentFile(
                thumbnail_bytes(checked.content), name="thumbnail.jpg"
            )
        attachment._history_user = user
        attachment.save()


@transaction.atomic
def activity_record(
    *,
    pairing: Pairing,
    user: User,
    held_on: datetime.date,
    kind: str,
    participants: str,
    summary: str,
    files: Iterable[CheckedFile] = (),
) -> PairingActivity:
    """An activity held under a pairing of the writer's area, with its photos and files."""
    scope = scope_for(user)
    if not may_write_pairing(pairing, scope):
        raise PermissionDenied
    problem = activity_date_problem(pairing, held_on)
    if problem:
        raise ValidationError({"held_on": problem})
    activity = PairingActivity(
        pairing=pairing,
        held_on=held_on,
        kind=kind,
        participants=participants,
        summary=summary,
        recorded_by=user,
    )
    _save(activity, user=user)
    activity_attachments_add(activity=activity, files=files, user=user)
    return activity
