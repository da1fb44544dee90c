"""Tables as .xlsx downloads: the page's own table, so the columns are the page's columns."""

from io import BytesIO

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_xlsx_response(table, *, title: str, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    exclude = getattr(table, "EXPORT_EXCLUDE", ())
    widths: dict[int, int] = {}
    for row_number, row in enumerate(table.as_values(exclude_columns=exclude), start=1):
        values = ["" if value is None else value for value in row]
        # Text keeps credit codes from being read back as numbers.
        sheet.append([v if isinstance(v, int | float) else str(v) for v in values])
        for column, value in enumerate(values, start=1):
            widths[column] = max(widths.get(column, 0), min(len(str(value)) * 2 + 2, 60))
        if row_number == 1:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 8)
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    ascii_name = slugify(filename) or "export"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}.xlsx\"; filename*=UTF-8''"
        + _quote(filename + ".xlsx")
    )
    return response


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value)
