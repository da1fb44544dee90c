"""Long work in the background: start a task for a user, follow its progress, see its result.

A job is a row of reform.models.Job (who started it, rows done and in all, the result's address,
a message when it failed) and a task of the Django Tasks API (the backport django-tasks, with
its database backend: `manage.py db_worker` runs them). The progress is written to the database,
so any app server shows it; the page polls `job_status` (static/js/jobs.js).

    job = job_start(user=user, kind="pilots.imports.jobs.apply", title=..., params={...})

`kind` is the dotted path of a function `run(job, progress) -> result address`. It calls
`progress(done, total)` as it goes, and raises JobFailed with a message for the user when the
work cannot be done (nothing changed). The function must be safe to run again: a job whose worker
died (no progress for JOBS_STALE_MINUTES) is shown as failed, and the user may run it again.

Progress written inside a transaction (an import's apply is one) would stay invisible until the
commit: on PostgreSQL it is written through a second connection of its own, so the bar moves; on
SQLite (one writer at a time) the bar moves up to the transaction and jumps when it ends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from reform.messages import in_every_language, render
from reform.models import Job, User
from reform.scopes import Scope, scope_for

logger = logging.getLogger(__name__)
# The params key of a private job: the scope its user had when they started it.
OWNER_SCOPE = "owner_scope"
# At most one progress write in this many seconds (and always the last).
PROGRESS_EVERY = 0.5


class JobFailed(Exception):
    """The work cannot be done and nothing was changed; `words()` says why to the user."""

    def __init__(self, words: Callable[[], str]):
        super().__init__()
        self.words = words


def job_start(
    *,
    user: User,
    kind: str,
    title: Callable[[], str],
    params: dict,
    subject: str = "",
    total: int = 0,
    private: bool = False,
) -> Job:
    """Record the job and queue its task; the caller sends the user to its page. `title()`
    words the job's title (called in each of the site's languages).

    `private`: the file it makes holds what the user's scope shows (an export of a list), so
    only that user downloads it, and only while their scope is still the one it was made for
    (`owner_scope_changed`); not even an administrator reads it."""
    if private:
        params = {**params, OWNER_SCOPE: scope_key(scope_for(user))}
    job = Job.objects.create(
        user=user,
        kind=kind,
        title=in_every_language(title),
        params=params,
        subject=subject,
        total=total,
    )
    _enqueue(job)
    return job


def scope_key(scope: Scope) -> dict:
    """What a scope lets its user see, as the job keeps it: compared when the job runs and when
    its file is downloaded."""
    return {
        "role": scope.role,
        "county": scope.county_id,
        "township": scope.township_id,
        "admin": scope.is_admin,
    }


def owner_scope_changed(job: Job, user: User) -> bool:
    """A private job's user no longer sees what they saw when they started it (their role or
    region changed, or they were deactivated): its file must not be made or handed out."""
    if OWNER_SCOPE not in job.params:
        return False
    return not user.is_active or scope_key(scope_for(user)) != job.params[OWNER_SCOPE]


def may_download(job: Job, user: User) -> bool:
    """Who may download the file a job made: its user; for a job that is not private, an
    administrator too."""
    if job.user_id == user.pk:
        return True
    return OWNER_SCOPE not in job.params and scope_for(user).is_admin


def _enqueue(job: Job) -> None:
    job.attempts += 1
    job.status = Job.Status.QUEUED
    job.done = 0
    job.message = None
    job.result_url = ""
    job.save()
    result = run_job.enqueue(job.pk, job.attempts)
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(task_id=str(result.id)[:64])


def is_stale(job: Job) -> bool:
    """Running, but no progress for JOBS_STALE_MINUTES: its worker died."""
    limit = timezone.now() - timedelta(minutes=settings.JOBS_STALE_MINUTES)
    return job.status == Job.Status.RUNNING and job.updated_at < limit


def can_retry(job: Job) -> bool:
    return job.status == Job.Status.FAILED or is_stale(job)


def job_retry(job: Job) -> bool:
    """Run a failed (or dead) job again; False when it is not failed."""
    if not can_retry(job):
        return False
    _enqueue(job)
    return True


def job_state(job: Job) -> dict:
    """What the page shows, as the status endpoint sends it."""
    stale = is_stale(job)
    status = Job.Status.FAILED if stale else Job.Status(job.status)
    message = render(job.message)
    if stale:
        message = _(
            "The worker running this task stopped (no progress for %(minutes)d minutes). "
            "Nothing of it was saved. Run it again."
        ) % {"minutes": settings.JOBS_STALE_MINUTES}
    total = max(job.total, job.done)
    return {
        "status": status.value,
        "label": status.label,
        "done": job.done,
        "total": total,
        "left": total - job.done,
        "percent": round(100 * job.done / total) if total else 0,
        "result_url": job.result_url if status == Job.Status.DONE else "",
        "message": message,
        "retry": status == Job.Status.FAILED,
        "finished": status in (Job.Status.DONE, Job.Status.FAILED),
    }


class Progress:
    """progress(done, total=None): record how far the job got, where every server reads it."""

    def __init__(self, job: Job):
        self.job = job
        self.last = 0.0
        self._side = None

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY and done != self.job.total:
            return
        self.last = now
        self._write(self.job.done, self.job.total)

    def _write(self, done: int, total: int) -> None:
        if connection.in_atomic_block and connection.vendor == "postgresql":
            # Seen by the other servers while the transaction runs. A row this transaction
            # cannot share (not committed yet, or locked by it) is written the plain way.
            if self._side is None:
                self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = Job._meta.db_table
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET done = %s, total = %s, updated_at = %s WHERE id IN "  # noqa: S608 - a table name
                    f"(SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [done, total, timezone.now(), self.job.pk],
                )
                if cursor.rowcount:
                    return
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total, updated_at=timezone.now())

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_file(job: Job, content: bytes, filename: str) -> str:
    """Keep a file the job made where every app server reads it; the address of its download
    (for the job's function to return as its result)."""
    if job.result_file:
        job.result_file.delete(save=False)
    job.result_file.save(f"{job.pk}-{job.attempts}.bin", ContentFile(content), save=False)
    job.result_name = filename[:255]
    Job.objects.filter(pk=job.pk).update(
        result_file=job.result_file.name, result_name=job.result_name
    )
    return reverse("job_file", args=[job.pk])


@task()
def run_job(job_id: int, attempt: int) -> None:
    """The task the workers run: the job's function, its end recorded on the job."""
    job = Job.objects.filter(pk=job_id, attempts=attempt).select_related("user").first()
    if job is None or job.status == Job.Status.DONE:
        return  # run again after it finished, or superseded by a retry
    if owner_scope_changed(job, job.user):
        _finish(job, Job.Status.FAILED, message=in_every_language(_rights_changed))
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, updated_at=timezone.now())
    job.status = Job.Status.RUNNING
    progress = Progress(job)
    try:
        result_url = import_string(job.kind)(job, progress)
    except JobFailed as failed:
        _finish(job, Job.Status.FAILED, message=in_every_language(failed.words))
        return
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _finish(
            job,
            Job.Status.FAILED,
            message=in_every_language(
                lambda: _(
                    "The task stopped on an error; nothing of it was saved. Run it again, or "
                    "tell the site's administrator if it fails again."
                )
            ),
        )
        raise
    finally:
        progress.close()
    _finish(job, Job.Status.DONE, result_url=result_url or "")


def _rights_changed() -> str:
    return _(
        "Your role or region changed after you started this task, so it was not run: start it "
        "again from the page."
    )


def _finish(job: Job, status: str, *, message=None, result_url: str = "") -> None:
    fields = {"status": status, "message": message, "result_url": result_url}
    if status == Job.Status.DONE:
        fields["done"] = max(job.done, job.total)
        fields["total"] = fields["done"]
    Job.objects.filter(pk=job.pk, attempts=job.attempts).update(**fields, updated_at=timezone.now())
