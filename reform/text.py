"""Text normalisation for what people type and paste. No database here."""

import re
import unicodedata

# NBSP, full-width space, zero-width characters and BOM, all seen in pasted spreadsheet cells.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def normalise_text(value: object) -> str:
    """NFKC (full-width → half-width), invisible characters removed, spaces folded and stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def name_key(value: object) -> str:
    """A key for comparing enterprise names: no spaces, no punctuation differences, lower case."""
    text = normalise_text(value).lower()
    return re.sub(r"[\s()（）\[\]【】·,，.。\-—_]", "", text)
