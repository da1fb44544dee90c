"""The one way the site writes spreadsheets: every .xlsx and .csv it sends leaves through here.

- **No text a user typed ever becomes a formula.** `neutralise` is the one neutraliser: a text
  that starts with = + - @, a tab or a carriage return gets a leading apostrophe, which Excel and
  WPS read as "this is text" (in a .csv as when typed into a cell), and every text cell is
  stored with the text type ("s"), never as a formula. `xlsx_bytes` passes over every cell of a
  workbook before it is saved, so a workbook built or loaded elsewhere (the import template, the
  marked-up upload) cannot carry a formula out either. Characters an .xlsx cannot hold (control
  characters) are dropped rather than failing the download.
- **Every table reads well:** a bold, shaded, frozen header row and columns as wide as their
  content, a Chinese character counting twice (`style_header`, `fit_columns`).
- **Every download is named in the user's language** (`attachment`): the name in RFC 5987's
  filename*, with an ASCII name for old clients.

A module that writes a file builds its rows and hands them here; tests/pilots/test_writers.py
sends hostile names through every download the site offers and fails on a formula anywhere.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F4F7")
TITLE_FONT = Font(bold=True, size=13)
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(value: object) -> object:
    """A value safe for a spreadsheet cell or a .csv field (texts only; numbers pass)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def set_value(cell: Cell, value: object) -> Cell:
    """Put a value into a cell safely: neutralised, and a text always as text, never a formula."""
    cell.value = neutralise(value)
    if cell.data_type == "f":  # a formula object of a loaded workbook (array, data table)
        cell.value = neutralise(str(getattr(value, "text", None) or value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def safe_cell(sheet, value: object, *, font: Font | None = None) -> Cell:
    """A detached cell for `sheet.append` (normal and write-only sheets alike)."""
    cell = set_value(WriteOnlyCell(sheet), value)
    if font is not None:
        cell.font = font
    return cell


def append_row(sheet, values: Iterable[object], *, font: Font | None = None) -> None:
    sheet.append([safe_cell(sheet, value, font=font) for value in values])


def write_cell(sheet: Worksheet, *, row: int, column: int, value: object) -> Cell:
    return set_value(sheet.cell(row=row, column=column), value)


# Looks ------------------------------------------------------------------------------------------


def text_width(value: object) -> int:
    """How many Latin characters wide a value shows: a Chinese (wide) character counts twice."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in longest)


def width_for(values: Iterable[object]) -> float:
    return min(max([MIN_WIDTH, *(text_width(value) + 2 for value in values)]), MAX_WIDTH)


def fit_columns(sheet: Worksheet, rows: Sequence[Sequence[object]]) -> None:
    """Each column as wide as its widest value (within MIN_WIDTH and MAX_WIDTH)."""
    for index in range(max((len(row) for row in rows), default=0)):
        values = [row[index] for row in rows if index < len(row)]
        sheet.column_dimensions[get_column_letter(index + 1)].width = width_for(values)


def style_header(sheet: Worksheet, row: int) -> None:
    """Bold, shaded, and frozen (with the rows above it) while the rest scrolls."""
    for cell in sheet[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = f"A{row + 1}"


def add_table_sheet(
    workbook: Workbook,
    *,
    title: str,
    rows: Sequence[Sequence[object]],
    title_line: str | None = None,
) -> Worksheet:
    """A sheet holding one table (header row first), with an optional title line above it."""
    sheet = workbook.create_sheet(title)
    width = max((len(row) for row in rows), default=1) or 1
    if title_line is not None:
        append_row(sheet, [title_line], font=TITLE_FONT)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        sheet.row_dimensions[1].height = 24
    for row in rows:
        append_row(sheet, row)
    header_row = 2 if title_line is not None else 1
    if rows:
        style_header(sheet, header_row)
    fit_columns(sheet, rows)
    return sheet


# Saving and sending -----------------------------------------------------------------------------


def neutralise_workbook(workbook: Workbook) -> None:
    """Every cell of every sheet made safe: formulas become their text, risky texts get the '."""
    for sheet in workbook.worksheets:
        # The sheet's own cell store: iter_rows() would create every empty cell of the range.
        for cell in list(sheet._cells.values()):
            value = cell.value
            if cell.data_type == "f" or (
                isinstance(value, str)
                and (value.startswith(FORMULA_STARTS) or ILLEGAL_CHARACTERS_RE.search(value))
            ):
                set_value(cell, value)


def xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every cell checked (write-only ones were safe as written)."""
    if not workbook.write_only:
        neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ascii_name(fallback: str) -> str:
    """The fallback name for clients without RFC 5987: ASCII letters, digits, - _ . only."""
    safe = (c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in fallback)
    return "".join(safe).strip("-") or "download"


def attachment(filename: str, *, fallback: str) -> str:
    """A Content-Disposition header: the name in the user's language, and an ASCII one."""
    return f"attachment; filename=\"{ascii_name(fallback)}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(data: bytes | Workbook, *, filename: str, fallback: str) -> HttpResponse:
    if isinstance(data, Workbook):
        data = xlsx_bytes(data)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(filename, fallback=fallback)
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """A .csv, line by line, every field neutralised; a BOM first so Excel keeps the Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def csv_response(
    rows: Iterable[Sequence[object]], *, filename: str, fallback: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = attachment(filename, fallback=fallback)
    return response
