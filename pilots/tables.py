"""The enterprise and pilot lists as sortable, paginated tables."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pilots.models import Enterprise, Pilot

TEMPLATE = "partials/table.html"
# Columns a phone leaves out (site.css); the detail page has them all.
OPTIONAL = {"th": {"class": "col-optional"}, "td": {"class": "col-optional"}}
# A park's name is long and mostly in Chinese: a narrow column would stack it one word a line.
PARK = {"th": {"class": "col-optional"}, "td": {"class": "col-optional park"}}
NOWRAP = {"td": {"class": "nowrap"}}


def _park(enterprise: Enterprise):
    """The park's name, linked to its page. Whoever sees the enterprise sees its park when the
    park lies in the enterprise's county (as every write path keeps it); else plain text."""
    park = enterprise.park
    if park.county_id != enterprise.county_id:
        return park.name
    return format_html('<a href="{}">{}</a>', park.get_absolute_url(), park.name)


def industry_cell(enterprise: Enterprise):
    """The GB/T entry's name, or the text as typed marked 待归类 (unclassified)."""
    if enterprise.industry_id:
        return enterprise.industry.name
    if enterprise.industry_text:
        return format_html(
            '{} <span class="badge unclassified">{}</span>',
            enterprise.industry_text,
            _("unclassified"),
        )
    return "—"


def _contact(record: Enterprise) -> str:
    if not (record.contact_name or record.contact_phone):
        return "—"
    return format_html(
        '{}<br><span class="muted">{}</span>', record.contact_name, record.contact_phone
    )


class EnterpriseTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name"}})
    credit_code = tables.Column(verbose_name=_("credit code"), attrs={"td": {"class": "code"}})
    county = tables.Column(order_by=("county__code",), attrs=NOWRAP)
    township = tables.Column(order_by=("township__code",), default="—")
    park = tables.Column(default="—", attrs=PARK)
    industry = tables.Column(order_by=("industry__order",), attrs=OPTIONAL, empty_values=())
    employee_count = tables.Column(attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    is_leading = tables.BooleanColumn(verbose_name=_("leading"), yesno="✔,")
    contact = tables.Column(
        verbose_name=_("contact"), empty_values=(), orderable=False, accessor="contact_name"
    )

    class Meta:
        model = Enterprise
        template_name = TEMPLATE
        fields = [
            "name",
            "credit_code",
            "county",
            "township",
            "park",
            "industry",
            "employee_count",
            "is_leading",
            "contact",
        ]
        empty_text = _("No enterprises match.")
        attrs = {"class": "table list-table"}

    def render_industry(self, record: Enterprise):
        return industry_cell(record)

    def render_park(self, record: Enterprise):
        return _park(record)

    def render_contact(self, record: Enterprise):
        return _contact(record)


class PilotTable(tables.Table):
    enterprise = tables.Column(order_by=("enterprise__name",), attrs={"td": {"class": "name"}})
    plan_year = tables.Column(order_by=("plan_year__year",), accessor="plan_year__year")
    tier = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    county = tables.Column(
        verbose_name=_("county-level unit"),
        accessor="enterprise__county",
        order_by=("enterprise__county__code",),
        attrs=NOWRAP,
    )
    township = tables.Column(
        verbose_name=_("township or street"),
        accessor="enterprise__township",
        order_by=("enterprise__township__code",),
        default="—",
    )
    park = tables.Column(
        verbose_name=_("park"), accessor="enterprise__park", default="—", attrs=PARK
    )
    industry = tables.Column(
        verbose_name=_("industry"),
        accessor="enterprise__industry",
        order_by=("enterprise__industry__order",),
        attrs=OPTIONAL,
        empty_values=(),
    )
    employees = tables.Column(
        verbose_name=_("employees"),
        accessor="enterprise__employee_count",
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    contact = tables.Column(
        verbose_name=_("contact"),
        empty_values=(),
        orderable=False,
        accessor="enterprise__contact_name",
    )

    class Meta:
        model = Pilot
        template_name = TEMPLATE
        fields = [
            "enterprise",
            "plan_year",
            "tier",
            "status",
            "county",
            "township",
            "park",
            "industry",
            "employees",
            "contact",
        ]
        empty_text = _("No pilots match.")
        attrs = {"class": "table list-table"}

    def render_enterprise(self, record: Pilot):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.enterprise.name)

    def render_status(self, record: Pilot):
        return format_html(
            '<span class="badge pilot-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_industry(self, record: Pilot):
        return industry_cell(record.enterprise)

    def render_park(self, record: Pilot):
        return _park(record.enterprise)

    def render_contact(self, record: Pilot):
        return _contact(record.enterprise)
