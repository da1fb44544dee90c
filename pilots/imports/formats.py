"""Is an upload a spreadsheet we will read, and is it safe to parse?

The first half of reading an upload (pilots/imports/read.py is the second): the format is
judged by content alone, never by the file's name, and anything that could hurt the server
(zip bombs, XML entities, cells placed a million rows away) is refused before a parser sees it.
No database, no models.
"""

from __future__ import annotations

import io
import operator
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import python_calamine
from django.utils.translation import gettext_lazy as _

from reform.files import zip_sizes_are_sane

FORMATS = ("xlsx", "xls", "ods", "csv")
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# Calamine allocates a dense grid (32 bytes a cell) from the first to the last used cell and
# aborts the whole process if that fails, so the grid size is checked before parsing.
MAX_CELLS = 6_000_000


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
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
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
                # Distinct numbers and letters only (a row's cells repeat its number), taken
                # without unpacking the matches: zip(*found) costs more than the search.
                numbers = set(map(_SECOND, found))
                if b"" in numbers:
                    loose_cells += list(map(_SECOND, found)).count(b"")
                    numbers.discard(b"")
                max_row = max(max_row, max(map(int, numbers), default=0))
                for column in set(map(_FIRST, found)) - {b""}:
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


def check_file(data: bytes, max_bytes: int, max_unzipped_bytes: int) -> str:
    """The file's format, once it passed every check that comes before parsing."""
    if len(data) > max_bytes:
        raise _error("too_large", limit=f"{max_bytes / 1024 / 1024:g}")
    kind = _detect(data, max_unzipped_bytes)
    if kind in ("xlsx", "ods"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                (_scan_xlsx if kind == "xlsx" else _scan_ods)(archive)
        except _ZIP_ERRORS as exc:
            raise _error("corrupt") from exc
    return kind


def visible_sheets(workbook: Any) -> list[int]:
    """The visible worksheets' indexes (all sheets if none is)."""
    return [
        index
        for index, meta in enumerate(workbook.sheets_metadata)
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ] or list(range(len(workbook.sheet_names)))
