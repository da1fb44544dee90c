"""The dashboards' tables: sortable on the page (django-tables2) and the same figures as .xlsx.

Rows are plain dicts built by dashboards/views.py from pilots/quotas.py; a table never queries.
Each table names its export columns (header, value) so that a spreadsheet gets one number per
cell where the page shows "12 / 15".
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ExportColumn:
    header: Any  # a lazy translation: Chinese in the Chinese interface
    value: Callable[[Any], Any]


def key(name: str) -> Callable[[dict], Any]:
    return lambda record: record[name]


def region_link(record: dict, year: int | None) -> str:
    url = reverse("dashboards:region_detail", args=[record["code"]])
    if year:
        url += f"?year={year}"
    return format_html('<a href="{}">{}</a>', url, record["name"])


def figure(count: int, target: int | None, gap: int) -> str:
    """ "12 / 15 (差 3)" with the target and gap muted; "—" for exempt."""
    if target is None:
        return format_html('{} <small class="muted">/ {}</small>', count, _("exempt"))
    if gap:
        return format_html(
            '{} <small class="muted">/ {}</small> <small class="gap">{}</small>',
            count,
            target,
            _("(%(gap)s short)") % {"gap": gap},
        )
    return format_html('{} <small class="muted">/ {}</small>', count, target)


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, label)


def status_td(name: str) -> dict:
    return {
        "td": {"class": lambda record: f"num status-text-{record[name]}"},
        "th": {"class": "num"},
    }


NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
NOWRAP = {"td": {"class": "nowrap"}}
# Columns a phone leaves out (the name of the row already says it).
WIDE_ONLY = {"td": {"class": "wide-only"}, "th": {"class": "wide-only"}}


class DashboardTable(tables.Table):
    """A dashboard table: a key (for ?export=<key>), a title, and its export columns."""

    export_key = ""
    export_url = ""  # set by the view: "?year=…&export=<key>"
    title = ""
    export_columns: list[ExportColumn] = []

    class Meta:
        template_name = "django_tables2/table.html"
        attrs = {"class": "table"}
        empty_text = _("Nothing to show for this plan year.")

    def __init__(self, data, *, year: int | None = None, **kwargs):
        kwargs.setdefault("prefix", f"{self.export_key}-")
        super().__init__(data, **kwargs)
        self.year = year

    def export_rows(self) -> list[list[Any]]:
        """The header row and the rows in the order the page shows them."""
        rows = [[str(column.header) for column in self.export_columns]]
        for row in self.rows:
            rows.append([column.value(row.record) for column in self.export_columns])
        return rows


class CountyTable(DashboardTable):
    export_key = "counties"
    title = _("County-level units")

    class Meta(DashboardTable.Meta):
        attrs = {"class": "table", "id": "county-table"}

    name = tables.Column(verbose_name=_("County-level unit"), order_by=("code",), attrs=NOWRAP)
    county_count = tables.Column(
        verbose_name=_("County-tier pilots"), attrs=status_td("county_status")
    )
    dev_count = tables.Column(verbose_name=_("In development zones"), attrs=status_td("dev_status"))
    townships_met = tables.Column(
        verbose_name=_("Townships meeting their rule"), attrs=status_td("township_status")
    )
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)
    status_order = tables.Column(verbose_name=_("Status"))

    export_columns = [
        ExportColumn(_("County-level unit"), key("name")),
        ExportColumn(_("Statistical code"), key("code")),
        ExportColumn(_("County-tier pilots"), key("county_count")),
        ExportColumn(_("Target"), key("county_target")),
        ExportColumn(_("Still missing"), key("county_gap")),
        ExportColumn(_("In development zones"), key("dev_count")),
        ExportColumn(_("Target (development zones)"), key("dev_target")),
        ExportColumn(_("Still missing (development zones)"), key("dev_gap")),
        ExportColumn(_("Townships meeting their rule"), key("townships_met")),
        ExportColumn(_("Townships with a target"), key("townships_total")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]

    def render_name(self, record):
        return region_link(record, self.year)

    def render_county_count(self, record):
        return figure(record["county_count"], record["county_target"], record["county_gap"])

    def render_dev_count(self, record):
        return figure(record["dev_count"], record["dev_target"], record["dev_gap"])

    def render_townships_met(self, record):
        return format_html(
            '{} <small class="muted">/ {}</small>',
            record["townships_met"],
            record["townships_total"],
        )

    def render_status_order(self, record):
        return status_badge(record["status"], record["status_label"])


class TownshipTable(DashboardTable):
    export_key = "townships"
    title = _("Townships and streets")

    class Meta(DashboardTable.Meta):
        attrs = {"class": "table", "id": "township-table"}

    name = tables.Column(verbose_name=_("Township or street"), order_by=("code",), attrs=NOWRAP)
    count = tables.Column(verbose_name=_("Township-tier pilots"), attrs=status_td("status"))
    gap = tables.Column(verbose_name=_("Still missing"), attrs=NUM)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)
    status_order = tables.Column(verbose_name=_("Status"))

    export_columns = [
        ExportColumn(_("Township or street"), key("name")),
        ExportColumn(_("Statistical code"), key("code")),
        ExportColumn(_("Township-tier pilots"), key("count")),
        ExportColumn(_("Target"), lambda r: r["target"] if r["target"] is not None else "—"),
        ExportColumn(_("Still missing"), key("gap")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]

    def render_name(self, record):
        return region_link(record, self.year)

    def render_count(self, record):
        # The gap has its own column here.
        return figure(record["count"], record["target"], 0)

    def render_gap(self, record):
        if not record["gap"]:
            return "—"
        return format_html(
            '<strong class="status-text-{}">{}</strong>', record["status"], record["gap"]
        )

    def render_status_order(self, record):
        return status_badge(record["status"], record["status_label"])


class RuleTable(DashboardTable):
    """One region against its rules (county and township pages)."""

    export_key = "rules"
    title = _("Quota rules")

    label = tables.Column(verbose_name=_("Rule"), orderable=False)
    count = tables.Column(verbose_name=_("Counted"), attrs=status_td("status"), orderable=False)
    target = tables.Column(verbose_name=_("Target"), attrs=NUM, orderable=False, default="—")
    gap = tables.Column(verbose_name=_("Still missing"), attrs=NUM, orderable=False)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM, orderable=False)
    status_label = tables.Column(verbose_name=_("Status"), orderable=False)

    export_columns = [
        ExportColumn(_("Rule"), key("label")),
        ExportColumn(_("Counted"), key("count")),
        ExportColumn(_("Target"), lambda r: r["target"] if r["target"] is not None else "—"),
        ExportColumn(_("Still missing"), key("gap")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]

    def render_status_label(self, record):
        return status_badge(record["status"], record["status_label"])


class ParkTable(DashboardTable):
    export_key = "parks"
    title = _("Parks")

    name = tables.Column(verbose_name=_("Park"))
    kind = tables.Column(verbose_name=_("Kind"), attrs=NOWRAP)
    is_zone = tables.Column(verbose_name=_("Counts as development zone"))
    pilot_count = tables.Column(verbose_name=_("Pilots"), attrs=NUM)
    county_tier_count = tables.Column(verbose_name=_("Of them county tier"), attrs=NUM)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)

    export_columns = [
        ExportColumn(_("Park"), key("name")),
        ExportColumn(_("Kind"), key("kind")),
        ExportColumn(_("Level"), key("level")),
        ExportColumn(
            _("Counts as development zone"), lambda r: str(_("yes") if r["is_zone"] else _("no"))
        ),
        ExportColumn(_("Pilots"), key("pilot_count")),
        ExportColumn(_("Of them county tier"), key("county_tier_count")),
        ExportColumn(_("Proposed"), key("pipeline")),
    ]

    def render_name(self, record):
        if record["is_demo"]:
            return format_html(
                '{} <span class="badge" title="{}">{}</span>',
                record["name"],
                _("Made up for the demonstration; its level is not confirmed by any source."),
                _("demo"),
            )
        return record["name"]

    def render_kind(self, record):
        return format_html('{} <small class="muted">{}</small>', record["kind"], record["level"])

    def render_is_zone(self, record):
        if record["is_zone"]:
            return format_html('<span class="badge status-met">{}</span>', _("yes"))
        return format_html('<span class="muted">{}</span>', _("no"))


class ClusterTable(DashboardTable):
    export_key = "clusters"
    title = _("Industry clusters")

    name = tables.Column(verbose_name=_("Cluster"))
    county = tables.Column(
        verbose_name=_("County-level unit"), order_by=("county_code",), attrs=NOWRAP
    )
    industry = tables.Column(verbose_name=_("Theme industry"), attrs=WIDE_ONLY)
    member_count = tables.Column(verbose_name=_("Members"), attrs=NUM)
    pilot_count = tables.Column(verbose_name=_("Pilots"), attrs=NUM)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)

    export_columns = [
        ExportColumn(_("Cluster"), key("name")),
        ExportColumn(_("County-level unit"), key("county")),
        ExportColumn(_("Theme industry"), key("industry")),
        ExportColumn(_("Members"), key("member_count")),
        ExportColumn(_("Pilots"), key("pilot_count")),
        ExportColumn(_("Proposed"), key("pipeline")),
    ]

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', record["url"], record["name"])

    def render_county(self, record):
        return region_link({"code": record["county_code"], "name": record["county"]}, self.year)


class StationTable(DashboardTable):
    export_key = "stations"
    title = _("Guidance stations")

    name = tables.Column(verbose_name=_("Guidance station"))
    park = tables.Column(verbose_name=_("Park"), attrs=WIDE_ONLY)
    county = tables.Column(
        verbose_name=_("County-level unit"), order_by=("county_code",), attrs=NOWRAP
    )
    pilot_count = tables.Column(verbose_name=_("Pilots looked after"), attrs=NUM)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)

    export_columns = [
        ExportColumn(_("Guidance station"), key("name")),
        ExportColumn(_("Park"), key("park")),
        ExportColumn(_("County-level unit"), key("county")),
        ExportColumn(_("Pilots looked after"), key("pilot_count")),
        ExportColumn(_("Proposed"), key("pipeline")),
    ]

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', record["url"], record["name"])

    def render_county(self, record):
        if not record["county_code"]:
            return "—"
        return region_link({"code": record["county_code"], "name": record["county"]}, self.year)


class ShareTable(DashboardTable):
    """One part of the make-up: pilots by tier, industry, sector or kind of enterprise."""

    label = tables.Column(verbose_name=_("Kind"), orderable=False)
    count = tables.Column(verbose_name=_("Pilots"), attrs=NUM, orderable=False)
    percent = tables.Column(verbose_name=_("Share"), attrs=NUM, orderable=False)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM, orderable=False)

    export_columns = [
        ExportColumn(_("Kind"), lambda s: s.label),
        ExportColumn(_("Pilots"), lambda s: s.count),
        ExportColumn(_("Share (%)"), lambda s: s.percent),
        ExportColumn(_("Proposed"), lambda s: s.pipeline),
    ]

    def __init__(self, data, *, export_key: str, title, **kwargs):
        self.export_key = export_key
        self.title = title
        super().__init__(data, **kwargs)

    def render_percent(self, value):
        return f"{value} %"


class PilotTable(DashboardTable):
    """A township's pilots: names only, no contact data (every signed-in user sees this)."""

    export_key = "pilots"
    title = _("Pilots")

    name = tables.Column(verbose_name=_("Enterprise"))
    tier = tables.Column(verbose_name=_("Tier"), order_by=("tier_order",))
    status = tables.Column(verbose_name=_("Status"))
    industry = tables.Column(verbose_name=_("Industry"))
    park = tables.Column(verbose_name=_("Park"), default="—")
    counts = tables.Column(verbose_name=_("Counts toward the township rule"), orderable=False)

    export_columns = [
        ExportColumn(_("Enterprise"), key("name")),
        ExportColumn(_("Tier"), key("tier")),
        ExportColumn(_("Status"), key("status")),
        ExportColumn(_("Industry"), key("industry")),
        ExportColumn(_("Park"), lambda r: r["park"] or ""),
        ExportColumn(
            _("Counts toward the township rule"),
            lambda r: str(_("yes") if r["counts"] else _("no")),
        ),
    ]

    def render_status(self, record):
        return format_html(
            '<span class="badge pilot-{}">{}</span>', record["status_code"], record["status"]
        )

    def render_counts(self, record):
        if record["counts"]:
            return format_html('<span class="badge status-met">{}</span>', _("yes"))
        return format_html('<span class="muted">{}</span>', _("no"))
