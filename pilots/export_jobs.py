"""The enterprise and pilot list exports: the rows of the list page, at once or as a background job.

A list of more than EXPORT_BACKGROUND_ROWS rows is written by a background job (reform.jobs):
the user sees its page with the rows done and left, then downloads the file. The job keeps the
list's query string, the user and the language of the request; when it runs, it builds the list
again through the same scope, filterset and table as the page (`list_records`), so the file holds
what the page listed. It is a private job: it runs, and its file is handed out, only while the
user's role and region are the ones they had when they asked (reform.jobs.owner_scope_changed),
and only to that user.

The job writes nothing but its file, kept through the default storage (reform.jobs.job_file) and
marked done only once saved: a worker that dies half-way leaves no file to download, and running
the job again writes it anew.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from pilots import exports, selectors
from pilots.filtersets import EnterpriseFilterSet, PilotFilterSet
from pilots.tables import EnterpriseTable, PilotTable
from reform.jobs import job_file, job_start
from reform.models import Job, User
from reform.scopes import Scope, scope_for

EXPORT = "pilots.export_jobs.export"
KINDS = ("enterprises", "pilots")
FORMATS = ("xlsx", "csv")


def list_records(*, kind: str, query: QueryDict, scope: Scope) -> QuerySet:
    """The list page's rows for these query parameters, in the page's order: the same scope,
    filters and sort, through the same classes."""
    if kind == "enterprises":
        queryset, filterset_class, table_class = (
            selectors.enterprise_list(scope=scope),
            EnterpriseFilterSet,
            EnterpriseTable,
        )
    else:
        queryset, filterset_class, table_class = (
            selectors.pilot_list(scope=scope),
            PilotFilterSet,
            PilotTable,
        )
    filterset = filterset_class(query, queryset=queryset, scope=scope)
    # Like the page (FilterView's strict mode): a filter value outside the choices, such as
    # another county's id, lists nothing rather than being ignored.
    records = filterset.qs if filterset.is_valid() else queryset.none()
    return table_class(records, order_by=query.get("sort")).data.data


def runs_in_background(count: int, *, weight: int = 1) -> bool:
    """Whether an export of `count` rows is a background job. `weight`: how many list rows one
    of its rows costs to write (a pairing or a media report names its partners or pilots: 5)."""
    return count * weight > settings.EXPORT_BACKGROUND_ROWS


def start_export(
    *, user: User, kind: str, model, fmt: str, query: QueryDict, count: int, params: dict
) -> Job:
    """A private job `kind` (the dotted path of its function, which calls `run_export`) writing
    the list of `model` for these query parameters."""
    plural = model._meta.verbose_name_plural

    def title() -> str:
        return _("Exporting the list of %(records)s (%(count)d rows, %(format)s)") % {
            "records": plural,
            "count": count,
            "format": fmt,
        }

    return job_start(
        user=user,
        kind=kind,
        title=title,
        params={
            **params,
            "format": fmt,
            "query": query.urlencode(),
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
        subject=f"export:{model._meta.label_lower}",
        total=count,
        private=True,
    )


def run_export(job: Job, progress, *, records_of, file_of) -> str:
    """The work of an export job: `records_of(query, scope)` builds the list again with the
    user's scope now (reform.jobs checked it is the scope they asked with), `file_of(records,
    fmt, progress, total)` writes it and names it; the file is kept, its address returned."""
    fmt = job.params["format"]
    if fmt not in FORMATS:
        raise ValueError(f"not an export format: {fmt}")
    query = QueryDict(job.params["query"])
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        records = records_of(query, scope_for(job.user))
        total = records.count()
        progress(0, total, force=True)
        content, filename = file_of(records, fmt, progress, total)
        progress(total, total, force=True)
        return job_file(job, content, filename)


def job_if_long(
    request,
    records: QuerySet,
    *,
    kind: str,
    model,
    fmt: str = "xlsx",
    weight: int = 1,
    params: dict | None = None,
) -> HttpResponse | None:
    """The redirect to a new export job (its page shows the rows done and left, then the
    file) when the list is long enough to take seconds; None when it is sent at once."""
    count = records.count()
    if not runs_in_background(count, weight=weight):
        return None
    job = start_export(
        user=request.user,
        kind=kind,
        model=model,
        fmt=fmt,
        query=request.GET,
        count=count,
        params=params or {},
    )
    return redirect(job)


def export(job: Job, progress) -> str:
    kind = job.params["kind"]
    if kind not in KINDS:
        raise ValueError(f"not a list: {kind}")
    return run_export(
        job,
        progress,
        records_of=lambda query, scope: list_records(kind=kind, query=query, scope=scope),
        file_of=lambda records, fmt, progress, total: exports.export_file(
            records, kind=kind, fmt=fmt, progress=progress, total=total
        ),
    )
