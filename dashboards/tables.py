"""The dashboards' tables: sortable on the page (django-tables2) and the same figures as .xlsx.

Rows are plain dicts built by dashboards/views.py from pilots/quotas.py; a table never queries.
Each table names its export columns (header, value) so that a spreadsheet gets one number per
cell where the page shows "12 / 15".
"""

from collections.abc import Callable
from dataclasses import dataclass
from inspect import signature
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tables2 import A


@dataclass(frozen=True)
class ExportColumn:
    header: Any  # a lazy translation: Chinese in the Chinese interface
    value: Callable[[Any], Any]


def key(name: str) -> Callable[[dict], Any]:
    return lambda record: record[name]


def region_link(record: dict, year: int | None, as_of: str = "") -> str:
    """A link to a region's page of the same plan year (and, on a page of the past, the same
    day: `as_of`)."""
    url = reverse("dashboards:region_detail", args=[record["code"]])
    if year:
        url += f"?year={year}"
        if as_of:
            url += f"&as_of={as_of}"
    return format_html('<a href="{}">{}</a>', url, record["name"])


def linked(value, url: str) -> str:
    """A figure as a link to the pilots behind it, or as plain text where there is no link."""
    if url:
        return format_html('<a class="figure-link" href="{}">{}</a>', url, value)
    return format_html("{}", value)


def figure(count: int, target: int | None, gap: int, url: str = "", status: str = "") -> str:
    """ "12 / 15 (差 3)" with the target and gap muted; the count links to its pilots."""
    if target is None:
        no_target = _("no target set") if status == "unset" else _("exempt")
        return format_html('{} <small class="muted">/ {}</small>', linked(count, url), no_target)
    if gap:
        return format_html(
            '{} <small class="muted">/ {}</small> <small class="gap">{}</small>',
            linked(count, url),
            target,
            _("(%(gap)s short)") % {"gap": gap},
        )
    return format_html('{} <small class="muted">/ {}</small>', linked(count, url), target)


def name_link(name: str, url: str) -> str:
    """A name that links to its page, or plain text where the user may not open it."""
    return format_html('<a href="{}">{}</a>', url, name) if url else name


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge status-{}">{}</span>', status, label)


def status_td(name: str, extra: str = "") -> dict:
    """A figure's cell coloured by a status of the row (`extra`: a class naming the column)."""
    return {
        "td": {"class": lambda record: f"num status-text-{record[name]} {extra}".strip()},
        "th": {"class": f"num {extra}".strip()},
    }


NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
NOWRAP = {"td": {"class": "nowrap"}}
# Columns a phone leaves out (the name of the row already says it).
WIDE_ONLY = {"td": {"class": "wide-only"}, "th": {"class": "wide-only"}}


def cell_attr(name: str, attr, record) -> str:
    """A cell attribute's value (callables take the record); classes sorted like django-tables2."""
    value = attr(record) if callable(attr) else attr
    if name == "class":
        return " ".join(sorted(set(value.split())))
    return value


class DashboardTable(tables.Table):
    """A dashboard table: a key (for ?export=<key>), a title, and its export columns."""

    export_key = ""
    export_url = ""  # set by the view: "?year=…&export=<key>"
    as_of = ""  # set by the view on a page of the past: its links keep the day
    title = ""
    export_columns: list[ExportColumn] = []

    class Meta:
        template_name = "dashboards/partials/table.html"
        attrs = {"class": "table"}
        empty_text = _("Nothing to show for this plan year.")

    def __init__(self, data, *, year: int | None = None, **kwargs):
        kwargs.setdefault("prefix", f"{self.export_key}-")
        super().__init__(data, **kwargs)
        self.year = year

    def body_rows(self) -> list[str]:
        """The body rows' HTML, rendered straight from the records.

        django-tables2 looks up the signature of a render method (and of every callable cell
        attribute) for every cell; on a province's county page that was most of the page's time.
        This renders the same markup (tests/dashboards/test_tables.py compares the two) with each
        column's renderer looked up once. Render methods take `record` (or `value`); callable
        cell attributes take `record`.
        """
        plan = []
        for bound in self.columns:
            render = getattr(self, f"render_{bound.name}", None)
            takes_value = render is not None and "value" in signature(render).parameters
            td = dict(bound.column.attrs.get("td", bound.column.attrs.get("cell", {})))
            # Attributes that do not depend on the record are written once per column.
            attrs = [
                (name, attr)
                if callable(attr)
                else (name, f' {name}="{escape(cell_attr(name, attr, None))}"')
                for name, attr in td.items()
            ]
            accessor = A(bound.accessor)
            empty = (bound.column.empty_values, bound.default)
            plan.append((str(accessor), accessor, render, takes_value, attrs, empty))
        rows = []
        for row in self.paginated_rows:
            record = row.record
            cells = []
            for key, accessor, render, takes_value, attrs, (empty_values, default) in plan:
                # A dict holding the key is answered at once, as Accessor.resolve does.
                if type(record) is dict and key in record:
                    value = record[key]
                else:
                    value = accessor.resolve(record, quiet=True)
                if value in empty_values:
                    content = default
                elif render is None:
                    content = value
                else:
                    content = render(value) if takes_value else render(record)
                html = "".join(
                    f' {name}="{escape(cell_attr(name, attr, record))}"' if callable(attr) else attr
                    for name, attr in attrs
                )
                cells.append(f"<td{html}>{conditional_escape(localize(content))}</td>")
            # Every attribute and content is escaped above (conditional_escape keeps safe HTML).
            rows.append(mark_safe(f"<tr>{''.join(cells)}</tr>"))  # noqa: S308
        return rows

    def header_cells(self) -> list[str]:
        """The header cells' HTML, django-tables2's markup (a sorting link on each orderable
        column, the page's query string with this table's sorting) without a template loop:
        tests/dashboards/test_tables.py compares the two."""
        request = getattr(self, "request", None)
        query = dict(request.GET) if request is not None else {}
        cells = []
        for column in self.columns:
            header = conditional_escape(column.header)
            if column.orderable:
                params = {**query, self.prefixed_order_by_field: column.order_by_alias.next}
                href = escape("?" + urlencode(params, doseq=True))
                header = format_html('<a href="{}">{}</a>', href, header)
            cells.append(format_html("<th {}>{}</th>", column.attrs["th"].as_html(), header))
        return cells

    def export_rows(self) -> list[list[Any]]:
        """The header row and the rows in the order the page shows them."""
        rows = [[str(column.header) for column in self.export_columns]]
        for row in self.rows:
            rows.append([column.value(row.record) for column in self.export_columns])
        return rows


class CountyTable(DashboardTable):
    """Every county-level unit: name, overall status and gap first, so that a phone shows them
    without scrolling sideways; the figures behind them follow."""

    export_key = "counties"
    title = _("County-level units")

    class Meta(DashboardTable.Meta):
        attrs = {"class": "table", "id": "county-table"}
        empty_text = _("No county-level units in the reference data yet.")

    name = tables.Column(verbose_name=_("County-level unit"), order_by=("code",), attrs=NOWRAP)
    status_order = tables.Column(verbose_name=_("Status"), attrs={"td": {"class": "col-status"}})
    gap = tables.Column(
        verbose_name=_("Still missing"),
        order_by=("gap_order",),
        attrs={"td": {"class": "num col-gap"}, "th": {"class": "num col-gap"}},
    )
    county_count = tables.Column(
        verbose_name=_("County-tier pilots"), attrs=status_td("county_status", "col-county")
    )
    dev_count = tables.Column(verbose_name=_("In development zones"), attrs=status_td("dev_status"))
    townships_met = tables.Column(
        verbose_name=_("Townships meeting their rule"), attrs=status_td("township_status")
    )
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)

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
        ExportColumn(_("Overall status"), key("status_label")),
    ]

    def render_name(self, record):
        return region_link(record, self.year, self.as_of)

    def render_gap(self, record):
        """What the county still lacks, rule by rule: county-tier pilots, of them in zones,
        township-tier pilots in its townships behind; "—" when nothing is missing."""
        parts = [
            (
                pgettext_lazy("still missing", "county"),
                record["county_gap"],
                record["county_status"],
            ),
            (pgettext_lazy("still missing", "zones"), record["dev_gap"], record["dev_status"]),
            (
                pgettext_lazy("still missing", "townships"),
                record["townships_gap"],
                record["township_status"],
            ),
        ]
        shown = [
            format_html(
                '<span class="gap-item"><small>{}</small> <b class="status-text-{}">{}</b></span>',
                label,
                status,
                gap,
            )
            for label, gap, status in parts
            if gap
        ]
        return format_html_join("", "{}", ((item,) for item in shown)) if shown else "—"

    def render_county_count(self, record):
        return figure(
            record["county_count"],
            record["county_target"],
            record["county_gap"],
            record["county_url"],
            record["county_status"],
        )

    def render_dev_count(self, record):
        return figure(
            record["dev_count"],
            record["dev_target"],
            record["dev_gap"],
            record["dev_url"],
            record["dev_status"],
        )

    def render_townships_met(self, record):
        return format_html(
            '{} <small class="muted">/ {}</small>',
            record["townships_met"],
            record["townships_total"],
        )

    def render_pipeline(self, record):
        return linked(record["pipeline"], record["pipeline_url"]) if record["pipeline"] else 0

    def render_status_order(self, record):
        return status_badge(record["status"], record["status_label"])


class TownshipTable(DashboardTable):
    export_key = "townships"
    title = _("Townships and streets")

    class Meta(DashboardTable.Meta):
        attrs = {"class": "table", "id": "township-table"}
        empty_text = _("No townships or streets in the reference data yet.")

    name = tables.Column(verbose_name=_("Township or street"), order_by=("code",), attrs=NOWRAP)
    count = tables.Column(verbose_name=_("Township-tier pilots"), attrs=status_td("status"))
    gap = tables.Column(verbose_name=_("Still missing"), attrs=NUM)
    pipeline = tables.Column(verbose_name=_("Proposed"), attrs=NUM)
    status_order = tables.Column(verbose_name=_("Status"))

    export_columns = [
        ExportColumn(_("Township or street"), key("name")),
        ExportColumn(_("Statistical code"), key("code")),
        ExportColumn(_("Township-tier pilots"), key("count")),
        ExportColumn(_("Target"), key("target")),
        ExportColumn(_("Still missing"), key("gap")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]

    def render_name(self, record):
        return region_link(record, self.year, self.as_of)

    def render_count(self, record):
        # The gap has its own column here.
        return figure(record["count"], record["target"], 0, record["count_url"], record["status"])

    def render_pipeline(self, record):
        return linked(record["pipeline"], record["pipeline_url"]) if record["pipeline"] else 0

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
        ExportColumn(_("Target"), key("target")),
        ExportColumn(_("Still missing"), key("gap")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]

    def render_count(self, record):
        return linked(record["count"], record["count_url"])

    def render_pipeline(self, record):
        return linked(record["pipeline"], record["pipeline_url"]) if record["pipeline"] else 0

    def render_status_label(self, record):
        return status_badge(record["status"], record["status_label"])


class HeadlineTable(DashboardTable):
    """The headline figures, every rule in one row: the first sheet of an overview or county
    export (the page shows them as the cards at the top). One number per cell."""

    export_key = "headlines"
    title = _("Headline figures")

    label = tables.Column(verbose_name=_("Rule"), orderable=False)

    export_columns = [
        ExportColumn(_("Rule"), key("label")),
        ExportColumn(_("Target per region"), key("minimum")),
        ExportColumn(_("Regions with a target"), key("regions")),
        ExportColumn(_("Regions meeting it"), key("regions_met")),
        ExportColumn(_("Counted pilots"), key("count")),
        ExportColumn(_("Still missing"), key("gap")),
        ExportColumn(_("Proposed"), key("pipeline")),
        ExportColumn(_("Status"), key("status_label")),
    ]


class ParkTable(DashboardTable):
    """A county's parks with the pilots of that county's enterprises in each."""

    export_key = "parks"
    title = _("Parks")

    class Meta(DashboardTable.Meta):
        empty_text = _("No parks registered in this county-level unit yet.")

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
        name = name_link(record["name"], record["url"])
        if record["is_demo"]:
            return format_html(
                '{} <span class="badge" title="{}">{}</span>',
                name,
                _("Made up for the demonstration; its level is not confirmed by any source."),
                _("demo"),
            )
        return name

    def render_kind(self, record):
        return format_html('{} <small class="muted">{}</small>', record["kind"], record["level"])

    def render_is_zone(self, record):
        if record["is_zone"]:
            return format_html('<span class="badge status-met">{}</span>', _("yes"))
        return format_html('<span class="muted">{}</span>', _("no"))

    def render_pilot_count(self, record):
        return linked(record["pilot_count"], record["pilot_url"])

    def render_county_tier_count(self, record):
        return linked(record["county_tier_count"], record["county_tier_url"])

    def render_pipeline(self, record):
        return linked(record["pipeline"], record["pipeline_url"]) if record["pipeline"] else 0


class ClusterTable(DashboardTable):
    export_key = "clusters"
    title = _("Industry clusters")

    class Meta(DashboardTable.Meta):
        empty_text = _("No industry clusters here yet.")

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

    class Meta(DashboardTable.Meta):
        empty_text = _("No guidance stations here yet.")

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

    def render_park(self, record):
        return name_link(record["park"], record["park_url"])

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
    """A township's pilots: names only, no contact data (every signed-in user sees this). A name
    links to the pilot's page where the user may open it; the download adds the remarks of
    those pilots (empty for the others)."""

    export_key = "pilots"
    title = _("Pilots")

    class Meta(DashboardTable.Meta):
        empty_text = _("No pilot enterprises here in this plan year yet.")

    name = tables.Column(verbose_name=_("Enterprise"))
    tier = tables.Column(verbose_name=_("Tier"), order_by=("tier_order",), attrs=NOWRAP)
    status = tables.Column(verbose_name=_("Status"), attrs=NOWRAP)
    counts = tables.Column(verbose_name=_("Counts toward"), attrs=NOWRAP, empty_values=())
    industry = tables.Column(verbose_name=_("Industry"), attrs=WIDE_ONLY)
    park = tables.Column(verbose_name=_("Park"), default="—", attrs=WIDE_ONLY)

    export_columns = [
        ExportColumn(_("Enterprise"), key("name")),
        ExportColumn(_("Tier"), key("tier")),
        ExportColumn(_("Status"), key("status")),
        ExportColumn(_("Counts toward"), key("counts")),
        ExportColumn(_("Industry"), key("industry")),
        ExportColumn(_("Park"), key("park")),
        ExportColumn(_("Remarks"), key("remarks")),
    ]

    def render_name(self, record):
        return name_link(record["name"], record["url"])

    def render_status(self, record):
        return format_html(
            '<span class="badge pilot-{}">{}</span>', record["status_code"], record["status"]
        )

    def render_counts(self, record):
        if record["counts"]:
            return format_html('<span class="badge status-met">{}</span>', record["counts"])
        return format_html('<span class="muted">{}</span>', _("not counted"))


class CountyPilotTable(PilotTable):
    """A county's county-tier pilots and the city-tier pilots located there."""

    title = _("County-tier and city-tier pilots")

    class Meta(PilotTable.Meta):
        empty_text = _("No county-tier or city-tier pilots here in this plan year yet.")
        sequence = ("name", "tier", "status", "counts", "township", "industry", "park")

    township = tables.Column(
        verbose_name=_("Township or street"),
        order_by=("township_code",),
        default="—",
        attrs=WIDE_ONLY,
    )

    export_columns = [
        *PilotTable.export_columns[:4],
        ExportColumn(_("Township or street"), key("township")),
        *PilotTable.export_columns[4:],
    ]


@dataclass
class ExportOnly:
    """A table only the download shows (the headline figures, the make-up, which the page draws
    as cards and bars): built when a download asks for it, not on every page view."""

    export_key: str
    build: Callable[[], DashboardTable]
    export_url: str = ""
