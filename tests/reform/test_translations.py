"""The Chinese catalogue is complete: every message has a translation, none is left fuzzy."""

import gettext
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(text: str):
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            match = re.match(r"(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) ", line)
            if match:
                key = match.group(1)
                parts[key] = ""
            if key and not line.startswith("#"):
                parts[key] += "".join(STRING.findall(line))
        if parts.get("msgid"):
            yield parts, fuzzy


def test_every_message_has_a_chinese_translation():
    text = CATALOGUE.read_text(encoding="utf-8")
    missing = [
        parts["msgid"]
        for parts, _fuzzy in entries(text)
        if not any(value for key, value in parts.items() if key.startswith("msgstr"))
    ]
    assert missing == []


def test_no_translation_is_left_fuzzy():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert [parts["msgid"] for parts, fuzzy in entries(text) if fuzzy] == []


def test_the_compiled_catalogue_matches_its_source():
    """A .po edited without compilemessages would show English on the pages."""
    with open(CATALOGUE.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    text = CATALOGUE.read_text(encoding="utf-8")
    stale = [
        parts["msgid"]
        for parts, _fuzzy in entries(text)
        if "msgctxt" not in parts
        and "msgid_plural" not in parts
        and compiled.gettext(unescape(parts["msgid"])) != unescape(parts["msgstr"])
    ]
    assert stale == []


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), value)
