"""Read an uploaded enterprise list (xlsx, xls, ods or csv) into header-mapped rows.

This is the reading half of the import: no database, no models. Files come from county
officials who type lists by hand in Excel or WPS, so the reader tolerates title rows, group
headers, blank lines and full-width characters. What may be parsed at all, and safely, is
pilots/imports/formats.py's judgement, made before a parser sees the file.

The rows are streamed: `open_table` finds the header and returns a table whose `rows` are
read from the parsed sheet again on every pass, one row at a time, so a 100,000-row list is
never held as 100,000 Python rows (`read_table` gives the same rows as a list, for small
files and tests). The headers looked for are pilots/imports/headers.py's, the streamed rows
pilots/imports/rows.py's; this module holds the table and the openers of each format.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

import python_calamine
from lxml import etree

from pilots.imports import xlsx
from pilots.imports.cells import make_cell, normalise_header
from pilots.imports.formats import (
    _ZIP_ERRORS,
    MAX_CELLS,
    MAX_UNZIPPED_BYTES,
    _calamine,
    _check_area,
    _decode_text,
    _error,
    _max_row_tag,
    check_file,
    detect_format,
    visible_sheets,
)
from pilots.imports.headers import (
    ENTERPRISES,
    HEADER_SCAN_ROWS,
    IGNORED_HEADERS,
    Column,
    Layout,
    _find_header,
    _Header,
)
from pilots.imports.rows import _NOWHERE, RawRows, Row, Rows


@dataclass
class Table:
    format: str
    sheet_name: str
    header_row: int  # 1-based
    columns: list[Column]
    unrecognised: list[str]  # non-empty headers matching no field (duplicates included)
    duplicates: list[str]  # headers ignored because an earlier column has the same field
    missing_required: list[str]
    # A list from read_table; a Rows stream (read again on every pass) from open_table.
    rows: list[Row] | Rows = field(default_factory=list)
    # Later visible sheets that hold a list too (one sheet a township, say): not read, and said
    # so on the preview, so nobody takes the first sheet for the whole workbook.
    other_sheets: list[str] = field(default_factory=list)


# -- reading ---------------------------------------------------------------------------------

# calamine parses a sheet into a compact grid outside Python, at its peak about 1.5 times the
# sheet's XML; that is kept while the rows are streamed from it (fast: 10,000 rows previewed and
# confirmed in under 2 s). Above this unzipped size an .xlsx is streamed from its XML instead
# (pilots/imports/xlsx.py, slower but flat in memory), so memory stays flat at any size.
STREAM_XLSX_ABOVE = 24 * 1024 * 1024


def _table(
    kind: str,
    sheet_name: str,
    header: _Header,
    raw: RawRows,
    max_rows: int,
    offset: int = 0,
    layout: Layout = ENTERPRISES,
) -> Table:
    """The table of a found header; ``offset`` is the parser's first column (calamine's rows
    start at the first used column, not at column A)."""
    unrecognised: list[str] = []
    duplicates: list[str] = []
    mapped: list[tuple[str, int]] = []
    taken: set[str] = set()
    for column in header.columns:
        if column.field in taken:
            duplicates.append(column.header)
            unrecognised.append(column.header)
            column.field = None
        elif column.field:
            taken.add(column.field)
            position = column.index - offset
            mapped.append((column.field, position if position >= 0 else _NOWHERE))
        elif normalise_header(column.header) not in IGNORED_HEADERS:
            unrecognised.append(column.header)
    texts = {column.field: column.header for column in header.columns if column.field}
    repeated_header = [(name, texts[name]) for name in layout.required if name in texts]
    return Table(
        format=kind,
        sheet_name=sheet_name,
        header_row=header.index + 1,
        columns=header.columns,
        unrecognised=unrecognised,
        duplicates=duplicates,
        missing_required=[name for name in layout.required if name not in taken],
        rows=Rows(raw, mapped, repeated_header, max_rows, layout.note_field, layout.keys),
    )


def _has_text(rows: list[list[Any]]) -> bool:
    return any(make_cell(value).text for values in rows for value in values)


def _open_csv(data: bytes, max_rows: int, layout: Layout) -> Table:
    text = _decode_text(data)
    if text is None:
        raise _error("unsupported")
    text = text.lstrip("\ufeff")
    lines = text[:65536].splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in lines))

    def records() -> Iterator[tuple[int, list[str]]]:
        return enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)

    try:
        head = [record for _number, record in islice(records(), HEADER_SCAN_ROWS)]
        if not _has_text(head):
            raise _error("empty")
        header = _find_header(head, 0, layout)
        if header is None:
            raise _error("no_header", **layout.no_header())
        table = _table(
            "csv",
            "",
            header,
            lambda: islice(records(), header.index + 1, None),
            max_rows,
            layout=layout,
        )
        # One pass now, which the text module parses fast: a broken quote or too many rows is
        # told at upload, and later passes of the same text cannot fail.
        len(table.rows)
    except csv.Error as exc:
        raise _error("corrupt") from exc
    return table


def _open_xlsx(data: bytes, max_rows: int, layout: Layout) -> Table:
    """A large .xlsx, streamed by pilots/imports/xlsx.py: rows are parsed again on every
    pass, and a row is dropped once read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        book = xlsx.Workbook(archive)
        sheets = [sheet for sheet in book.sheets if sheet[2]] or book.sheets
        saw_data = False
        for position, (name, part, _visible) in enumerate(sheets):
            first, head = _xlsx_head(book, part)
            if not _has_text(head):
                continue
            saw_data = True
            header = _find_header(head, first, layout)
            if header is None:
                continue
            body = _xlsx_body(book, part, header.index + 1)
            table = _table("xlsx", name, header, body, max_rows, layout=layout)
            if _max_row_tag(archive, archive.getinfo(part)) - header.index - 1 > max_rows:
                len(table.rows)  # so many row tags may hold too many rows: count them now
            table.other_sheets = [
                other
                for other, other_part, _ in sheets[position + 1 :]
                if _xlsx_has_header(book, other_part, layout)
            ]
            return table
    except _XLSX_ERRORS as exc:
        raise _error("corrupt") from exc
    if saw_data:
        raise _error("no_header", **layout.no_header())
    raise _error("empty")


def _xlsx_has_header(book: xlsx.Workbook, part: str, layout: Layout) -> bool:
    first, head = _xlsx_head(book, part)
    return _find_header(head, first, layout) is not None


def _xlsx_head(book: xlsx.Workbook, part: str) -> tuple[int, list[list[Any]]]:
    """The first row with a value (0-based) and the HEADER_SCAN_ROWS rows from it."""
    first = -1
    head: list[list[Any]] = []
    for index, values in book.rows(part):
        if first < 0:
            if not any(value != "" for value in values):
                continue
            first = index
        if index >= first + HEADER_SCAN_ROWS:
            break
        head.extend([] for _gap in range(index - first - len(head)))
        head.append(values)
    return first, head


def _xlsx_body(book: xlsx.Workbook, part: str, start: int) -> RawRows:
    def body() -> Iterator[tuple[int, list[Any]]]:
        try:
            for index, values in book.rows(part):
                if index >= start:
                    yield index + 1, values
        except _XLSX_ERRORS as exc:
            raise _error("corrupt") from exc

    return body


def _open_workbook(data: bytes, kind: str, max_rows: int, layout: Layout) -> Table:
    workbook = _calamine(python_calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    try:
        saw_data = False
        for index in visible_sheets(workbook):
            sheet = _calamine(workbook.get_sheet_by_index, index)
            if sheet.start is None or sheet.end is None:
                continue
            _check_area(sheet.end[0] + 1, sheet.end[1] + 1)  # xls is only checked here
            first = sheet.start[0]
            head = _calamine(sheet.to_python, skip_empty_area=False, nrows=first + HEADER_SCAN_ROWS)
            head = head[first:]
            if not _has_text(head):
                continue
            saw_data = True
            header = _find_header(head, first, layout)
            if header is None:
                continue
            # calamine's parsed sheet (compact, outside Python) stays; Python rows are built
            # from it one at a time on every pass. Its rows count from row 1, its columns from
            # the first used one.
            table = _table(
                kind,
                sheet.name,
                header,
                _sheet_body(sheet, header.index + 1),
                max_rows,
                offset=sheet.start[1],
                layout=layout,
            )
            if sheet.end[0] - header.index > max_rows:
                len(table.rows)  # so many lines may hold too many rows: count them now
            table.other_sheets = _other_workbook_lists(workbook, index, layout)
            return table
    finally:
        workbook.close()
    if saw_data:
        raise _error("no_header", **layout.no_header())
    raise _error("empty")


def _other_workbook_lists(workbook: Any, read: int, layout: Layout) -> list[str]:
    """The names of the visible sheets after the one read whose first rows hold a header."""
    names = []
    for index in visible_sheets(workbook):
        if index <= read:
            continue
        sheet = _calamine(workbook.get_sheet_by_index, index)
        if sheet.start is None or sheet.end is None:
            continue
        if (sheet.end[0] + 1) * (sheet.end[1] + 1) > MAX_CELLS:
            continue  # not a list anyone keeps by hand (and not worth reading to say so)
        first = sheet.start[0]
        head = _calamine(sheet.to_python, skip_empty_area=False, nrows=first + HEADER_SCAN_ROWS)
        if _find_header(head[first:], first, layout) is not None:
            names.append(sheet.name)
    return names


def _sheet_body(sheet: Any, start: int) -> RawRows:
    def body() -> Iterator[tuple[int, list[Any]]]:
        return islice(enumerate(_calamine(sheet.iter_rows), 1), start, None)

    return body


# What a damaged .xlsx raises while streamed (the zip's own errors, lxml's, the reader's).
_XLSX_ERRORS = (*_ZIP_ERRORS, etree.Error, xlsx.XlsxError)


def open_table(
    data: bytes,
    *,
    max_rows: int = 50_000,
    max_bytes: int = 10 * 1024 * 1024,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
    layout: Layout = ENTERPRISES,
) -> Table:
    """Find the header row of the first usable sheet; its rows are streamed (see Rows).

    Raises SpreadsheetError for anything that cannot or should not be read, too many rows
    included; a pass over the rows raises none.
    """
    kind = check_file(data, max_bytes, max_unzipped_bytes)
    if kind == "csv":
        return _open_csv(data, max_rows, layout)
    if kind == "xlsx" and _unzipped_size(data) > STREAM_XLSX_ABOVE:
        return _open_xlsx(data, max_rows, layout)
    return _open_workbook(data, kind, max_rows, layout)


def _unzipped_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def read_table(
    data: bytes,
    *,
    max_rows: int = 50_000,
    max_bytes: int = 10 * 1024 * 1024,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> Table:
    """The same table as open_table, its rows read once into a list."""
    table = open_table(
        data, max_rows=max_rows, max_bytes=max_bytes, max_unzipped_bytes=max_unzipped_bytes
    )
    table.rows = list(table.rows)
    return table


class UploadedSheet(NamedTuple):
    width: int  # columns, from A to the last used one
    rows: Iterator[list[Any]]  # from row 1, each from column A
    merged: list[tuple[int, int, int, int]]  # (top, left, bottom, right), 1-based


def sheet_rows(data: bytes, sheet_name: str, *, scanned: bool = False) -> UploadedSheet:
    """A workbook's sheet as the parser reads it (values, not formulas), every row from row 1
    and column A: the upload as it was, for the error workbook. Checked again first, as on
    upload; ``scanned`` (the very bytes passed the checks at upload) skips the XML scans."""
    kind = detect_format(data) if scanned else check_file(data, len(data), MAX_UNZIPPED_BYTES)
    if kind == "csv":
        raise ValueError("a .csv file has no sheets")
    workbook = _calamine(python_calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    try:
        names = workbook.sheet_names
        index = names.index(sheet_name) if sheet_name in names else visible_sheets(workbook)[0]
        sheet = _calamine(workbook.get_sheet_by_index, index)
    finally:
        workbook.close()
    if sheet.start is None or sheet.end is None:
        return UploadedSheet(0, iter(()), [])
    pad = [""] * sheet.start[1]

    def rows() -> Iterator[list[Any]]:
        for values in _calamine(sheet.iter_rows):
            yield pad + values if pad else values

    merged = [
        (top + 1, left + 1, bottom + 1, right + 1)
        for (top, left), (bottom, right) in sheet.merged_cell_ranges or ()
    ]
    return UploadedSheet(sheet.end[1] + 1, rows(), merged)
