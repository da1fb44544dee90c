"""The page of a background job, the status it polls, and running a failed job again.

Only the user who started a job (or an administrator) sees it; to anyone else it does not exist.
The file of a private job (an export of a list, reform.jobs) goes to its user only, and only while
their role and region are still the ones it was made for.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from reform.jobs import job_retry, job_state, may_download, owner_scope_changed
from reform.models import Job
from reform.scopes import scope_for
from reform.storage import open_stored


def _file_withheld() -> str:
    return _(
        "Your role or region changed after this file was made, so it is no longer handed out. "
        "Export the list again."
    )


def _state(job: Job, viewer) -> dict:
    """The job's state, without the link to its file for a viewer who may not download it (an
    administrator, for a private job) or when its user's rights changed since."""
    state = job_state(job)
    if state["result_url"] and job.result_file:
        if not may_download(job, viewer):
            state["result_url"] = ""
        elif owner_scope_changed(job, viewer):
            state.update(result_url="", message=_file_withheld())
    return state


def _job(request, pk: int) -> Job:
    job = Job.objects.filter(pk=pk).first()
    if job is None or not (job.user_id == request.user.pk or scope_for(request.user).is_admin):
        raise Http404
    return job


@login_required
@require_GET
def job_detail(request, pk: int):
    job = _job(request, pk)
    state = _state(job, request.user)
    return render(request, "reform/job_detail.html", {"job": job, "state": state})


@never_cache
@login_required
@require_GET
def job_status(request, pk: int):
    job = _job(request, pk)
    return JsonResponse(_state(job, request.user))


@login_required
@require_POST
def job_retry_view(request, pk: int):
    job = _job(request, pk)
    if job_retry(job):
        messages.info(request, _("The task was started again."))
    else:
        messages.error(request, _("This task has not failed; it was not started again."))
    return redirect(job)


@login_required
@require_GET
def job_file_view(request, pk: int):
    """The file a finished job made (a document, an export)."""
    job = _job(request, pk)
    if job.status != Job.Status.DONE or not job.result_file or not may_download(job, request.user):
        raise Http404
    if owner_scope_changed(job, request.user):
        messages.error(request, _file_withheld())
        return redirect(job)
    stored = open_stored(job.result_file, label=job.result_name, back_url=job.get_absolute_url())
    return FileResponse(stored, as_attachment=True, filename=job.result_name)
