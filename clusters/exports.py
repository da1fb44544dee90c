"""Tables as .xlsx downloads: the page's own table, so the columns are the page's columns.

Written by pilots/writers.py, the site's one set of safe writers (no text becomes a formula; a
bold, frozen header row; fitted columns; a file name in the user's language).
"""

from django.http import HttpResponse
from openpyxl import Workbook

from pilots import writers


def table_xlsx_response(table, *, title: str, filename: str, fallback: str) -> HttpResponse:
    """`filename` without .xlsx, in the user's language; `fallback` the same in ASCII."""
    exclude = getattr(table, "EXPORT_EXCLUDE", ())
    rows = [[_cell(value) for value in row] for row in table.as_values(exclude_columns=exclude)]
    workbook = Workbook()
    workbook.remove(workbook.active)
    writers.add_table_sheet(workbook, title=title[:31], rows=rows)
    return writers.xlsx_response(workbook, filename=f"{filename}.xlsx", fallback=f"{fallback}.xlsx")


def _cell(value: object) -> object:
    """Numbers stay numbers; everything else is text (credit codes are never read as numbers)."""
    if value is None:
        return ""
    return value if isinstance(value, int | float) else str(value)
