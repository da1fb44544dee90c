"""Read an uploaded enterprise list (xlsx, xls, ods or csv) into header-mapped rows.

This is the reading half of the import: no database, no models. Files come from county
officials who type lists by hand in Excel or WPS, so the reader tolerates title rows, group
headers, blank lines and full-width characters, and refuses anything that could hurt the
server (zip bombs, XML entities, cells placed a million rows away) before a parser sees it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import Any, NamedTuple

import python_calamine
from django.utils.translation import gettext_lazy as _

from pilots.writers import FORMULA_STARTS
from reform.files import zip_sizes_are_sane

# Field -> its headers: the template's own first, then other spellings seen in county lists.
# Compared after normalise_header(), so full-width brackets, spaces and "*" need no variants.
_SPELLINGS: dict[str, str] = {
    "name": "企业名称 单位名称 企业(单位)名称 名称 企业全称 公司名称 企业名",
    "credit_code": "统一社会信用代码 信用代码 社会信用代码 统一代码 "
    "组织机构代码(统一社会信用代码) 统一社会信用代码(组织机构代码)",
    "county": "县区 所属县区 县(区) 县(区、功能板块) 县区/功能板块 所在县区 区县 所属区县 "
    "县(市、区) 县市区",
    "township": "乡镇（街道） 乡镇 乡镇街道 所属乡镇 街道 所在乡镇 镇街",
    "park": "园区 所在园区 开发区 所属园区/开发区 所属园区 所在开发区",
    "industry": "所属行业 行业 产业 所属产业 行业类别 行业分类 行业代码 国民经济行业分类",
    "core_industry": "核心产业 所属核心产业 重点产业 核心产业类别",
    "ownership": "企业性质 所有制 所有制性质 经济类型 所有制类型 经济性质",
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
}
FIELDS: list[str] = list(_SPELLINGS)
REQUIRED_FIELDS: tuple[str, ...] = ("name", "credit_code", "county")
HEADERS: dict[str, str] = {key: names.split()[0] for key, names in _SPELLINGS.items()}
SYNONYMS: dict[str, tuple[str, ...]] = {
    key: tuple(names.split()) for key, names in _SPELLINGS.items()
}

# Columns every hand-made list has that carry nothing to import; not worth a warning.
IGNORED_HEADERS: frozenset[str] = frozenset({"序号", "编号", "行号"})

FORMATS = ("xlsx", "xls", "ods", "csv")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Calamine allocates a dense grid (32 bytes a cell) from the first to the last used cell and
# aborts the whole process if that fails, so the grid size is checked before parsing.
MAX_CELLS = 6_000_000
HEADER_SCAN_ROWS = 20


class SpreadsheetError(Exception):
    """A file we will not read; ``message % params`` is safe to show to the uploader.

    Mirrors ``ValidationError(message, code, params)`` so a form can re-raise it as one.
    """

    def __init__(self, message: Any, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _error(code: str, **params: Any) -> SpreadsheetError:
    return SpreadsheetError(_MESSAGES[code], code, params)


_MESSAGES: dict[str, Any] = {
    "empty_file": _("The file is empty."),
    "unsupported": _(
        "The file is not an Excel, WPS or CSV spreadsheet. Save it as .xlsx and upload it again."
    ),
    "web_page": _(
        "The file is a web page, not a spreadsheet, even if its name ends in .xls. "
        "Open it in Excel or WPS, save it as .xlsx and upload it again."
    ),
    "xlsb": _("Binary workbooks (.xlsb) are not accepted. Save it as .xlsx and upload it again."),
    "too_large": _("The file is larger than %(limit)s MB. Split it into smaller files."),
    "zip_bomb": _(
        "The file expands to an unreasonable size when opened. "
        "Save it again in Excel or WPS and upload the new file."
    ),
    "macro": _(
        "Workbooks with macros (.xlsm) are not accepted. "
        "Save it as an ordinary .xlsx workbook and upload it again."
    ),
    "encrypted": _(
        "The file is password-protected. Remove the password in Excel and upload it again."
    ),
    "unsafe_xml": _(
        "The file contains XML features that spreadsheets never use. "
        "Save it again in Excel or WPS and upload the new file."
    ),
    "corrupt": _(
        "The file is damaged or incomplete. Open it in Excel or WPS, save it again "
        "and upload the new file."
    ),
    "sheet_too_large": _(
        "The sheet has content far outside the table (up to row %(row)s, column %(column)s). "
        "Delete the stray cells and upload it again."
    ),
    "empty": _("The file contains no data."),
    "no_header": _(
        "No header row was found in the first %(rows)s rows. The header row must contain "
        "“%(name)s” or “%(credit_code)s” and at least one other known column."
    ),
    "too_many_rows": _(
        "The sheet has more than %(limit)s data rows. Split it into files of at most "
        "%(limit)s rows."
    ),
}


class Cell(NamedTuple):
    text: str  # normalised and stripped; "" for an empty cell
    raw: Any  # the value as the reader returned it
    was_number: bool  # stored as a number: long codes have lost digits past the 15th


EMPTY = Cell("", "", False)  # shared, so blank cells cost nothing per row


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
    rows: list[Row] = field(default_factory=list)


# -- text ------------------------------------------------------------------------------------

_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({0x3000: 0x20, 0xA0: 0x20})
_HALF_WIDTH.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
# Most cells need none of the work below; the search lets them take the fast path.
_NEEDS_CLEANING = re.compile(
    "[\uff01-\uff5e\u3000\xa0\u200b-\u200d\u2060\ufeff\t\n\r\x0b\x0c\u2000-\u200a\u202f\u205f]|  "
)
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_HEADER_DECORATION = re.compile(r"^\*+|(?:\*|\(必填\)|\(选填\)|:)+$")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


def clean_text(text: str) -> str:
    """Half-width ASCII, no invisible characters, whitespace runs collapsed and trimmed."""
    if not _NEEDS_CLEANING.search(text):
        return text.strip()
    return " ".join(text.translate(_HALF_WIDTH).split())


def normalise_header(text: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()
    return _HEADER_DECORATION.sub("", text)


_FIELD_BY_HEADER = {
    normalise_header(name): key for key, names in SYNONYMS.items() for name in names
}


def match_header(text: str) -> str | None:
    """The canonical field for a header cell, or None."""
    key = normalise_header(text)
    if not key:
        return None
    found = _FIELD_BY_HEADER.get(key)
    if found is None and key.endswith(")"):
        # "职工人数(人)", "联系电话(手机)": a unit or note after a known header.
        found = _FIELD_BY_HEADER.get(_TRAILING_NOTE.sub("", key))
    return found


_TRUE = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔"})
_FALSE = frozenset({"否", "n", "no", "false", "0", "×", "✗", "✘"})


def parse_bool(text: str | None) -> bool | None:
    """是/否, Y/N, yes/no, true/false, 1/0, √/×; None when blank; ValueError otherwise."""
    key = unicodedata.normalize("NFKC", text or "").strip().lower()
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def _number_text(value: float) -> str:
    if value.is_integer():
        if abs(value) < 1e15:
            return str(int(value))
        # Excel shows (and kept) 15 significant digits; the binary noise after them is not data.
        return str(int(Decimal(f"{value:.15g}")))
    return f"{value:.15g}"


def unneutralise(text: str) -> str:
    """A text as it was before pilots/writers.py put its apostrophe in front ('=…, '+86…), so a
    list the site wrote, or its marked-up upload, reads back exactly when sent in again."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def make_cell(value: Any) -> Cell:
    if isinstance(value, str):
        text = clean_text(unneutralise(value))
        return Cell(text, value, False) if text else EMPTY
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", value, False)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Cell("", value, True)
        return Cell(_number_text(value), value, True)
    if isinstance(value, int):
        return Cell(str(value), value, True)
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time(0)
        return Cell(value.date().isoformat() if midnight else value.isoformat(" "), value, False)
    if isinstance(value, dt.date | dt.time):
        return Cell(value.isoformat(), value, False)
    return Cell(clean_text(str(value)), value, False)


# -- format detection ------------------------------------------------------------------------

# What zipfile raises for damaged or odd archives (RuntimeError: an encrypted member).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFA  # every sector id at or above this is a marker, not a sector


def _ole_names(data: bytes) -> set[str]:
    """Names in a compound file's directory: enough to tell xls from an encrypted xlsx."""
    try:
        size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        if size not in (512, 4096):
            raise ValueError(size)
        per_sector = size // 4
        # No honest count or chain is longer than the file has sectors; this also ends cycles.
        limit = len(data) // size
        fat_count, sector = struct.unpack_from("<II", data, 0x2C)
        next_difat, difat_count = struct.unpack_from("<II", data, 0x44)
        fat_count = min(fat_count, limit)
        fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
        for _step in range(min(difat_count, limit)):
            if next_difat >= _END_OF_CHAIN or len(fat_sectors) >= fat_count:
                break
            ids = struct.unpack_from(f"<{per_sector}I", data, (next_difat + 1) * size)
            fat_sectors.extend(ids[:-1])
            next_difat = ids[-1]
        fat_sectors = fat_sectors[:fat_count]
        names: set[str] = set()
        for _step in range(limit):
            if sector >= _END_OF_CHAIN:
                break
            start = (sector + 1) * size
            for entry in range(start, start + size, 128):
                length = struct.unpack_from("<H", data, entry + 64)[0]
                if 2 <= length <= 64 and data[entry + 66] in (1, 2, 5):
                    names.add(data[entry : entry + length - 2].decode("utf-16-le", "replace"))
            fat_sector = fat_sectors[sector // per_sector]
            offset = (fat_sector + 1) * size + sector % per_sector * 4
            sector = struct.unpack_from("<I", data, offset)[0]
    except (struct.error, IndexError, ValueError) as exc:
        raise _error("corrupt") from exc
    if not names:
        raise _error("corrupt")
    return names


def _check_zip_sizes(archive: zipfile.ZipFile, max_unzipped_bytes: int) -> None:
    if not zip_sizes_are_sane(archive, max_unzipped_bytes):
        raise _error("zip_bomb")


def _zip_format(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = archive.open("mimetype").read(100)
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
    if "[Content_Types].xml" not in names:
        raise _error("unsupported")
    types = archive.open("[Content_Types].xml").read(1024 * 1024).lower()
    if b"macroenabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _error("macro")
    if b"sheet.binary" in types or "xl/workbook.bin" in names:
        raise _error("xlsb")
    if not any(n.startswith("xl/") for n in names):
        raise _error("unsupported")
    return "xlsx"


# Control characters no text file has; tab, line breaks, form feed and DOS's Ctrl-Z are fine.
_CONTROL = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]")


def _decode_text(data: bytes) -> str | None:
    """The file as text if it is text in an encoding a Chinese Excel or WPS would write."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode text" export
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else text
    return None


def _detect(data: bytes, max_unzipped_bytes: int) -> str:
    if not data:
        raise _error("empty_file")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            _check_zip_sizes(archive, max_unzipped_bytes)
            return _zip_format(archive)
        except _ZIP_ERRORS as exc:
            raise _error("corrupt") from exc
    if data.startswith(_OLE_MAGIC):
        names = _ole_names(data)
        if {"EncryptionInfo", "EncryptedPackage"} & names:
            raise _error("encrypted")
        if {"Workbook", "Book"} & names:
            if "_VBA_PROJECT_CUR" in names:
                raise _error("macro")
            return "xls"
        raise _error("unsupported")
    text = _decode_text(data[: 1024 * 1024])
    if text is None and len(data) > 1024 * 1024:
        # The 1 MB cut may have split a multi-byte character; judge the whole file instead.
        text = _decode_text(data)
    if text is None:
        raise _error("unsupported")
    if text.lstrip("\ufeff \t\r\n")[:1] == "<":
        raise _error("web_page")
    return "csv"


def detect_format(data: bytes) -> str:
    """'xlsx', 'xls', 'ods' or 'csv', judged by content alone; SpreadsheetError otherwise."""
    return _detect(data, MAX_UNZIPPED_BYTES)


# -- safety scans of zipped XML, before calamine sees it -------------------------------------

_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_SCAN_CHUNK = 1024 * 1024


def _check_prolog(head: bytes) -> None:
    """Refuse any DTD: spreadsheets never have one, and entities are the billion-laughs bomb."""
    head = _COMMENT.sub(b"", head).split(b"<!--", 1)[0]
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered or not _ELEMENT_START.search(head):
        raise _error("unsafe_xml")


def _chunks(stream: Any, boundary: bytes, tail: bytes = b"") -> Iterator[bytes]:
    """Blocks of the stream (after ``tail``), each cut just before ``boundary``, so no tag
    is split between two blocks."""
    while block := stream.read(_SCAN_CHUNK):
        buffer = tail + block
        cut = buffer.rfind(boundary)
        if cut <= 0:
            if len(buffer) > 8 * _SCAN_CHUNK:
                raise _error("corrupt")
            tail = buffer
            continue
        yield buffer[:cut]
        tail = buffer[cut:]
    if tail:
        yield tail


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _check_area(rows: int, columns: int) -> None:
    if rows * columns > MAX_CELLS:
        raise _error("sheet_too_large", row=rows, column=_column_name(max(columns - 1, 0)))


# A cell with content (not self-closing), with its reference when it has one.
_XLSX_CELL = re.compile(
    rb'<(?:\w+:)?c(?=[\s>])(?:[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})")?[^>]*(?<!/)>'
)
_XLSX_ROW = re.compile(rb'<(?:\w+:)?row(?=[\s>/])(?:[^>]*?\sr="([0-9]{1,7})")?')


def _scan_xlsx(archive: zipfile.ZipFile) -> None:
    # Every part, whatever its name: the relationships may put a sheet anywhere.
    for info in archive.infolist():
        with archive.open(info) as stream:
            head = stream.read(64 * 1024)
            if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                continue  # an image or printer settings: nothing calamine parses as XML
            _check_prolog(head)
            max_row = max_column = loose_cells = 0
            for chunk in _chunks(stream, b"<", head):
                found = _XLSX_CELL.findall(chunk)
                if not found:
                    continue
                letters, digits = zip(*found, strict=True)
                loose_cells += digits.count(b"")
                max_row = max(max_row, max(map(int, filter(None, digits)), default=0))
                for column in set(letters) - {b""}:
                    max_column = max(max_column, _column_number(column))
            if loose_cells:
                # Cells without a reference continue from the previous one, so bound both ways.
                max_column += loose_cells
                max_row = _max_row_tag(archive, info) + loose_cells
            _check_area(max_row, max_column)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _max_row_tag(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    highest = count = 0
    with archive.open(info) as stream:
        for chunk in _chunks(stream, b"<"):
            found = _XLSX_ROW.findall(chunk)
            count += len(found)
            highest = max(highest, max(map(int, filter(None, found)), default=0))
    return highest + count


_ODS_ROW = re.compile(rb"<table:table-row(?=[\s>])([^>]*)>(.*?)</table:table-row>", re.DOTALL)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="([0-9]+)"')


def _scan_ods(archive: zipfile.ZipFile) -> None:
    """Bound the grid that repeated rows and cells would expand to (a tiny file can ask for
    a billion cells). Repeats of empty rows and cells are normal and cost calamine nothing."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rdf")):
            continue
        with archive.open(info) as stream:
            head = stream.read(64 * 1024)
            _check_prolog(head)
            if info.filename != "content.xml":
                continue
            row = max_row = max_column = 0
            for chunk in _chunks(stream, b"<table:table-row", head):
                previous = 0
                for match in _ODS_ROW.finditer(chunk):
                    if b"<table:table " in chunk[previous : match.start()]:
                        row = 0  # a new sheet starts counting again
                    previous = match.end()
                    attributes, body = match.groups()
                    repeat = _ODS_REPEAT.search(attributes)
                    row += int(repeat.group(1)) if repeat else 1
                    if b"office:value-type" not in body and b"<text:" not in body:
                        continue
                    max_row = max(max_row, row)
                    max_column = max(max_column, _ods_row_width(body))
                    _check_area(max_row, max_column)
                if b"<table:table " in chunk[previous:]:
                    row = 0


def _ods_row_width(body: bytes) -> int:
    if b"repeated" not in body:
        return body.count(b"<table:")  # cells and their paragraphs: an upper bound is enough
    column = width = 0
    for match in _ODS_CELL.finditer(body):
        attributes, closed = match.groups()
        repeat = _ODS_REPEAT.search(attributes)
        column += int(repeat.group(1)) if repeat else 1
        if not closed or b"office:value-type" in attributes:
            width = column
    return width


# -- reading ---------------------------------------------------------------------------------


@dataclass
class _Header:
    index: int  # 0-based row index
    columns: list[Column]


def _find_header(rows: list[list[Any]], first_index: int = 0) -> _Header | None:
    """The row with most known headers, needing two and the enterprise name or code.

    An empty header cell borrows the header of the cell above when that is a known header:
    in a two-row header, "企业名称" merged down over both rows sits in the upper row only.
    """
    best: _Header | None = None
    best_score = 1
    above: list[tuple[str, str | None]] = []
    for offset, values in enumerate(rows):
        # Headers keep their own spelling (full-width brackets and all) for messages.
        texts = [" ".join(v.split()) if isinstance(v, str) else make_cell(v).text for v in values]
        here = [(text, match_header(text)) for text in texts]
        above.extend([("", None)] * (len(here) - len(above)))
        columns = []
        for index, (text, key) in enumerate(here):
            if not text and above[index][1]:
                text, key = above[index]
            if text:
                columns.append(Column(index, text, key))
        found = {column.field for column in columns} - {None}
        if len(found) > best_score and {"name", "credit_code"} & found:
            best, best_score = _Header(first_index + offset, columns), len(found)
        above = here
    return best


def _table(
    kind: str,
    sheet_name: str,
    header: _Header,
    body: Iterable[tuple[int, list[Any]]],
    max_rows: int,
) -> Table:
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
            mapped.append((column.field, column.index))
        elif normalise_header(column.header) not in IGNORED_HEADERS:
            unrecognised.append(column.header)
    table = Table(
        format=kind,
        sheet_name=sheet_name,
        header_row=header.index + 1,
        columns=header.columns,
        unrecognised=unrecognised,
        duplicates=duplicates,
        missing_required=[name for name in REQUIRED_FIELDS if name not in taken],
    )
    # Lists repeat a handful of values (county, 是/否, tier) down whole columns: one shared
    # Cell per distinct text saves both the cleaning and the memory. Capped for unique columns.
    caches: list[dict[str, Cell]] = [{} for _ in mapped]
    texts = {column.field: column.header for column in header.columns if column.field}
    repeated_header = [(name, texts[name]) for name in REQUIRED_FIELDS if name in texts]
    rows = table.rows
    for number, values in body:
        width = len(values)
        row: dict[str, Cell] = {}
        blank = True
        for (name, index), cache in zip(mapped, caches, strict=True):
            value = values[index] if index < width else None
            if value.__class__ is str:
                cell = cache.get(value)
                if cell is None:
                    cell = make_cell(value)
                    if len(cache) < 1000:
                        cache[value] = cell
            else:
                cell = make_cell(value)
            if cell is not EMPTY:
                blank = False
            row[name] = cell
        if blank:
            continue
        # A header repeated further down (lists pasted one under another) is not an enterprise.
        if sum(row[name].text == text for name, text in repeated_header) >= 2:
            continue
        if len(rows) >= max_rows:
            raise _error("too_many_rows", limit=max_rows)
        rows.append(Row(number, row))
    return table


def _has_text(rows: list[list[Any]]) -> bool:
    return any(make_cell(value).text for values in rows for value in values)


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode_text(data)
    if text is None:
        raise _error("unsupported")
    text = text.lstrip("\ufeff")
    lines = text[:65536].splitlines()[:HEADER_SCAN_ROWS]
    delimiter = max(",\t;", key=lambda d: sum(line.count(d) for line in lines))
    records = enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    try:
        head = list(islice(records, HEADER_SCAN_ROWS))
        if not _has_text([record for _number, record in head]):
            raise _error("empty")
        header = _find_header([record for _number, record in head])
        if header is None:
            raise _error("no_header", **_NO_HEADER)
        return _table("csv", "", header, chain(head[header.index + 1 :], records), max_rows)
    except csv.Error as exc:
        raise _error("corrupt") from exc


def _release(grid: list[list[Any]], start: int) -> Iterator[tuple[int, list[Any]]]:
    # Drop each raw row once read so the grid and the rows built from it never both peak.
    for index in range(start, len(grid)):
        values = grid[index]
        grid[index] = []
        yield index + 1, values


def _calamine(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except python_calamine.PasswordError as exc:
        raise _error("encrypted") from exc
    except Exception as exc:
        raise _error("corrupt") from exc
    except BaseException as exc:
        # A Rust panic surfaces as pyo3's PanicException, which is not an Exception.
        if type(exc).__name__ == "PanicException":
            raise _error("corrupt") from exc
        raise


def _read_workbook(data: bytes, kind: str, max_rows: int) -> Table:
    workbook = _calamine(python_calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    try:
        sheets = [
            index
            for index, meta in enumerate(workbook.sheets_metadata)
            if meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ] or list(range(len(workbook.sheet_names)))
        saw_data = False
        for index in sheets:
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
            header = _find_header(head, first)
            if header is None:
                continue
            grid = _calamine(sheet.to_python, skip_empty_area=False)
            name = sheet.name
            del sheet  # frees calamine's copy of the grid before rows are built
            return _table(kind, name, header, _release(grid, header.index + 1), max_rows)
    finally:
        workbook.close()
    if saw_data:
        raise _error("no_header", **_NO_HEADER)
    raise _error("empty")


_NO_HEADER = {
    "rows": HEADER_SCAN_ROWS,
    "name": HEADERS["name"],
    "credit_code": HEADERS["credit_code"],
}


def read_table(
    data: bytes,
    *,
    max_rows: int = 50_000,
    max_bytes: int = 10 * 1024 * 1024,
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES,
) -> Table:
    """Find the header row of the first usable sheet and return the rows below it.

    Raises SpreadsheetError for anything that cannot or should not be read.
    """
    if len(data) > max_bytes:
        raise _error("too_large", limit=f"{max_bytes / 1024 / 1024:g}")
    kind = _detect(data, max_unzipped_bytes)
    if kind == "csv":
        return _read_csv(data, max_rows)
    if kind in ("xlsx", "ods"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                (_scan_xlsx if kind == "xlsx" else _scan_ods)(archive)
        except _ZIP_ERRORS as exc:
            raise _error("corrupt") from exc
    return _read_workbook(data, kind, max_rows)
