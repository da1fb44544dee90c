"""The media report list as .xlsx, through the project's one safe writer (pilots.writers)."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots import writers
from pilots.exports import Column, xlsx_bytes
from promotion.models import MediaReport, case_may_read
from reform.scopes import Scope


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


def report_export_response(reports: Iterable[MediaReport], *, scope: Scope) -> HttpResponse:
    title = str(MediaReport._meta.verbose_name_plural)
    data = xlsx_bytes(reports, report_columns(scope), title=title)
    stem = f"{timezone.localdate():%Y%m%d}.xlsx"
    # 宣传报道-20261129.xlsx in Chinese, media-reports-20261129.xlsx for old clients.
    return writers.xlsx_response(data, filename=f"{title}-{stem}", fallback=f"media-reports-{stem}")
