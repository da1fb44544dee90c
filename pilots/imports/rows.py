"""The data rows below a found header, as the reader (pilots/imports/read.py) streams them.

`Rows` builds them from the parsed sheet again on every pass, one at a time, skipping blank rows,
repeated headers and a totals row; `Row` is one of them, its cells by field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pilots.imports.cells import EMPTY, Cell, make_cell
from pilots.imports.formats import _error
from pilots.imports.headers import _says_total


@dataclass(slots=True)
class Row:
    number: int  # 1-based row number as Excel shows it
    values: dict[str, Cell]  # every mapped field is present; blanks are EMPTY


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
