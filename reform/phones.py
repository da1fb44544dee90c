"""Telephone numbers as people in China write them. No database here.

A phone is a mobile number (11 digits starting with 1) or a landline with its area code: 0 and
2 or 3 digits (010 and 020–029 have 2 after the 0, every other area code 3), then a local number of
7 or 8 digits, an extension allowed. It may be written with spaces, dashes, brackets, dots,
full-width characters, a +86 or 0086 in front, and the extension after 转, 分机, ext or a dash.

The stored form, what `normalise_phone` returns:

- a mobile number: its 11 digits, ``13905181234`` (no +86);
- a landline: area code, a hyphen, the local number, ``0518-85801234``;
- with an extension: another hyphen and the extension, ``0518-85801234-806``.

A landline whose leading 0 is gone (Excel keeps a number typed into a number cell as a number,
and a number has no leading zero: 0518-85801234 becomes 51885801234) is refused with a message
of its own saying how to fix the column; it is never stored with the 0 guessed back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

MOBILE_LENGTH = 11
LOCAL_LENGTHS = (7, 8)
MAX_EXTENSION = 6
EXAMPLE_AREA_CODE = "0518"  # 连云港, in messages that ask for an area code

MESSAGES: dict[str, Any] = {
    "letters": _(
        "A phone number holds digits only, but this one has letters: %(letters)s. Write just "
        "the number, e.g. 13905181234 or 0518-85801234 (an extension after 转)."
    ),
    "characters": _(
        "A phone number holds digits and separators (spaces, -, brackets) only; this one has "
        "%(characters)s."
    ),
    "several": _("Only one phone number fits here; keep one and write the others in the remarks."),
    "lost_zero_number": _(
        "Excel stored this phone number as a number and dropped its leading 0 (the cell holds "
        "%(number)s; the number is probably %(suggestion)s). Format the phone column as text, "
        "then type the number again with its 0."
    ),
    "lost_zero": _(
        "The area code has lost its leading 0 (probably %(suggestion)s). Write the 0; in a "
        "spreadsheet, format the phone column as text first, or Excel drops it again."
    ),
    "no_area_code": _(
        "A landline needs its area code: write it in front of the number, e.g. %(example)s."
    ),
    "mobile_extension": _("A mobile number has no extension."),
    "extension_unclear": _(
        "Where the number ends and the extension begins is not clear: set the extension apart "
        "with a dash or 转, e.g. 0518-85801234-806."
    ),
    "foreign": _(
        "Only numbers in mainland China are accepted: a mobile number or a landline with its "
        "area code."
    ),
    "invalid": _(
        "This is not a phone number: write a mobile number (11 digits, e.g. 13905181234) or a "
        "landline with its area code (e.g. 0518-85801234; with an extension 0518-85801234-806)."
    ),
}


class PhoneError(ValueError):
    """A phone number we will not store; str() is a message for the user, in the language
    active when it is read. ``code`` and ``params`` let a caller keep the message to render
    later (``phone_message``)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return phone_message(self.code, self.params)


def phone_message(code: str, params: dict[str, str]) -> str:
    message = str(MESSAGES[code])
    return message % params if params else message


# Dashes people type or paste, all of them the separator "-".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# What lies between two numbers in one cell ("0518-85801234、13905181234").
_LIST = re.compile(r"[、,;/|]|或")
_EXTENSION = re.compile(r"转|分机号?|ext\.?|extension", re.IGNORECASE)
_SEPARATORS = frozenset(" -().")
_COUNTRY = re.compile(r"^\(?(?:\+|00)\s*86\)?[\s\-]*")
_OTHER_COUNTRY = re.compile(r"^\(?(?:\+|00)")


# The stored form itself, recognised at once (most values the import and check_data see).
STORED = re.compile(r"1\d{10}|(?:010|02\d|0[3-9]\d\d)-[2-9]\d{6,7}(?:-\d{1,6})?")


def clean(value: object) -> str:
    """Half-width, no invisible characters, one kind of dash, trimmed."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return _INVISIBLE.sub("", text).translate(_DASHES).strip()


def normalise_phone(value: object, *, from_number: bool = False) -> str:
    """The stored form of a phone number (see the module's docstring), "" for a blank one;
    PhoneError saying what is wrong otherwise.

    `from_number`: the value was read from a spreadsheet cell holding a number, not text, so a
    missing leading 0 is Excel's doing and the message says how to stop it.
    """
    if isinstance(value, str) and STORED.fullmatch(value):
        return value
    text = clean(value)
    if not text:
        return ""
    parts = _LIST.split(text)
    if len(parts) > 1 and sum(len(re.sub(r"\D", "", part)) >= 7 for part in parts) > 1:
        raise PhoneError("several")
    main, extension = text, ""
    marker = _EXTENSION.search(text)
    if marker:
        main, extension = text[: marker.start()], text[marker.end() :]
    _refuse_strange_characters(main + extension)
    extension = re.sub(r"\D", "", extension)
    if marker and not extension:
        raise PhoneError("invalid")

    main = main.strip()
    international = _COUNTRY.match(main)
    if international:
        main = main[international.end() :]
    elif _OTHER_COUNTRY.match(main):
        raise PhoneError("foreign")
    if "+" in main:
        raise PhoneError("characters", characters="+")
    groups = re.findall(r"\d+", main)
    digits = "".join(groups)
    if not digits:
        raise PhoneError("invalid")
    if international and digits[0] not in "01":
        # +86 518 85801234: the international form drops the area code's 0.
        groups[0] = "0" + groups[0]
        digits = "0" + digits
    elif not international and len(digits) == 13 and digits.startswith("861"):
        digits, groups = digits[2:], [digits[2:]]  # 86 13905181234

    if digits[0] == "1" and len(digits) == MOBILE_LENGTH:
        if extension:
            raise PhoneError("mobile_extension")
        return digits
    if digits[0] == "1" and MOBILE_LENGTH in _group_ends(groups):
        raise PhoneError("mobile_extension")  # 13905181234-806
    if digits[0] == "0":
        return _landline(digits, groups, extension)
    # No leading 0: a landline that lost it, a local number without its area code, or nothing.
    try:
        suggestion = _landline("0" + digits, ["0" + groups[0], *groups[1:]], extension)
    except PhoneError:
        suggestion = ""
    if suggestion:
        if from_number:
            raise PhoneError("lost_zero_number", number=text, suggestion=suggestion)
        raise PhoneError("lost_zero", suggestion=suggestion)
    if len(digits) in LOCAL_LENGTHS and digits[0] not in "01" and not extension:
        raise PhoneError("no_area_code", example=f"{EXAMPLE_AREA_CODE}-{digits}")
    raise PhoneError("invalid")


def _refuse_strange_characters(text: str) -> None:
    letters: list[str] = []
    others: list[str] = []
    for char in text:
        if char.isdigit() and char.isascii() or char in _SEPARATORS or char == "+":
            continue
        found = letters if unicodedata.category(char).startswith("L") else others
        if char not in found:
            found.append(char)
    if letters:
        raise PhoneError("letters", letters="".join(letters))
    if others:
        raise PhoneError("characters", characters=" ".join(others))


def _group_ends(groups: list[str]) -> list[int]:
    """Where each group of digits ends, counted in digits: [4, 12, 15] for 0518-85801234-806."""
    ends, position = [], 0
    for group in groups:
        position += len(group)
        ends.append(position)
    return ends


def _landline(digits: str, groups: list[str], extension: str) -> str:
    """Area code, local number and extension of a number starting with 0, as stored."""
    if len(digits) < 3 or digits[1] == "0" or digits[1] == "1" and digits[2] != "0":
        # 00… is an international prefix; 010 is the only area code starting 01.
        raise PhoneError("invalid")
    area = 3 if digits[1] in "12" else 4
    rest = digits[area:]
    if extension or len(rest) in LOCAL_LENGTHS:
        local = rest
    elif len(rest) > max(LOCAL_LENGTHS):
        # The extension is wherever the writer put a separator after 7 or 8 local digits.
        cuts = [
            end for end in _group_ends(groups) if area + 7 <= end <= area + 8 and end < len(digits)
        ]
        if not cuts:
            raise PhoneError("extension_unclear")
        local, extension = digits[area : cuts[-1]], digits[cuts[-1] :]
    else:
        raise PhoneError("invalid")
    if len(local) not in LOCAL_LENGTHS or local[0] in "01" or len(extension) > MAX_EXTENSION:
        raise PhoneError("invalid")
    stored = f"{digits[:area]}-{local}"
    return f"{stored}-{extension}" if extension else stored


def is_valid_phone(value: object) -> bool:
    try:
        normalise_phone(value)
    except PhoneError:
        return False
    return True
