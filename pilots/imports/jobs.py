"""The import's long work as background jobs (reform.jobs): preview, confirm and undo of more
than IMPORT_BACKGROUND_ROWS rows.

Each function is safe to run again (a retry, or a worker that died): the preview is written anew
and only a PREVIEWING batch becomes PREVIEWED; apply and undo run in one transaction each, so a
worker killed half-way leaves nothing written, and a batch already applied (or undone) by an
earlier run is simply the result. Each returns the batch's address.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from pilots.imports import apply, batches, undo
from pilots.models import ImportBatch
from reform.jobs import JobFailed, job_start, job_state
from reform.models import Job, User
from reform.scopes import scope_for

PREVIEW = "pilots.imports.jobs.preview"
APPLY = "pilots.imports.jobs.confirm"
UNDO = "pilots.imports.jobs.undo_batch"


def runs_in_background(batch: ImportBatch) -> bool:
    return batch.row_count > settings.IMPORT_BACKGROUND_ROWS


def subject(batch: ImportBatch) -> str:
    return f"importbatch:{batch.pk}"


def batch_job(batch: ImportBatch) -> Job | None:
    """The batch's latest background job, if it had one."""
    return Job.objects.filter(subject=subject(batch)).order_by("-pk").first()


def preview_failed(batch: ImportBatch) -> bool:
    """The batch is still "being checked" but its background check failed (a file that
    cannot be read, a worker that died): the user may try again or discard it."""
    if batch.status != ImportBatch.Status.PREVIEWING:
        return False
    job = batch_job(batch)
    return job is not None and job_state(job)["status"] == Job.Status.FAILED


def _title(kind: str, batch: ImportBatch):
    file = batch.original_name

    def words() -> str:
        if kind == PREVIEW:
            return _("Checking %(file)s") % {"file": file}
        if kind == APPLY:
            return _("Saving %(file)s") % {"file": file}
        return _("Undoing import of %(file)s") % {"file": file}

    return words


def start(kind: str, batch: ImportBatch, user: User) -> Job:
    return job_start(
        user=user,
        kind=kind,
        title=_title(kind, batch),
        params={"batch": batch.pk},
        subject=subject(batch),
        total=batch.row_count,
    )


def _batch(job: Job) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=job.params["batch"]).first()
    if batch is None:
        raise JobFailed(lambda: _("The import was deleted meanwhile; nothing was changed."))
    return batch


def _original_gone() -> str:
    return _(
        "The uploaded file of this import is no longer in the site's file store (it was removed "
        "outside the site). Nothing was changed. Upload the file again."
    )


def _plan_gone() -> str:
    return _(
        "The preview of this upload is no longer in the site's file store (it was removed "
        "outside the site), so it cannot be saved. Nothing was changed. Upload the file again "
        "for a new preview."
    )


def preview(job: Job, progress) -> str:
    batch = _batch(job)
    try:
        batches.batch_preview(batch=batch, scope=scope_for(job.user), progress=progress)
    except FileNotFoundError:
        raise JobFailed(_original_gone) from None
    return batch.get_absolute_url()


def confirm(job: Job, progress) -> str:
    batch = _batch(job)
    try:
        apply.batch_apply(batch=batch, user=job.user, scope=scope_for(job.user), progress=progress)
    except apply.NotPreviewed:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.APPLIED:
            return batch.get_absolute_url()  # an earlier run saved it
        raise JobFailed(lambda: _("This import is no longer waiting for confirmation.")) from None
    except FileNotFoundError:
        raise JobFailed(_plan_gone) from None
    except apply.StalePreview:
        raise JobFailed(
            lambda: _(
                "Some of these records were changed by someone else after your upload. The "
                "preview was checked again against the current data: review it and confirm "
                "again. Nothing was changed."
            )
        ) from None
    return batch.get_absolute_url()


def undo_batch(job: Job, progress) -> str:
    batch = _batch(job)
    try:
        undo.batch_undo(batch=batch, user=job.user, progress=progress)
    except undo.CannotUndo as refused:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.UNDONE:
            return batch.get_absolute_url()  # an earlier run undid it
        raise JobFailed(refused.words) from None
    return batch.get_absolute_url()
