"""Dashboard tables as .xlsx: the same figures as the page, a title row, one sheet per table."""

import io
import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboards.tables import DashboardTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F2F4F7")
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
        sheet = workbook.create_sheet(sheet_title(str(table.title), used))
        rows = table.export_rows()
        width = max(len(rows[0]), 1)
        sheet.append([title_line(heading=heading, year=year, table_title=str(table.title))])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A1"].alignment = Alignment(vertical="center")
        sheet.row_dimensions[1].height = 24
        for row in rows:
            sheet.append(row)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        sheet.freeze_panes = "A3"
        for index, header in enumerate(rows[0], start=1):
            longest = max(
                [len(str(header))] + [len(str(row[index - 1])) for row in rows[1:]],
            )
            # CJK characters are about twice as wide as Latin ones in Excel's default font.
            sheet.column_dimensions[get_column_letter(index)].width = min(max(longest * 2, 8), 50)
    return workbook


def xlsx_response(
    tables: list[DashboardTable], *, heading: str, year: int, filename: str
) -> HttpResponse:
    buffer = io.BytesIO()
    workbook_for(tables, heading=heading, year=year).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    # RFC 5987 so that Chinese file names survive every browser.
    response["Content-Disposition"] = (
        f"attachment; filename=\"dashboard-{year}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
