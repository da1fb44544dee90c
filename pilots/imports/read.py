"""Read an uploaded enterprise list (xlsx, xls, ods or csv) into header-mapped rows.

This is the reading half of the import: no database, no models. Files come from county
officials who type lists by hand in Excel or WPS, so the reader tolerates title rows, group
headers, blank lines and full-width characters. What may be parsed at all, and safely, is
pilots/imports/formats.py's judgement, made before a parser sees the file.

The rows are streamed: `open_table` finds the header and returns a table whose `rows` are
read from the parsed sheet again on every pass, one row at a time, so a 100,000-row list is
never held as 100,000 Python rows (`read_table` gives the same rows as a list, for small
files and tests).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

import python_calamine
from lxml import etree

from pilots.imports import xlsx
from pilots.imports.cells import EMPTY as EMPTY
from pilots.imports.cells import Cell as Cell
from pilots.imports.cells import clean_text as clean_text
from pilots.imports.cells import make_cell as make_cell
from pilots.imports.cells import normalise_header as normalise_header
from pilots.imports.cells import parse_bool as parse_bool
from pilots.imports.cells import unneutralise as unneutralise
from pilots.imports.formats import (
    _ZIP_ERRORS,
    MAX_CELLS,
    _calamine,
    _check_area,
    _decode_text,
    _error,
    _max_row_tag,
    check_file,
    visible_sheets,
)
from pilots.imports.formats import MAX_UNZIPPED_BYTES as MAX_UNZIPPED_BYTES
from pilots.imports.formats import SpreadsheetError as SpreadsheetError
from pilots.imports.formats import detect_format as detect_format

# Field -> its headers: the template's own first, then other spellings seen in county lists.
# Compared after normalise_header(), so full-width brackets, spaces and "*" need no variants.
_SPELLINGS: dict[str, str] = {
    "name": "企业名称 单位名称 企业(单位)名称 名称 企业全称 公司名称 企业名",
    "credit_code": "统一社会信用代码 信用代码 社会信用代码 统一代码 "
    "组织机构代码(统一社会信用代码) 统一社会信用代码(组织机构代码)",
    "county": "县区 所属县区 县(区) 县(区、功能板块) 县区/功能板块 所在县区 区县 所属区县 "
    "县(市、区) 县市区",
    "township": "乡镇（街道） 乡镇 乡镇街道 所属乡镇 街道 所在乡镇 镇街 镇(街道) 乡镇/街道 街镇 "
    "乡(镇、街道) 镇(街)",
    "park": "园区 所在园区 开发区 所属园区/开发区 所属园区 所在开发区",
    "industry": "所属行业 行业 产业 所属产业 行业类别 行业分类 行业代码 国民经济行业分类",
    "core_industry": "核心产业 所属核心产业 重点产业 核心产业类别",
    "ownership": "企业性质 所有制 所有制性质 经济类型 所有制类型 经济性质 企业类型 单位性质 "
    "登记注册类型 注册类型",
    "state_controls": "国有资本是否控股 是否国有控股 是否国有资本控股 国有是否控股 国资是否控股",
    "employee_count": "职工人数 职工数 从业人数 员工人数 在职职工数 职工总数 从业人员数",
    "is_leading": "是否龙头企业 龙头企业 是否为龙头企业",
    "chain_position": "产业链位置 上下游 产业链上下游 产业链环节",
    "is_industry_education": "是否产教融合型企业 产教融合型企业 产教融合 是否产教融合企业",
    "contact_name": "联系人 联系人姓名 企业联系人",
    "contact_phone": "联系电话 电话 手机 联系方式 手机号码 手机号 联系人电话 联系人手机",
    "address": "地址 企业地址 详细地址 通讯地址 注册地址",
    "tier": "试点层级 层级 试点级别",
    "status": "试点状态 状态",
    "own_plan": "一企一策 一企一策方案",
    "cluster": "产业集群 所属产业集群",
    "remarks": "备注 说明 备注说明 其他说明 remarks",
}


class Layout:
    """The columns of one kind of list (pilots.imports.kinds): each field's headers (the
    template's own first), the required ones, the fields that mark the header row (one of them
    is needed), and the field whose cell alone makes no row (a note under the table)."""

    def __init__(
        self,
        spellings: dict[str, str],
        *,
        required: tuple[str, ...],
        keys: tuple[str, str],
        note_field: str = "remarks",
    ):
        self.fields: list[str] = list(spellings)
        self.required = required
        self.keys = keys
        self.note_field = note_field
        self.headers: dict[str, str] = {key: names.split()[0] for key, names in spellings.items()}
        self.synonyms: dict[str, tuple[str, ...]] = {
            key: tuple(names.split()) for key, names in spellings.items()
        }
        self.by_header = {
            normalise_header(name): key for key, names in self.synonyms.items() for name in names
        }

    def match(self, text: str) -> str | None:
        """The canonical field for a header cell, or None."""
        key = normalise_header(text)
        if not key:
            return None
        found = self.by_header.get(key)
        if found is None and key.endswith(")"):
            # "职工人数(人)", "联系电话(手机)": a unit or note after a known header.
            key = _TRAILING_NOTE.sub("", key)
            found = self.by_header.get(key)
        if found is None and key.startswith(_PLACE_PREFIXES):
            # "所在镇街", "所属园区", "所在行业": "where it lies" before a known header.
            found = self.by_header.get(key[2:])
        return found

    def no_header(self) -> dict:
        """The values of the "no header row" message."""
        first, second = self.keys
        return {
            "rows": HEADER_SCAN_ROWS,
            "name": self.headers[first],
            "credit_code": self.headers[second],
        }


_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_PLACE_PREFIXES = ("所在", "所属")
ENTERPRISES = Layout(
    _SPELLINGS, required=("name", "credit_code", "county"), keys=("name", "credit_code")
)
FIELDS: list[str] = ENTERPRISES.fields
REQUIRED_FIELDS: tuple[str, ...] = ENTERPRISES.required
HEADERS: dict[str, str] = ENTERPRISES.headers
SYNONYMS: dict[str, tuple[str, ...]] = ENTERPRISES.synonyms

# Columns every hand-made list has that carry nothing to import; not worth a warning.
IGNORED_HEADERS: frozenset[str] = frozenset({"序号", "编号", "行号"})
# A totals row under the table (合计 in the serial-number or the name column, no key of its own)
# is no record: lists end with one, often with a SUM of the employees.
TOTAL_WORDS: frozenset[str] = frozenset(
    {"合计", "总计", "小计", "共计", "总合计", "合计数", "total", "subtotal", "sum", "totals"}
)
_TOTAL_NOISE = re.compile(r"[\s\u3000:：]+")


def _says_total(values: list[Any], width: int, name_at: int) -> bool:
    """The row's first cell or its name (first key) cell says 合计, 总计 …"""
    for at in (0, name_at):
        if at < width:
            value = values[at]
            # Most rows fail the first, cheap tests (a name is longer, or holds no 计).
            if (
                value.__class__ is str
                and len(value) < 16
                and ("计" in value or value.lstrip()[:1] in ("T", "t", "S", "s"))
                and _TOTAL_NOISE.sub("", value).lower() in TOTAL_WORDS
            ):
                return True
    return False


HEADER_SCAN_ROWS = 20


@dataclass(slots=True)
class Column:
    index: int  # 0-based; column A is 0
    header: str
    field: str | None


@dataclass(slots=True)
class Row:
    number: int  # 1-based row number as Excel shows it
    values: dict[str, Cell]  # every mapped field is present; blanks are EMPTY


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


def match_header(text: str) -> str | None:
    """The enterprise list's field for a header cell, or None."""
    return ENTERPRISES.match(text)


# -- reading ---------------------------------------------------------------------------------


@dataclass
class _Header:
    index: int  # 0-based row index
    columns: list[Column]


def _find_header(
    rows: list[list[Any]], first_index: int = 0, layout: Layout = ENTERPRISES
) -> _Header | None:
    """The row with most known headers, needing two and one of the layout's keys (for the
    enterprise list: the name or the code).

    An empty header cell borrows the header of the cell above when that is a known header:
    in a two-row header, "企业名称" merged down over both rows sits in the upper row only.
    """
    best: _Header | None = None
    best_score = 1
    above: list[tuple[str, str | None]] = []
    for offset, values in enumerate(rows):
        # Headers keep their own spelling (full-width brackets and all) for messages.
        texts = [" ".join(v.split()) if isinstance(v, str) else make_cell(v).text for v in values]
        here = [(text, layout.match(text)) for text in texts]
        above.extend([("", None)] * (len(here) - len(above)))
        columns = []
        for index, (text, key) in enumerate(here):
            if not text and above[index][1]:
                text, key = above[index]
            if text:
                columns.append(Column(index, text, key))
        found = {column.field for column in columns} - {None}
        if len(found) > best_score and set(layout.keys) & found:
            best, best_score = _Header(first_index + offset, columns), len(found)
        above = here
    return best


# calamine parses a sheet into a compact grid outside Python, at its peak about 1.5 times the
# sheet's XML; that is kept while the rows are streamed from it (fast: 10,000 rows previewed and
# confirmed in under 2 s). Above this unzipped size an .xlsx is streamed from its XML instead
# (pilots/imports/xlsx.py, slower but flat in memory), so memory stays flat at any size.
STREAM_XLSX_ABOVE = 24 * 1024 * 1024

# The sheet's raw rows below the header, afresh on every call: (Excel row number, values).
RawRows = Callable[[], Iterable[tuple[int, list[Any]]]]
_NOWHERE = 1 << 30  # the position of a column the parser's rows do not reach


def _cell(value: Any, cache: dict[str, Cell]) -> Cell:
    """The cell of a value, one shared Cell per distinct text of a column (capped at 1,000:
    lists repeat a handful of values — county, 是/否, tier — down whole columns)."""
    if value.__class__ is not str:
        return make_cell(value)
    cell = cache.get(value)
    if cell is None:
        cell = make_cell(value)
        if len(cache) < 1000:
            cache[value] = cell
    return cell


class Rows:
    """The data rows below the header, read from the parsed sheet again on every pass.

    Each pass builds one row at a time (blank rows and repeated headers skipped), so holding
    a Rows costs the parsed sheet, never the rows. ``len()`` and ``bool()`` are known after a
    first full pass, or take one.
    """

    def __init__(
        self,
        raw: RawRows,
        mapped: list[tuple[str, int]],
        repeated_header: list[tuple[str, str]],
        max_rows: int,
        note_field: str = "remarks",
        keys: tuple[str, str] = ("name", "credit_code"),
    ) -> None:
        self._raw = raw
        self._mapped = mapped  # (field, position in the parser's row)
        self._repeated_header = repeated_header
        self._max_rows = max_rows
        self._note_field = note_field
        self._keys = keys
        self._count: int | None = None

    def __iter__(self) -> Iterator[Row]:
        # Lists repeat a handful of values (county, 是/否, tier) down whole columns: one shared
        # Cell per distinct text saves both the cleaning and the memory. Capped for unique
        # columns.
        mapped, repeated_header, max_rows = self._mapped, self._repeated_header, self._max_rows
        note_field = self._note_field
        first_key, second_key = self._keys
        name_at = dict(mapped).get(first_key, _NOWHERE)
        caches: list[dict[str, Cell]] = [{} for _ in mapped]
        count = 0
        for number, values in self._raw():
            width = len(values)
            row: dict[str, Cell] = {}
            blank = True
            for (name, index), cache in zip(mapped, caches, strict=True):
                cell = _cell(values[index] if index < width else None, cache)
                # A row with nothing but a remark is a note under the table, not an enterprise.
                if cell is not EMPTY and name != note_field:
                    blank = False
                row[name] = cell
            if blank:
                continue
            # A header repeated further down (lists pasted one under another) is no enterprise.
            matches = 0
            for name, text in repeated_header:
                if row[name].text == text:
                    matches += 1
            if matches >= 2:
                continue
            if row.get(second_key, EMPTY) is EMPTY and _says_total(values, width, name_at):
                continue
            count += 1
            if count > max_rows:
                raise _error("too_many_rows", limit=max_rows)
            yield Row(number, row)
        self._count = count

    def cells(self, name: str) -> Iterator[tuple[int, Cell | None]]:
        """(row number, the field's cell) of each row a pass yields: the same rows, counted and
        limited alike. Cheaper than a full pass (a preview's first one only wants the credit
        codes): the row's other cells are made only when needed to tell a blank row or a
        repeated header."""
        mapped, repeated_header, max_rows = self._mapped, self._repeated_header, self._max_rows
        position = dict(mapped)
        index = position.get(name, _NOWHERE)
        own_header = dict(repeated_header).get(name)
        # The other header cells, last first: the county (a handful of values, cached) before
        # the name (a new text each row), which then is made only when the county matched.
        others = [
            (column, position[column], text)
            for column, text in reversed(repeated_header)
            if column != name
        ]
        note_field = self._note_field
        first_key, second_key = self._keys
        name_at = position.get(first_key, _NOWHERE)
        second_at = position.get(second_key, _NOWHERE)
        rest = [at for column, at in mapped if column not in (name, note_field)]
        caches: dict[str, dict[str, Cell]] = {column: {} for column, _at in mapped}
        cache = caches.get(name, {})
        count = 0
        for number, values in self._raw():
            width = len(values)
            cell = _cell(values[index] if index < width else None, cache)
            if cell is EMPTY or name == note_field:
                # Blank unless another cell (not a remark) has something.
                for at in rest:
                    if make_cell(values[at] if at < width else None) is not EMPTY:
                        break
                else:
                    continue
            # A header repeated further down: two of its cells say what the header says.
            matches = 1 if own_header is not None and cell.text == own_header else 0
            for left, (column, at, text) in enumerate(others):
                if matches >= 2 or matches + len(others) - left < 2:
                    break
                if _cell(values[at] if at < width else None, caches[column]).text == text:
                    matches += 1
            if matches >= 2:
                continue
            if (name != second_key or cell is EMPTY) and _says_total(values, width, name_at):
                if name == second_key or second_at >= width:
                    continue  # a totals row: no key of its own
                if make_cell(values[second_at]) is EMPTY:
                    continue
            count += 1
            if count > max_rows:
                raise _error("too_many_rows", limit=max_rows)
            yield number, cell if name in position else None
        self._count = count

    def __len__(self) -> int:
        if self._count is None:
            for _row in self:
                pass
        return self._count or 0

    def __bool__(self) -> bool:
        if self._count is not None:
            return self._count > 0
        return next(iter(self), None) is not None


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
