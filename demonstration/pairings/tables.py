"""The pairing list as a sortable, paginated table (rows from pairings.selectors.pairing_list)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from demonstration.models import Pairing
from demonstration.pairings.selectors import is_across_groups, mix_label, mix_of

TEMPLATE = "partials/table.html"
OPTIONAL = {"th": {"class": "col-optional"}, "td": {"class": "col-optional"}}
NOWRAP = {"td": {"class": "nowrap"}}
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
# A row names at most this many partners; the pairing page has them all.
PARTNERS_SHOWN = 3


def partner_names(pilots) -> str:
    names = [pilot.enterprise.name for pilot in pilots]
    shown = "、".join(names[:PARTNERS_SHOWN])
    if len(names) > PARTNERS_SHOWN:
        shown += str(_(" and %(count)d more") % {"count": len(names) - PARTNERS_SHOWN})
    return shown or "—"


def status_badge(pairing: Pairing) -> str:
    badge = format_html(
        '<span class="badge pairing-{}">{}</span>', pairing.status, pairing.get_status_display()
    )
    if getattr(pairing, "is_dormant", False):
        badge += format_html(' <span class="badge pairing-dormant">{}</span>', _("dormant"))
    return badge


def mix_badge(pairing: Pairing) -> str:
    key = mix_of(pairing)
    css = "across" if is_across_groups(key) else "same"
    return format_html('<span class="badge mix-{}">{}</span>', css, mix_label(key))


class PairingTable(tables.Table):
    lead = tables.Column(
        verbose_name=_("lead enterprise"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=("lead__name",),
        attrs={"td": {"class": "name"}},
    )
    # The kind wraps and the partners keep a readable width: on a phone a nowrap kind once
    # squeezed the partners' names to two characters a line.
    kind = tables.Column(attrs={"td": {"class": "kind"}})
    partners = tables.Column(
        verbose_name=_("partner pilots"),
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "names"}},
    )
    place = tables.Column(
        verbose_name=_("area"),
        empty_values=(),
        order_by=("county__code", "township__code"),
        attrs={**NOWRAP, **OPTIONAL},
    )
    starts_on = tables.DateColumn(format="Y-m-d", attrs=NOWRAP)
    status = tables.Column(verbose_name=pgettext_lazy("pairing", "status"), attrs=NOWRAP)
    last_activity = tables.DateColumn(
        format="Y-m-d", verbose_name=_("last activity"), default="—", attrs=NOWRAP
    )
    activity_count = tables.Column(verbose_name=_("activities"), attrs={**NUM, **OPTIONAL})
    mix = tables.Column(
        verbose_name=_("ownership mix"), empty_values=(), orderable=False, attrs=OPTIONAL
    )

    class Meta:
        model = Pairing
        template_name = TEMPLATE
        fields = [
            "lead",
            "kind",
            "partners",
            "place",
            "starts_on",
            "status",
            "last_activity",
            "activity_count",
            "mix",
        ]
        empty_text = _("No pairings match.")
        attrs = {"class": "table list-table", "id": "pairing-table"}

    def render_lead(self, record: Pairing):
        return record.lead.name

    def render_partners(self, record: Pairing):
        return partner_names(record.partners.all())

    def render_place(self, record: Pairing):
        return record.place_name

    def render_status(self, record: Pairing):
        return status_badge(record)

    def render_mix(self, record: Pairing):
        return mix_badge(record)
