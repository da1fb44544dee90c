"""Undoing an applied import batch: every record it touched put back as it was, in one
transaction, if none of them changed since (the undo log is written by pilots.imports.apply)."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.db import transaction
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.imports.apply import _history, _upsert_enterprises, _upsert_pilots, read_undo
from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.kinds import kind_of
from pilots.imports.plan import (
    ENTERPRISE_COLUMNS,
    ENTERPRISE_VALUES,
    PILOT_COLUMNS,
    PILOT_VALUES,
    Progress,
    chunks,
)
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.models import User


class CannotUndo(Exception):
    """Why an undo is refused: `words()` says it in the active language (str() too), so a
    refusal met by the background worker is shown in each reader's language."""

    def __init__(self, words: Callable[[], str]):
        super().__init__()
        self.words = words

    def __str__(self) -> str:
        return str(self.words())


def batch_changed_since(batch: ImportBatch, undo: dict) -> int:
    """How many of the batch's records were changed by anything else since it was applied."""
    enterprise_ids = set(undo["enterprises_created"]) | {v[0] for v in undo["enterprises_before"]}
    pilot_ids = set(undo["pilots_created"]) | {v[0] for v in undo["pilots_before"]}
    changed = 0
    for model, ids in ((Enterprise, enterprise_ids), (Pilot, pilot_ids)):
        # One query: every history row written since, by anything but this batch.
        later = (
            model.history.model.objects.filter(history_date__gte=batch.applied_at)
            .exclude(history_change_reason=batch.change_reason)
            .values_list("id", flat=True)
        )
        changed += len(ids & set(later))
    return changed


def batch_undo(*, batch: ImportBatch, user: User, progress: Progress | None = None) -> ImportBatch:
    """Put every record the batch touched back as it was, if none changed since."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.APPLIED:
            raise CannotUndo(lambda: _("Only an applied import can be undone."))
        try:
            undo = read_undo(batch)
        except FileNotFoundError:
            raise CannotUndo(
                lambda: _(
                    "The record of what this import changed is no longer in the site's file "
                    "store (it was removed outside the site), so it cannot be undone. Nothing "
                    "was changed."
                )
            ) from None
        kind = kind_of(batch)
        changed = kind.changed_since(batch, undo)
        if changed:
            raise CannotUndo(
                lambda: (
                    _(
                        "%(count)d of the records this import wrote have been changed since; "
                        "it can no longer be undone."
                    )
                    % {"count": changed}
                )
            )
        now = timezone.now()
        kind.undo_rows(batch, undo, user, f"undo:{batch.pk}", now, progress)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = now
        batch.undone_by = user
        batch.save(update_fields=["status", "undone_at", "undone_by"])
    return batch


def undo_enterprise_rows(
    batch: ImportBatch, undo: dict, user: User, reason: str, now, progress: Progress | None
) -> None:
    """The enterprise list: links, pilots and enterprises put back, in that order."""
    for name, extension in COLUMN_EXTENSIONS.items():
        # First: a created enterprise with a link would otherwise count as used elsewhere.
        items = undo.get(f"links:{name}")
        if items:
            extension.undo(batch, items, user)
    steps = [
        (_delete_with_history, Pilot, (), undo["pilots_created"]),
        (_restore, Pilot, (PILOT_COLUMNS, PILOT_VALUES), undo["pilots_before"]),
        (_delete_with_history, Enterprise, (), undo["enterprises_created"]),
        (
            _restore,
            Enterprise,
            (ENTERPRISE_COLUMNS, ENTERPRISE_VALUES),
            undo["enterprises_before"],
        ),
    ]
    total, done = sum(len(items) for *_, items in steps), 0
    for step, model, columns, items in steps:
        if progress is not None:
            progress(done, total)
        step(model, *columns, items, user, reason, now)
        done += len(items)


def _delete_with_history(model, ids: list[int], user, reason: str, now) -> None:
    """Delete the records a batch created; simple_history writes their "-" rows."""
    for chunk in chunks(ids):
        objects = list(model.objects.filter(pk__in=chunk))
        for obj in objects:
            # Read by simple_history's post_delete handler for the deletion's history row.
            obj._change_reason = reason
            obj._history_user = user
            obj._history_date = now
        collector = Collector(using=model.objects.db, origin=model)
        used_elsewhere = CannotUndo(
            lambda: _(
                "Records this import created are now used elsewhere (for example by a pilot "
                "of another plan year, a plan or a cluster); it can no longer be undone."
            )
        )
        try:
            collector.collect(objects)
        except ProtectedError as exc:
            raise used_elsewhere from exc
        # Whatever would go with them (a plan, a cluster membership) was added since: refuse
        # rather than delete someone else's work.
        if set(collector.data) - {model} or any(qs.exists() for qs in collector.fast_deletes):
            raise used_elsewhere
        collector.delete()


def _restore(model, columns, values, rows: list[list], user, reason: str, now) -> None:
    """Write the values a batch found back over the records it updated."""
    if not rows:
        return
    current = {}
    for chunk in chunks([row[0] for row in rows]):
        current.update({obj.pk: obj for obj in model.objects.filter(pk__in=chunk)})
    objects = []
    for row in rows:
        obj = current[row[0]]
        for name, value in zip(columns[values], row[values], strict=True):
            setattr(obj, name, value)
        obj.version += 1
        obj.updated_at = now
        objects.append(obj)
    # Copies without a primary key, so the upsert matches them by their unique fields.
    copies = [copy.copy(obj) for obj in objects]
    for obj in copies:
        obj.pk = None
    if model is Enterprise:
        _upsert_enterprises(copies)
    else:
        _upsert_pilots(copies)
    _history(model, objects, kind="~", user=user, reason=reason, when=now)
