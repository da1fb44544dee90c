"""An import batch from upload to preview: the services the pages and the background jobs call.

`batch_create` keeps the upload and its preview (pilots/imports/plan.py builds it through the
batch's kind), or only the upload when a background task is to check it (`batch_preview`);
`batch_revalidate` checks a batch again, `batch_discard` drops a preview.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction

from pilots.imports.formats import SpreadsheetError
from pilots.imports.kinds import ENTERPRISES, KINDS, kind_of
from pilots.imports.messages import say
from pilots.imports.plan import Preview, Progress
from pilots.imports.read import Table, open_table
from pilots.imports.scope import batch_scope
from pilots.models import ImportBatch
from reform.messages import from_lazy, render
from reform.models import PlanYear, User
from reform.scopes import Scope


def _store_preview(batch: ImportBatch, preview: Preview) -> None:
    path = f"imports/plans/{batch.pk}.jsonl.gz"
    if default_storage.exists(path):
        default_storage.delete(path)
    with preview.finish() as plan:
        batch.plan.name = default_storage.save(path, File(plan))
    batch.header_row = preview.table.header_row
    batch.unrecognised = preview.table.unrecognised
    batch.file_format = preview.table.format
    batch.row_count = len(preview.table.rows)
    batch.rows_rejected = preview.rejected
    batch.error_count = len(preview.errors)
    batch.state_digest = preview.digest
    for name, value in preview.counts.items():
        setattr(batch, name, value)
    batch.link_counts = preview.link_counts


def read_upload(data: bytes, kind: str = ENTERPRISES) -> Table:
    return open_table(
        data,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_bytes=settings.IMPORT_MAX_BYTES,
        layout=KINDS[kind].layout,
    )


def _preview(batch: ImportBatch, table: Table, scope: Scope, progress: Progress | None = None):
    """The batch's kind checks and plans the rows."""
    build = kind_of(batch).build_preview
    return build(table, scope=scope, plan_year=batch.plan_year, progress=progress)


def batch_create(
    *,
    data: bytes,
    filename: str,
    user: User,
    scope: Scope,
    plan_year: PlanYear,
    background_rows: int | None = None,
    kind: str = ENTERPRISES,
) -> ImportBatch:
    """Keep the upload and its preview as a batch; a file that cannot be read is a failed one.

    With more rows than `background_rows`, the batch is kept as PREVIEWING, without a preview:
    batch_preview (run by a background task) checks it.
    """
    batch = ImportBatch(
        kind=kind,
        original_name=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        plan_year=plan_year,
        created_by=user,
        scope_county_id=scope.county_id,
        scope_township_id=scope.township_id,
    )
    try:
        table = read_upload(data, kind)
    except SpreadsheetError as exc:
        batch.status = ImportBatch.Status.FAILED
        batch.message = str(exc)
        batch.message_code = from_lazy(exc.message, exc.params)
        table = None
    batch.original.save(filename, ContentFile(data), save=False)
    batch.save()
    if table is None:
        return batch
    if table.missing_required:
        batch.status = ImportBatch.Status.FAILED
        batch.header_row = table.header_row
        batch.unrecognised = table.unrecognised
        batch.message_code = say(
            "columns_missing",
            columns="、".join(KINDS[kind].layout.headers[name] for name in table.missing_required),
        )
        batch.message = render(batch.message_code)
    elif not table.rows:
        batch.status = ImportBatch.Status.FAILED
        batch.header_row = table.header_row
        batch.message_code = say("no_rows", row=table.header_row)
        batch.message = render(batch.message_code)
    elif background_rows is not None and len(table.rows) > background_rows:
        batch.status = ImportBatch.Status.PREVIEWING
        batch.header_row = table.header_row
        batch.row_count = len(table.rows)
    else:
        try:
            preview = _preview(batch, table, scope)
        except SpreadsheetError as exc:  # the rows are streamed: damage below the header
            batch.status = ImportBatch.Status.FAILED
            batch.message = str(exc)
            batch.message_code = from_lazy(exc.message, exc.params)
        else:
            _store_preview(batch, preview)
    batch.save()
    return batch


def batch_preview(*, batch: ImportBatch, scope: Scope, progress: Progress | None = None) -> bool:
    """Check a PREVIEWING batch (a background task): its preview, then PREVIEWED. Safe to run
    again: the preview is written anew and the status changes only from PREVIEWING. False when
    the batch was no longer waiting for it (checked already, or discarded)."""
    batch.refresh_from_db()
    if batch.status != ImportBatch.Status.PREVIEWING:
        return False
    scope = batch_scope(batch, scope)
    with batch.original.open("rb") as handle:
        data = handle.read()
    preview = _preview(batch, read_upload(data, batch.kind), scope, progress)
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != ImportBatch.Status.PREVIEWING:
            return False
        _store_preview(current, preview)
        current.status = ImportBatch.Status.PREVIEWED
        current.save()
    return True


def batch_revalidate(*, batch: ImportBatch, scope: Scope) -> ImportBatch:
    """Check the batch again, inside its uploader's scope and `scope` (the user's who asks)."""
    scope = batch_scope(batch, scope)
    with batch.original.open("rb") as handle:
        data = handle.read()
    _store_preview(batch, _preview(batch, read_upload(data, batch.kind), scope))
    batch.save()
    return batch


def batch_discard(*, batch: ImportBatch) -> ImportBatch:
    """A preview dropped (or an upload whose background check failed, still "being checked")."""
    if batch.status in (ImportBatch.Status.PREVIEWED, ImportBatch.Status.PREVIEWING):
        batch.status = ImportBatch.Status.DISCARDED
        batch.save(update_fields=["status"])
    return batch
