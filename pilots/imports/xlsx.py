"""A streaming .xlsx reader: a sheet's rows one at a time, straight from the zipped XML.

calamine parses a whole sheet into memory before the first row can be read (about 150 MB at
its peak for a 100,000-row list, on top of Django's own 60–80 MB), so .xlsx, the format most
lists come in, is read here instead: shared strings once, then the sheet's rows as lxml
parses them, each dropped once read. The values are the ones calamine gives (numbers as
float, dates as date/datetime/time by the cell's number format, durations as timedelta, a
formula's cached value), so the rest of the reader cannot tell the two apart.

Only files that passed pilots/imports/formats.py's checks come here (no DTD, no entity, no
zip bomb, no cell beyond the grid limit); lxml is still told to resolve nothing.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT = "{http://purl.oclc.org/ooxml/spreadsheetml/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_R_STRICT = "{http://purl.oclc.org/ooxml/officeDocument/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Built-in number formats that are dates (calamine's list), and those that are durations.
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)})
_DURATION_FORMATS = frozenset({46})
_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]*)")


class XlsxError(Exception):
    """The workbook's structure is not what an .xlsx has."""


def _parser_options() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class Workbook:
    """The sheets of an .xlsx, read lazily; `rows(sheet)` streams one sheet."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        self._names = names
        main = self._target("", "_rels/.rels", "officeDocument") or "xl/workbook.xml"
        root = self._xml(main)
        base = posixpath.dirname(main)
        relations = self._relations(
            base, posixpath.join(base, "_rels", posixpath.basename(main) + ".rels")
        )
        self.date1904 = False
        self.sheets: list[tuple[str, str, bool]] = []  # (name, part, visible)
        for element in root.iter():
            name = _local(element.tag)
            if name == "workbookPr":
                self.date1904 = element.get("date1904", "").lower() in ("1", "true")
            elif name == "sheet":
                rid = element.get(_R + "id") or element.get(_R_STRICT + "id")
                kind, part = relations.get(rid, ("", ""))
                if kind == "worksheet" and part in names:
                    visible = element.get("state", "visible") == "visible"
                    self.sheets.append((element.get("name", ""), part, visible))
        by_kind = {kind: part for kind, part in relations.values()}
        self._shared_part = by_kind.get("sharedStrings")
        self._styles_part = by_kind.get("styles")
        self._shared: list[str] | None = None
        self._formats: list[str] | None = None

    # -- parts -----------------------------------------------------------------------------

    def _xml(self, part: str) -> etree._Element:
        with self.archive.open(part) as stream:
            return etree.parse(stream, etree.XMLParser(**_parser_options())).getroot()

    def _relations(self, base: str, part: str) -> dict[str, tuple[str, str]]:
        if part not in self._names:
            return {}
        found = {}
        for element in self._xml(part):
            target = element.get("Target", "")
            if element.get("TargetMode") == "External":
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(base, target))
            found[element.get("Id")] = (element.get("Type", "").rsplit("/", 1)[-1], path)
        return found

    def _target(self, base: str, part: str, kind: str) -> str | None:
        for found_kind, path in self._relations(base, part).values():
            if found_kind == kind and path in self._names:
                return path
        return None

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if self._shared_part and self._shared_part in self._names:
                with self.archive.open(self._shared_part) as stream:
                    for _event, item in etree.iterparse(
                        stream, tag=(_MAIN + "si", _STRICT + "si"), **_parser_options()
                    ):
                        self._shared.append(_text(item))
                        item.clear()
                        while item.getprevious() is not None:
                            del item.getparent()[0]
        return self._shared

    def number_formats(self) -> list[str]:
        """For every cell style (the cell's s="…"): "date", "duration" or ""."""
        if self._formats is None:
            self._formats = []
            if self._styles_part and self._styles_part in self._names:
                root = self._xml(self._styles_part)
                custom = {}
                for element in root.iter(_MAIN + "numFmt", _STRICT + "numFmt"):
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                for xfs in root.iter(_MAIN + "cellXfs", _STRICT + "cellXfs"):
                    for xf in xfs:
                        number = int(xf.get("numFmtId", "0") or 0)
                        self._formats.append(_format_kind(number, custom.get(number)))
        return self._formats

    # -- rows ------------------------------------------------------------------------------

    def rows(self, part: str) -> Iterator[tuple[int, list[Any]]]:
        """(0-based row index, values from column A) for every row that has a cell."""
        shared = self.shared_strings()
        formats = self.number_formats()
        epoch = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)
        index = -1
        columns = _COLUMNS
        with self.archive.open(part) as stream:
            for _event, row in etree.iterparse(
                stream, tag=(_MAIN + "row", _STRICT + "row"), **_parser_options()
            ):
                number = row.get("r")
                index = int(number) - 1 if number else index + 1
                values: list[Any] = []
                for cell in row:
                    if cell.tag not in _CELL_TAGS:
                        continue
                    reference = cell.get("r")
                    if reference:
                        column = columns.get(reference.rstrip(_DIGITS))
                        if column is None:
                            column = _column_index(reference)
                        if column > len(values):
                            values.extend([""] * (column - len(values)))
                    kind = cell.get("t")
                    if kind is None or kind == "n":
                        value = _number(cell, formats, epoch)
                    elif kind == "s":
                        value = _shared(cell, shared)
                    else:
                        value = _value(cell, kind)
                    values.append(value)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield index, values


_CELL_TAGS = frozenset({_MAIN + "c", _STRICT + "c"})
_VALUE_TAGS = frozenset({_MAIN + "v", _STRICT + "v"})
_DIGITS = "0123456789"
_INLINE_TAGS = frozenset({_MAIN + "is", _STRICT + "is"})
_TEXT_TAGS = frozenset({_MAIN + "t", _STRICT + "t"})


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_COLUMNS = {_letters(index): index for index in range(256)}


def _value_text(cell: etree._Element) -> str | None:
    for child in cell:
        if child.tag in _VALUE_TAGS:
            return child.text
    return None


def _shared(cell: etree._Element, shared: list[str]) -> str:
    text = _value_text(cell)
    if text is None:
        return ""
    try:
        return shared[int(text)]
    except (ValueError, IndexError) as exc:
        raise XlsxError(text) from exc


def _number(cell: etree._Element, formats: list[str], epoch: dt.datetime) -> Any:
    text = _value_text(cell)
    if text is None:
        return ""
    try:
        number = float(text)
    except ValueError as exc:
        raise XlsxError(text) from exc
    style = cell.get("s")
    if style and style != "0":
        try:
            look = formats[int(style)]
        except (ValueError, IndexError):
            look = ""
        if look == "date":
            return _date(number, epoch)
        if look == "duration":
            return dt.timedelta(days=number)
    return number


def _text(element: etree._Element) -> str:
    """A shared or inline string: its text runs, without the phonetic guide (rPh)."""
    parts = []
    for item in element.iter(_MAIN + "t", _STRICT + "t"):
        parent = item.getparent()
        if parent is not None and _local(parent.tag) == "rPh":
            continue
        parts.append(item.text or "")
    return "".join(parts)


def _column_index(reference: str) -> int:
    match = _CELL_REFERENCE.match(reference)
    if not match:
        raise XlsxError(reference)
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return number - 1


def _value(cell: etree._Element, kind: str) -> Any:
    """A cell that is neither a number nor a shared string."""
    if kind == "inlineStr":
        for child in cell:
            if child.tag in _INLINE_TAGS:
                if len(child) == 1 and child[0].tag in _TEXT_TAGS:
                    return child[0].text or ""  # one plain run, the usual case
                return _text(child)
        return ""
    text = _value_text(cell)
    if text is None:
        return ""
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    return text  # "str" (a formula's text) and "e" (an error such as #N/A)


def _date(serial: float, epoch: dt.datetime) -> Any:
    """As calamine gives it: a time below one day, a date on a whole day, else a datetime."""
    if not -693594 < serial < 2958466:  # outside years 1–9999: the number as it is
        return serial
    if 0 <= serial < 1:
        return (
            dt.datetime(2000, 1, 1) + dt.timedelta(milliseconds=round(serial * 86_400_000))
        ).time()
    if epoch.year == 1899 and serial < 60:
        serial += 1  # Excel's 29 February 1900 that never was
    moment = epoch + dt.timedelta(milliseconds=round(serial * 86_400_000))
    if moment.time() == dt.time(0):
        return moment.date()
    return moment


_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _format_kind(number: int, code: str | None) -> str:
    if code is None:
        if number in _DURATION_FORMATS:
            return "duration"
        return "date" if number in _DATE_FORMATS else ""
    code = _QUOTED.sub("", code)
    durations = [
        inner
        for inner in _BRACKETS.findall(code)
        if inner.lower() in ("h", "hh", "m", "mm", "s", "ss")
    ]
    if durations:
        return "duration"
    code = _BRACKETS.sub("", code).split(";", 1)[0].lower()
    if code == "general":
        return ""
    return "date" if any(letter in code for letter in "dmyhs") else ""
