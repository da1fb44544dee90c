"""The media report list as .xlsx, through the project's one safe writer (pilots.writers)."""

from collections.abc import Iterable

from django.db.models import Prefetch
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots import writers
from pilots.export_jobs import run_export
from pilots.exports import Column, counted, xlsx_bytes
from promotion.models import MediaReport, case_may_read
from reform.scopes import Scope, scope_for


def report_columns(scope: Scope) -> list[Column]:
    def cases(report: MediaReport) -> str:
        # Only the cases this user may open are named (drafts of other areas are not).
        return "、".join(c.title for c in report.cases.all() if case_may_read(c, scope))

    return [
        Column(_("date"), lambda r: r.published_on),
        Column(_("title"), lambda r: r.title),
        Column(_("outlet"), lambda r: r.outlet),
        Column(_("outlet kind"), lambda r: r.get_outlet_kind_display()),
        Column(_("level"), lambda r: r.get_level_display()),
        Column(_("form"), lambda r: r.get_form_display()),
        Column(_("column or programme"), lambda r: r.programme.name if r.programme else ""),
        Column(_("link"), lambda r: r.link),
        Column(_("pilots covered"), lambda r: "、".join(p.enterprise.name for p in r.pilots.all())),
        Column(_("cases covered"), cases),
        Column(_("area"), lambda r: r.place_name),
        Column(
            _("recorded by"),
            lambda r: (
                (r.recorded_by.get_full_name() or r.recorded_by.username) if r.recorded_by else ""
            ),
        ),
    ]


def _names() -> tuple[str, str, str]:
    title = str(MediaReport._meta.verbose_name_plural)
    stem = f"{timezone.localdate():%Y%m%d}.xlsx"
    # 宣传报道-20261129.xlsx in Chinese, media-reports-20261129.xlsx for old clients.
    return title, f"{title}-{stem}", f"media-reports-{stem}"


def report_export_bytes(
    reports: Iterable[MediaReport], *, scope: Scope, progress=None, total: int = 0
) -> bytes:
    title = _names()[0]
    return xlsx_bytes(counted(reports, progress, total), report_columns(scope), title=title)


def report_export_response(reports: Iterable[MediaReport], *, scope: Scope) -> HttpResponse:
    _title, filename, fallback = _names()
    data = report_export_bytes(reports, scope=scope)
    return writers.xlsx_response(data, filename=filename, fallback=fallback)


# Longer than EXPORT_BACKGROUND_ROWS (a report weighing EXPORT_WEIGHT rows): a background job.
EXPORT = "promotion.exports.export_job"
EXPORT_WEIGHT = 5


def report_records(query: QueryDict, scope: Scope):
    """The report list's rows for these query parameters, in its order (same filterset and
    table as the page)."""
    from promotion import selectors
    from promotion.filtersets import ReportFilter
    from promotion.models import Case
    from promotion.tables import ReportTable

    reports = selectors.report_list(scope=scope).prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("title", "status", "county", "township"))
    )
    filterset = ReportFilter(query, queryset=reports)
    return ReportTable(filterset.qs, order_by=query.get("sort")).data.data


def export_job(job, progress) -> str:
    def file_of(records, fmt, progress, total):
        scope = scope_for(job.user)
        data = report_export_bytes(records, scope=scope, progress=progress, total=total)
        return data, _names()[1]

    return run_export(job, progress, records_of=report_records, file_of=file_of)
