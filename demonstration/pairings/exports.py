"""The pairing list as .xlsx, through the project's one safe writer (pilots.writers)."""

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from demonstration.models import Pairing
from demonstration.pairings.selectors import mix_label, mix_of
from pilots import writers
from pilots.exports import Column, xlsx_bytes


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


def pairing_export_response(pairings: Iterable[Pairing]) -> HttpResponse:
    title = str(Pairing._meta.verbose_name_plural)
    data = xlsx_bytes(pairings, pairing_columns(), title=title)
    stem = f"{timezone.localdate():%Y%m%d}.xlsx"
    return writers.xlsx_response(data, filename=f"{title}-{stem}", fallback=f"pairings-{stem}")
