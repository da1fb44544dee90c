"""Dashboard tables as .xlsx: the same figures as the page, a title row, one sheet per table.

The workbook is written by pilots/writers.py, the site's one set of safe writers: no name
becomes a formula, the header row is bold and frozen, the columns fit their content.
"""

import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from dashboards.tables import DashboardTable
from pilots import writers

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def title_line(*, heading: str, year: int, table_title: str) -> str:
    produced = date_format(timezone.localtime(), "DATETIME_FORMAT")
    return _("%(heading)s · %(table)s · plan year %(year)s · produced %(produced)s") % {
        "heading": heading,
        "table": table_title,
        "year": year,
        "produced": produced,
    }


def workbook_for(tables: list[DashboardTable], *, heading: str, year: int) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        writers.add_table_sheet(
            workbook,
            title=sheet_title(str(table.title), used),
            rows=table.export_rows(),
            title_line=title_line(heading=heading, year=year, table_title=str(table.title)),
        )
    return workbook


def xlsx_response(
    tables: list[DashboardTable], *, heading: str, year: int, filename: str, fallback: str
) -> HttpResponse:
    workbook = workbook_for(tables, heading=heading, year=year)
    return writers.xlsx_response(workbook, filename=filename, fallback=fallback)
