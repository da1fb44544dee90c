"""The unified social credit code (统一社会信用代码) of GB 32100-2015. No database here."""

import operator

from django.utils.translation import gettext as _

# The 31 characters a code may use, in the order of their values (no I, O, S, V, Z).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
_ALLOWED = frozenset(ALPHABET)
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(ValueError):
    """A credit code that is not valid; str() is a message for the user."""


def normalise_credit_code(value: str) -> str:
    """Upper case, no spaces, full-width characters made half-width."""
    if value.isascii() and value.isalnum():
        # Already half-width, without spaces or invisible characters: only the case to fix
        # (the common case, and an import normalises every row's code).
        return value.upper()
    from reform.text import normalise_text

    return normalise_text(value).replace(" ", "").upper()


def check_character(first17: str) -> str:
    if len(first17) != LENGTH - 1:
        raise ValueError("a check character completes 17 characters")
    total = sum(map(operator.mul, map(VALUES.__getitem__, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the normalised code or raise CreditCodeError saying what is wrong."""
    code = normalise_credit_code(value)
    if not code:
        raise CreditCodeError(_("The credit code is empty."))
    if len(code) != LENGTH:
        raise CreditCodeError(
            _("A credit code has 18 characters; this one has %(count)d.") % {"count": len(code)}
        )
    bad = sorted(set(code) - _ALLOWED)
    if bad:
        raise CreditCodeError(
            _(
                "A credit code cannot contain %(chars)s (only digits and capital letters "
                "except I, O, S, V, Z)."
            )
            % {"chars": "、".join(bad)}
        )
    if not code[2:8].isdigit():
        raise CreditCodeError(
            _(
                "Characters 3 to 8 of a credit code are the 6-digit region code; "
                "here they are %(part)s."
            )
            % {"part": code[2:8]}
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            _(
                "The check character (the last one) is wrong: it should be %(expected)s, not "
                "%(found)s. Look for a mistyped character."
            )
            % {"expected": expected, "found": code[17]}
        )
    return code


def is_valid_credit_code(value: str) -> bool:
    try:
        validate_credit_code(value)
    except CreditCodeError:
        return False
    return True


def make_credit_code(first17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests)."""
    return first17 + check_character(first17)
