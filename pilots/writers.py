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
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple
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


# A large sheet, streamed ---------------------------------------------------------------------
#
# openpyxl makes a Python cell object for every value, even in write-only mode: 50,000 rows of
# 14 columns took 8–50 s on the project's machine. `streamed_xlsx` writes the sheet's XML
# straight into the zip, row by row, with the same rule as every other download: each value
# goes through `neutralise`, and each text is an inline string, never a formula.


class Styled(NamedTuple):
    """A value with one of STREAM_STYLES' looks, for `streamed_xlsx`."""

    value: object
    style: str


# name -> (font, fill, alignment) of the few looks a streamed sheet has; ids follow the order.
_FONTS = (
    '<font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font>'
)
_FILLS = (
    '<fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F4F7"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/></patternFill></fill>'
)
# (numFmtId, fontId, fillId, alignment)
_XFS = {
    "": (0, 0, 0, ""),
    "header": (0, 1, 2, '<alignment vertical="center" wrapText="1"/>'),
    "error": (0, 2, 3, ""),
    "note": (0, 2, 0, '<alignment vertical="top" wrapText="1"/>'),
    "error_header": (0, 3, 3, '<alignment vertical="center" wrapText="1"/>'),
    "text": (49, 0, 0, ""),
    "date": (14, 0, 0, ""),
    "datetime": (22, 0, 0, ""),
    "time": (21, 0, 0, ""),
}
STREAM_STYLES = tuple(_XFS)
_XF_ID = {name: index for index, name in enumerate(_XFS)}
_EPOCH = datetime.datetime(1899, 12, 30)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# A text with none of these is written as it is: neutralise would not change it (unless it
# starts with = + - @ …, checked apart) and XML needs no escape in it.
_PLAIN_TEXT = re.compile(r"[^&<>\x00-\x08\x0b\x0c\x0e-\x1f]*").fullmatch


def _styles_xml() -> str:
    xfs = "".join(
        f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
        + (' applyNumberFormat="1"' if number else "")
        + (' applyFont="1"' if font else "")
        + (' applyFill="1"' if fill else "")
        + (f' applyAlignment="1">{alignment}</xf>' if alignment else "/>")
        for number, font, fill, alignment in _XFS.values()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{_MAIN}"><fonts count="4">{_FONTS}</fonts>'
        f'<fills count="4">{_FILLS}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="{len(_XFS)}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _cell_xml(reference: str, value: object, style: str) -> str:
    """One <c>: the value neutralised, a text inline (type "inlineStr"), never a formula."""
    if isinstance(value, str):
        value = neutralise(value)
        if not value:
            return f'<c r="{reference}" s="{_XF_ID[style]}"/>' if style else ""
        text = value.translate(_XML_ESCAPES)
        s = f' s="{_XF_ID[style]}"' if style else ""
        return (
            f'<c r="{reference}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        )
    if value is None:
        return f'<c r="{reference}" s="{_XF_ID[style]}"/>' if style else ""
    if isinstance(value, bool):
        kind, number = ' t="b"', str(int(value))
    elif isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        kind, number = "", repr(value)
    elif isinstance(value, datetime.datetime | datetime.date | datetime.time):
        style = style or _date_style(value)
        kind, number = "", repr(_excel_serial(value))
    else:
        return _cell_xml(reference, str(value), style)
    s = f' s="{_XF_ID[style]}"' if style else ""
    return f'<c r="{reference}"{s}{kind}><v>{number}</v></c>'


def _date_style(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return "date" if value.time() == datetime.time(0) else "datetime"
    return "date" if isinstance(value, datetime.date) else "time"


def _excel_serial(value: datetime.datetime | datetime.date | datetime.time) -> float:
    if isinstance(value, datetime.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(0))
    delta = value.replace(tzinfo=None) - _EPOCH
    return delta.days + delta.seconds / 86400


def streamed_xlsx(
    rows: Iterable[Sequence[object]],
    *,
    sheet_name: str,
    widths: dict[int, float] | None = None,
    freeze_below: int = 0,
    merged: Iterable[tuple[int, int, int, int]] = (),
) -> bytes:
    """A one-sheet .xlsx of the rows (row 1 first), written as they come.

    A value may be a `Styled` one; `widths` maps 1-based columns to widths; `freeze_below`
    freezes the rows up to it; `merged` holds (first row, first column, last row, last
    column), 1-based.
    """
    letters = [get_column_letter(index) for index in range(1, 16385)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types())
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        name = neutralise(sheet_name)[:31].translate(_XML_ESCAPES).replace('"', "&quot;")
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            f'<sheet name="{name or "Sheet1"}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", _styles_xml())
        with archive.open("xl/worksheets/sheet1.xml", "w") as raw:
            sheet = io.TextIOWrapper(raw, encoding="utf-8", write_through=False)
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_MAIN}">'
            )
            if freeze_below:
                sheet.write(
                    f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{freeze_below}" '
                    f'topLeftCell="A{freeze_below + 1}" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>"
                )
            if widths:
                sheet.write("<cols>")
                for column, width in sorted(widths.items()):
                    sheet.write(
                        f'<col min="{column}" max="{column}" width="{width}" customWidth="1"/>'
                    )
                sheet.write("</cols>")
            sheet.write("<sheetData>")
            plain, formula_starts = _PLAIN_TEXT, FORMULA_STARTS
            for number, values in enumerate(rows, 1):
                cells = []
                for letter, value in zip(letters, values, strict=False):
                    if value.__class__ is str:
                        if not value:
                            continue
                        if not value.startswith(formula_starts) and plain(value):
                            # Most texts: nothing to neutralise or escape (the same as below).
                            cells.append(
                                f'<c r="{letter}{number}" t="inlineStr"><is>'
                                f'<t xml:space="preserve">{value}</t></is></c>'
                            )
                            continue
                        cells.append(_cell_xml(f"{letter}{number}", value, ""))
                    elif value.__class__ is Styled:
                        cells.append(_cell_xml(f"{letter}{number}", value.value, value.style))
                    elif value is not None:
                        cells.append(_cell_xml(f"{letter}{number}", value, ""))
                if cells:
                    sheet.write(f'<row r="{number}">{"".join(cells)}</row>')
            sheet.write("</sheetData>")
            merged = list(merged)
            if merged:
                sheet.write(f'<mergeCells count="{len(merged)}">')
                for top, left, bottom, right in merged:
                    sheet.write(
                        f'<mergeCell ref="{letters[left - 1]}{top}:{letters[right - 1]}{bottom}"/>'
                    )
                sheet.write("</mergeCells>")
            sheet.write("</worksheet>")
            sheet.flush()
            sheet.detach()
    return buffer.getvalue()


def _content_types() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
        "</Types>"
    )
