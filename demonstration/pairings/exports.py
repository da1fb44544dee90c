"""The pairing list as .xlsx, through the project's one safe writer (pilots.writers)."""

from collections.abc import Iterable

from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from demonstration.models import Pairing
from demonstration.pairings import selectors
from demonstration.pairings.filtersets import PairingFilter
from demonstration.pairings.selectors import mix_label, mix_of
from demonstration.pairings.tables import PairingTable
from pilots import writers
from pilots.export_jobs import run_export
from pilots.exports import Column, counted, xlsx_bytes
from reform.scopes import Scope


def pairing_columns() -> list[Column]:
    return [
        Column(_("plan year"), lambda p: p.plan_year.year),
        Column(_("kind"), lambda p: str(p.get_kind_display())),
        Column(_("lead enterprise"), lambda p: p.lead.name),
        Column(_("lead's county-level unit"), lambda p: p.lead.county.name),
        Column(
            _("partner pilots"), lambda p: "、".join(x.enterprise.name for x in p.partners.all())
        ),
        Column(_("area"), lambda p: p.place_name),
        Column(_("start date"), lambda p: p.starts_on),
        Column(pgettext_lazy("pairing", "status"), lambda p: str(p.get_status_display())),
        Column(_("dormant"), lambda p: str(_("yes")) if p.is_dormant else ""),
        Column(_("end date"), lambda p: p.ends_on or ""),
        Column(_("last activity"), lambda p: p.last_activity or ""),
        Column(_("activities"), lambda p: p.activity_count),
        Column(_("ownership mix"), lambda p: mix_label(mix_of(p))),
        Column(_("goals"), lambda p: p.goals),
        Column(_("closing summary"), lambda p: p.closing_summary),
    ]


def _name() -> tuple[str, str, str]:
    title = str(Pairing._meta.verbose_name_plural)
    stem = f"{timezone.localdate():%Y%m%d}.xlsx"
    return title, f"{title}-{stem}", f"pairings-{stem}"


def pairing_export_bytes(pairings: Iterable[Pairing], *, progress=None, total: int = 0) -> bytes:
    title, _filename, _fallback = _name()
    return xlsx_bytes(counted(pairings, progress, total), pairing_columns(), title=title)


def pairing_export_response(pairings: Iterable[Pairing]) -> HttpResponse:
    _title, filename, fallback = _name()
    data = pairing_export_bytes(pairings)
    return writers.xlsx_response(data, filename=filename, fallback=fallback)


# Longer than EXPORT_BACKGROUND_ROWS (a pairing weighing EXPORT_WEIGHT rows): a background job.
EXPORT = "demonstration.pairings.exports.export_job"
EXPORT_WEIGHT = 5


def pairing_records(query: QueryDict, scope: Scope):
    """The pairing list's rows for these query parameters, in its order (same filterset and
    table as the page)."""
    filterset = PairingFilter(query, queryset=selectors.pairing_list(scope=scope), scope=scope)
    return PairingTable(filterset.qs, order_by=query.get("sort")).data.data


def export_job(job, progress) -> str:
    def file_of(records, fmt, progress, total):
        return pairing_export_bytes(records, progress=progress, total=total), _name()[1]

    return run_export(job, progress, records_of=pairing_records, file_of=file_of)
