"""Writes of cases, media reports and columns: keyword-only, checked against the user's scope.

Every write is all or nothing, saved through the models so that django-simple-history records
who changed what (the links to pilots, dimensions and cases, and the attachments, have their
own history). A case's moves come from `promotion.models.CASE_TRANSITIONS` only.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from pilots.models import Pilot
from pilots.services import StaleEditError
from promotion.models import (
    Case,
    CaseAttachment,
    CaseDimension,
    CaseMove,
    CasePilot,
    MediaReport,
    Programme,
    ReportCase,
    ReportPilot,
    acts_as,
    case_may_edit,
    case_transition,
)
from reform.files import PHOTO_KINDS, CheckedFile, thumbnail_bytes
from reform.models import Dimension, PlanYear, User
from reform.scopes import Scope, scope_for

__all__ = ["StaleEditError"]


def _save(record: models.Model, *, user: User | None, reason: str | None = None) -> None:
    record._history_user = user  # simple_history: who, also outside a request
    if reason:
        record._change_reason = reason
    record.full_clean()
    record.save()


def place_of(pilots: Iterable[Pilot]) -> tuple[int | None, int | None]:
    """The narrowest region holding every pilot: (county id, township id); (None, None) when
    they lie in more than one county-level unit."""
    pilots = list(pilots)
    counties = {pilot.enterprise.county_id for pilot in pilots}
    if len(counties) != 1:
        return None, None
    townships = {pilot.enterprise.township_id for pilot in pilots}
    return counties.pop(), townships.pop() if len(townships) == 1 else None


def _require_pilots_in_scope(pilots: Sequence[Pilot], scope: Scope, *, field: str) -> None:
    outside = [
        p
        for p in pilots
        if not scope.allows_write(
            county_id=p.enterprise.county_id, township_id=p.enterprise.township_id
        )
    ]
    if outside:
        raise ValidationError(
            {
                field: _("These pilots lie outside your area: %(names)s. Nothing was saved.")
                % {"names": "、".join(p.enterprise.name for p in outside)}
            }
        )


def _set_links(
    model: type[models.Model],
    *,
    parent: str,
    record,
    key: str,
    wanted: Iterable,
    user,
    reason: str | None = None,
) -> None:
    """Make the record's links (rows of `model`) exactly `wanted`, each change in the history."""
    wanted = list(dict.fromkeys(wanted))
    current = {getattr(link, key): link for link in model.objects.filter(**{parent: record})}
    for value, link in current.items():
        if value not in wanted:
            link._history_user = user
            if reason:
                link._change_reason = reason
            link.delete()
    new = [model(**{parent: record, key: value}) for value in wanted if value not in current]
    if new:
        bulk_create_with_history(new, model, default_user=user, default_change_reason=reason)


# Cases ----------------------------------------------------------------------------------------


def _check_case(
    *, scope: Scope, plan_year: PlanYear, pilots: Sequence[Pilot], dimensions: Sequence[str]
) -> None:
    if not pilots:
        raise ValidationError({"pilots": _("Choose the pilot (or pilots) the case is about.")})
    _require_pilots_in_scope(pilots, scope, field="pilots")
    other_year = [p for p in pilots if p.plan_year_id != plan_year.pk]
    if other_year:
        raise ValidationError(
            {
                "pilots": _("These pilots are not pilots of %(year)s: %(names)s.")
                % {
                    "year": plan_year.year,
                    "names": "、".join(p.enterprise.name for p in other_year),
                }
            }
        )
    if not dimensions or any(d not in Dimension.values for d in dimensions):
        raise ValidationError({"dimensions": _("Choose at least one of the four dimensions.")})


def case_attachments_add(*, case: Case, files: Iterable[CheckedFile], user: User | None) -> None:
    """Store checked files with the case; photos get a thumbnail for lists and cards."""
    for checked in files:
        attachment = CaseAttachment(case=case, uploaded_by=user, **checked.model_fields())
        if checked.kind in PHOTO_KINDS:
            attachment.thumbnail = ContentFile(
                thumbnail_bytes(checked.content), name="thumbnail.jpg"
            )
        attachment._history_user = user
        attachment.save()


@transaction.atomic
def case_create(
    *,
    user: User,
    title: str,
    plan_year: PlanYear,
    pilots: Sequence[Pilot],
    dimensions: Sequence[str],
    summary: str,
    text: str,
    files: Iterable[CheckedFile] = (),
) -> Case:
    """A new draft about pilots of the writer's area. ValidationError names what is wrong."""
    scope = scope_for(user)
    if not scope.can_write:
        raise PermissionDenied
    pilots = list(pilots)
    _check_case(scope=scope, plan_year=plan_year, pilots=pilots, dimensions=dimensions)
    county_id, township_id = place_of(pilots)
    case = Case(
        title=title,
        plan_year=plan_year,
        summary=summary,
        text=text,
        author=user,
        county_id=county_id,
        township_id=township_id,
    )
    _save(case, user=user)
    _set_links(
        CasePilot,
        parent="case",
        record=case,
        key="pilot_id",
        wanted=[p.pk for p in pilots],
        user=user,
    )
    _set_links(
        CaseDimension, parent="case", record=case, key="dimension", wanted=dimensions, user=user
    )
    case_attachments_add(case=case, files=files, user=user)
    return case


def _locked_for_edit(case: Case, *, user: User, version: int) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    scope = scope_for(user)
    if not case_may_edit(locked, scope):
        if not locked.in_scope(scope) or not scope.can_write:
            raise PermissionDenied
        raise ValidationError(
            _(
                "This case is %(status)s: only city union staff can change it now. Nothing was "
                "saved. Ask them to return it to you if it needs changes."
            )
            % {"status": locked.get_status_display()}
        )
    if locked.version != version:
        raise StaleEditError(locked)
    return locked


@transaction.atomic
def case_update(
    *,
    case: Case,
    user: User,
    version: int,
    title: str,
    plan_year: PlanYear,
    pilots: Sequence[Pilot],
    dimensions: Sequence[str],
    summary: str,
    text: str,
    files: Iterable[CheckedFile] = (),
    remove: Iterable[CaseAttachment] = (),
) -> Case:
    """Change a case its state lets the user change (a draft: its writers; later: the city)."""
    locked = _locked_for_edit(case, user=user, version=version)
    pilots = list(pilots)
    _check_case(scope=scope_for(user), plan_year=plan_year, pilots=pilots, dimensions=dimensions)
    locked.county_id, locked.township_id = place_of(pilots)
    locked.title, locked.plan_year, locked.summary, locked.text = title, plan_year, summary, text
    locked.version = version + 1
    _save(locked, user=user)
    _set_links(
        CasePilot,
        parent="case",
        record=locked,
        key="pilot_id",
        wanted=[p.pk for p in pilots],
        user=user,
    )
    _set_links(
        CaseDimension, parent="case", record=locked, key="dimension", wanted=dimensions, user=user
    )
    for attachment in CaseAttachment.objects.filter(case=locked, pk__in=[a.pk for a in remove]):
        # The row goes; the stored file stays, so the history can still name it.
        attachment._history_user = user
        attachment.delete()
    case_attachments_add(case=locked, files=files, user=user)
    return locked


@transaction.atomic
def case_move(*, case: Case, move: str, user: User, comment: str = "") -> Case:
    """Move a case along CASE_TRANSITIONS. PermissionDenied when the user may not make the move;
    ValidationError when the case is not in a state that allows it, or a comment is missing."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    transition = case_transition(locked, move)
    if transition is None:
        raise ValidationError(
            _("This case is %(status)s now: that step is not possible. Nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    scope = scope_for(user)
    if not acts_as(scope, transition.actor, locked):
        raise PermissionDenied
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError(
            _("Say what should be changed: the writers read this comment. Nothing was changed.")
        )
    now = timezone.now()
    locked.status = transition.target
    if move == CaseMove.SUBMIT:
        locked.submitted_at = now
        locked.return_comment = ""  # answered by the resubmission; the history keeps it
    elif move == CaseMove.RETURN:
        locked.return_comment, locked.returned_by, locked.returned_at = comment, user, now
        locked.selected_at = locked.published_at = None
    elif move == CaseMove.SELECT:
        locked.selected_at = now
    elif move == CaseMove.PUBLISH:
        locked.published_at = now
    elif move == CaseMove.UNPUBLISH:
        locked.published_at = None
    locked.version += 1
    _save(locked, user=user, reason=f"case:{move}")
    return locked


# Media reports --------------------------------------------------------------------------------


def _report_place(
    *, scope: Scope, pilots: Sequence[Pilot], cases: Sequence[Case]
) -> tuple[int | None, int | None]:
    _require_pilots_in_scope(pilots, scope, field="pilots")
    outside = [case for case in cases if not case.in_scope(scope) or not scope.can_write]
    if outside:
        raise ValidationError(
            {
                "cases": _("These cases lie outside your area: %(titles)s. Nothing was saved.")
                % {"titles": "、".join(case.title for case in outside)}
            }
        )
    covered = list(pilots) + list(
        Pilot.objects.filter(case_links__case__in=[c.pk for c in cases]).select_related(
            "enterprise"
        )
    )
    if covered:
        return place_of(covered)
    # About no pilot in particular: the recorder's own area (the whole city for city staff).
    return scope.county_id, scope.township_id


REPORT_FIELDS = (
    "title",
    "outlet",
    "outlet_kind",
    "level",
    "form",
    "published_on",
    "link",
    "programme",
)


@transaction.atomic
def report_create(
    *, user: User, fields: dict, pilots: Sequence[Pilot] = (), cases: Sequence[Case] = ()
) -> MediaReport:
    scope = scope_for(user)
    if not scope.can_write:
        raise PermissionDenied
    report = MediaReport(recorded_by=user)
    report_write(report, scope=scope, user=user, fields=fields, pilots=pilots, cases=cases)
    return report


def report_write(
    report: MediaReport,
    *,
    scope: Scope,
    user: User | None,
    fields: dict,
    pilots: Sequence[Pilot] = (),
    cases: Sequence[Case] = (),
    reason: str | None = None,
    place: tuple[int | None, int | None] | None = None,
) -> None:
    """Save a new or locked report with these fields and links, placed by its pilots inside
    `scope` (the form's and the Excel import's one way to write a report; history tagged with
    `reason`); `place` (county id, township id): put back where it was (an import's undo), no
    scope check. Call inside a transaction."""
    if place is None:
        place = _report_place(scope=scope, pilots=pilots, cases=cases)
    report.county_id, report.township_id = place
    for name in REPORT_FIELDS:
        setattr(report, name, fields[name])
    _save(report, user=user, reason=reason)
    _set_report_links(report, pilots=pilots, cases=cases, user=user, reason=reason)


@transaction.atomic
def report_update(
    *,
    report: MediaReport,
    user: User,
    version: int,
    fields: dict,
    pilots: Sequence[Pilot] = (),
    cases: Sequence[Case] = (),
) -> MediaReport:
    locked = MediaReport.objects.select_for_update().get(pk=report.pk)
    scope = scope_for(user)
    if not scope.allows_write(county_id=locked.county_id, township_id=locked.township_id):
        raise PermissionDenied
    if locked.version != version:
        raise StaleEditError(locked)
    locked.version = version + 1
    report_write(locked, scope=scope, user=user, fields=fields, pilots=pilots, cases=cases)
    return locked


def _set_report_links(report: MediaReport, *, pilots, cases, user, reason=None) -> None:
    for model, key, wanted in (
        (ReportPilot, "pilot_id", [p.pk for p in pilots]),
        (ReportCase, "case_id", [c.pk for c in cases]),
    ):
        _set_links(
            model, parent="report", record=report, key=key, wanted=wanted, user=user, reason=reason
        )


def report_delete(*, report: MediaReport, user: User | None, reason: str) -> None:
    """Delete a report with its links, each deletion in the history (an import's undo)."""
    _set_report_links(report, pilots=(), cases=(), user=user, reason=reason)
    report._history_user = user
    report._change_reason = reason
    report.delete()


# Columns and programmes -----------------------------------------------------------------------

PROGRAMME_FIELDS = ("name", "kind", "outlet", "starts_on", "ends_on")


@transaction.atomic
def programme_create(*, user: User, fields: dict) -> Programme:
    """A column or programme, kept by the recorder's county-level unit (city staff: the city)."""
    scope = scope_for(user)
    if not scope.allows_county_write(county_id=scope.county_id):
        raise PermissionDenied
    programme = Programme(
        **{name: fields[name] for name in PROGRAMME_FIELDS},
        county_id=scope.county_id,
        created_by=user,
    )
    _save(programme, user=user)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, user: User, fields: dict) -> Programme:
    if not scope_for(user).allows_county_write(county_id=programme.county_id):
        raise PermissionDenied
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    for name in PROGRAMME_FIELDS:
        setattr(locked, name, fields[name])
    _save(locked, user=user)
    return locked
