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


def normalise_lines(value: object) -> str:
    """Prose as typed (remarks): line breaks kept as "\n", characters kept as they are (no
    NFKC: full-width punctuation is Chinese punctuation), invisible characters and the spaces
    ending each line removed, blank lines at either end dropped."""
    if value is None:
        return ""
    text = _INVISIBLE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n").strip()


def name_key(value: object) -> str:
    """A key for comparing enterprise names: no spaces, no punctuation differences, lower case."""
    text = normalise_text(value).lower()
    return re.sub(r"[\s()（）\[\]【】·,，.。\-—_]", "", text)
