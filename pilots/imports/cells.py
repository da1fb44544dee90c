"""One spreadsheet cell as the import sees it: its text, cleaned (half-width, no invisible
characters, numbers as Excel shows them), its raw value, and whether it was stored as a number.
No database, no models; pilots/imports/rows.py builds rows of these."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, NamedTuple

from pilots.writers import FORMULA_STARTS


class Cell(NamedTuple):
    text: str  # normalised and stripped; "" for an empty cell
    raw: Any  # the value as the reader returned it
    was_number: bool  # stored as a number: long codes have lost digits past the 15th


EMPTY = Cell("", "", False)  # shared, so blank cells cost nothing per row


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


def clean_text(text: str) -> str:
    """Half-width ASCII, no invisible characters, whitespace runs collapsed and trimmed."""
    if not _NEEDS_CLEANING.search(text):
        return text.strip()
    return " ".join(text.translate(_HALF_WIDTH).split())


_TYPED_SPACES = re.compile(r"[\s\u3000\xa0]+")
_TYPED_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")


def as_typed(cell: Cell) -> str:
    """A text cell as the user typed it, for prose kept as written (a report's headline):
    invisible characters gone and spaces folded, but full-width punctuation kept (东海县：…),
    which `Cell.text` folds to half-width for comparing."""
    if not isinstance(cell.raw, str):
        return cell.text
    text = _TYPED_INVISIBLE.sub("", unneutralise(cell.raw))
    return _TYPED_SPACES.sub(" ", text).strip()


def normalise_header(text: str) -> str:
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).lower()
    return _HEADER_DECORATION.sub("", text)


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
