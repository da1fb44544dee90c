"""Confirming an import batch: the writing half of the Excel import.

`batch_apply` applies exactly the previewed plan in one transaction, the batch's kind writing
the rows (the enterprise list's: pilots/imports/write.py), or raises StalePreview when the
records changed since the preview. The undo log is written as the apply goes (`UndoLog`) and
read back by pilots/imports/undo.py, which also uses the bulk writers kept here.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from collections.abc import Iterator

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pilots.imports.batches import batch_revalidate
from pilots.imports.kinds import kind_of
from pilots.imports.plan import (
    ENTERPRISE_FIELDS,
    PILOT_FIELDS,
    R_CHANGES,
    R_PILOT_CHANGES,
    Progress,
    dumps_line,
    iter_plan,
)
from pilots.imports.scope import batch_scope
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.models import User
from reform.scopes import Scope


class StalePreview(Exception):
    """The records changed since the preview; the batch now holds a fresh one."""


def _history(model, objects: list, *, kind: str, user: User | None, reason: str, when) -> None:
    """History rows in bulk (simple_history's own bulk helper cannot write deletions)."""
    historical = model.history.model
    tracked = [f.attname for f in historical.tracked_fields]
    rows = [
        historical(
            history_date=when,
            history_user=user,
            history_change_reason=reason,
            history_type=kind,
            **{name: getattr(obj, name) for name in tracked},
        )
        for obj in objects
    ]
    historical.objects.bulk_create(rows, batch_size=2000)


ENTERPRISE_UPDATE_FIELDS = [*ENTERPRISE_FIELDS, "version", "updated_at"]
PILOT_UPDATE_FIELDS = [*PILOT_FIELDS, "version", "updated_at"]


def _upsert_enterprises(objects: list[Enterprise]) -> None:
    Enterprise.objects.bulk_create(
        objects,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["credit_code"],
        update_fields=ENTERPRISE_UPDATE_FIELDS,
    )


def _upsert_pilots(objects: list[Pilot]) -> None:
    Pilot.objects.bulk_create(
        objects,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["enterprise", "plan_year"],
        update_fields=PILOT_UPDATE_FIELDS,
    )


def _undo_path(batch: ImportBatch) -> str:
    return f"imports/plans/{batch.pk}-undo.jsonl.gz"


class RowsChanged(Exception):
    """Raised by a kind's apply_rows: a record the plan touches changed since the preview, or
    a row now lies outside the scope; everything is rolled back and the preview made again."""


_Stale = RowsChanged


class NotPreviewed(Exception):
    """The batch was applied, discarded or failed meanwhile (a second click, another tab)."""


def batch_apply(
    *, batch: ImportBatch, user: User, scope: Scope, progress: Progress | None = None
) -> ImportBatch:
    """Apply exactly the previewed plan in one transaction, or raise StalePreview.

    When a matched record changed after the preview, the transaction is rolled back: the batch
    is validated again against the current data and the user confirms the new preview. The
    same happens when a row would write outside the uploader's scope or `scope` (the
    confirming user's): whoever checked the preview last, nothing is written outside both.
    """
    scope = batch_scope(batch, scope)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if batch.status != ImportBatch.Status.PREVIEWED:
                raise NotPreviewed(batch.status)
            now, undo = timezone.now(), UndoLog()
            kind_of(batch).apply_rows(batch, user, scope, progress, undo, now)
            undo.save(_undo_path(batch))
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = now
            batch.applied_by = user
            batch.message = ""
            batch.message_code = None
            batch.save()
    except _Stale:
        batch.refresh_from_db()
        batch_revalidate(batch=batch, scope=scope)
        raise StalePreview from None
    return batch


def iter_plan_rows(batch: ImportBatch, *, with_changes: bool = True) -> Iterator[list]:
    """The planned rows one by one, straight from the plan file."""
    for item in iter_plan(batch):
        if isinstance(item, list):
            if not with_changes:
                item[R_CHANGES] = item[R_PILOT_CHANGES] = None
            yield item


class UndoLog:
    """What undo needs, written as the apply goes: ids created, values found before."""

    # And "links:<field>" for each extension column (pilots.imports.columns) that wrote links.
    KEYS = ("enterprises_created", "enterprises_before", "pilots_created", "pilots_before")

    def __init__(self):
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed in save()
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="wb", compresslevel=1)

    def add(self, key: str, items: list) -> None:
        if items:
            self._gzip.write(dumps_line([key, items]) + b"\n")

    def save(self, path: str) -> None:
        self._gzip.close()
        self._file.seek(0)
        if default_storage.exists(path):
            default_storage.delete(path)
        with self._file:
            default_storage.save(path, File(self._file))


def read_undo(batch: ImportBatch) -> dict[str, list]:
    undo: dict[str, list] = {key: [] for key in UndoLog.KEYS}
    path = _undo_path(batch)
    with default_storage.open(path, "rb") as handle, gzip.GzipFile(fileobj=handle) as lines:
        for line in lines:
            key, items = json.loads(line)
            undo.setdefault(key, []).extend(items)
    return undo
