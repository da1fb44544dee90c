"""The work plan's promotion figures on the overview and county pages (issue 13).

Typical cases by status and by dimension, and media reports of the plan year's calendar year by
month, outlet kind and level; on the overview, every county-level unit with its reports, red
where there is none. The figures come from promotion/selectors.py (aggregates, a fixed number of
queries); the tables here are for the downloads, the page draws cards and bars.
"""

from dataclasses import dataclass
from functools import partial

import django_tables2 as tables
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.tables import NUM, DashboardTable, ExportColumn, ExportOnly, key, region_link
from promotion.models import Case, MediaReport
from promotion.selectors import case_figures, report_counts_by_county, report_figures
from reform.models import Dimension, PlanYear, Region


@dataclass(frozen=True)
class Count:
    label: str
    count: int
    group: str = ""


class CountTable(DashboardTable):
    """Counts by kind (a status, a dimension, a month, an outlet kind …)."""

    group = tables.Column(verbose_name=gettext_lazy("Grouped by"), orderable=False)
    label = tables.Column(verbose_name=gettext_lazy("Kind"), orderable=False)
    count = tables.Column(verbose_name=gettext_lazy("Number"), attrs=NUM, orderable=False)

    export_columns = [
        ExportColumn(gettext_lazy("Grouped by"), lambda c: c.group),
        ExportColumn(gettext_lazy("Kind"), lambda c: c.label),
        ExportColumn(gettext_lazy("Number"), lambda c: c.count),
    ]

    def __init__(self, data, *, export_key: str, title, **kwargs):
        self.export_key = export_key
        self.title = title
        super().__init__(data, **kwargs)


class CountyReportTable(DashboardTable):
    export_key = "report_counties"
    title = gettext_lazy("Media reports by county-level unit")

    class Meta(DashboardTable.Meta):
        empty_text = gettext_lazy("No county-level units.")

    name = tables.Column(verbose_name=gettext_lazy("County-level unit"), orderable=False)
    reports = tables.Column(
        verbose_name=gettext_lazy("Media reports this year"),
        orderable=False,
        attrs={
            "td": {"class": lambda record: "num status-text-far" if record["none"] else "num"},
            "th": {"class": "num"},
        },
    )

    export_columns = [
        ExportColumn(gettext_lazy("County-level unit"), key("name")),
        ExportColumn(gettext_lazy("Statistical code"), key("code")),
        ExportColumn(gettext_lazy("Media reports this year"), key("reports")),
    ]

    def render_name(self, record):
        return region_link(record, self.year)

    def render_reports(self, record):
        return _("no report") if record["none"] else record["reports"]


def _cases(plan_year: PlanYear, region: Region) -> dict:
    figures = case_figures(plan_year=plan_year, within=region)
    statuses = [
        Count(str(label), figures.by_status[status], _("status"))
        for status, label in Case.Status.choices
    ]
    dimensions = [
        Count(str(label), figures.by_dimension[dimension], _("dimension"))
        for dimension, label in Dimension.choices
    ]
    return {"total": figures.total, "statuses": statuses, "dimensions": dimensions}


def _reports(plan_year: PlanYear, region: Region) -> dict:
    figures = report_figures(year=plan_year.year, within=region)
    months = [
        Count(str(MONTHS[number]), count, _("month"))
        for number, count in enumerate(figures.by_month, start=1)
    ]
    kinds = [
        Count(str(label), figures.by_outlet_kind[kind], _("outlet kind"))
        for kind, label in MediaReport.OutletKind.choices
    ]
    levels = [
        Count(str(label), figures.by_level[level], _("level"))
        for level, label in MediaReport.Level.choices
    ]
    largest = max([1] + [month.count for month in months])
    return {
        "total": figures.total,
        "months": months,
        "month_bars": _month_bars(months, largest),
        "kinds": kinds,
        "levels": levels,
    }


# The month chart: twelve bars in a 240 × 110 box (bars 14 wide, 20 apart, 80 high at most).
CHART_TOP, CHART_HEIGHT = 14, 80


def _month_bars(months: list[Count], largest: int) -> list[dict]:
    bars = []
    for index, month in enumerate(months):
        height = round(CHART_HEIGHT * month.count / largest) if month.count else 0
        bars.append(
            {
                "label": index + 1,
                "count": month.count,
                "x": 3 + index * 20,
                "center": 10 + index * 20,
                "y": CHART_TOP + CHART_HEIGHT - height,
                "height": height,
            }
        )
    return bars


def promotion_figures(plan_year: PlanYear, region: Region) -> dict:
    """The figures alone (plain data, kept in the cache of computed figures)."""
    figures = {"cases": _cases(plan_year, region), "reports": _reports(plan_year, region)}
    if region.level == Region.Level.CITY:
        figures["counties"] = [
            {
                "name": row.county.name,
                "code": row.county.code,
                "reports": row.reports,
                "none": row.has_none,
            }
            for row in report_counts_by_county(year=plan_year.year, within=region)
        ]
    return figures


def promotion_context(
    plan_year: PlanYear, region: Region, figures: dict | None = None
) -> tuple[dict, list]:
    """The page's promotion figures and the download tables they come with.

    On a city page every county-level unit is listed with its reports (red where none); on a
    county page the unit's own count says whether it had any.
    """
    if figures is None:
        figures = promotion_figures(plan_year, region)
    cases, reports = figures["cases"], figures["reports"]
    context = {"case_figures": cases, "report_figures": reports, "report_year": plan_year.year}
    table_list = [
        _export("case_statuses", cases["statuses"] + cases["dimensions"], _("Typical cases")),
        _export(
            "reports", reports["months"] + reports["kinds"] + reports["levels"], _("Media reports")
        ),
    ]
    if "counties" in figures:
        counties = figures["counties"]
        context["report_counties"] = counties
        context["counties_without_reports"] = [row for row in counties if row["none"]]
        table_list.append(CountyReportTable(counties))
    return context, table_list


def _export(export_key: str, rows: list[Count], title: str) -> ExportOnly:
    return ExportOnly(export_key, partial(CountTable, rows, export_key=export_key, title=title))
