"""Industries by GB/T 4754-2017: the sector rule, and finding the entry a text names.

People write the industry loosely: a code (`13`, `C13`, `1311`), the exact name, the name
without its final 业, or a word an administrator has made a synonym. `Matcher` tries these in
that order. A text nothing matches is not an error: the caller keeps it as typed and marks the
enterprise 待归类, with the closest entries (rapidfuzz) as suggestions. Only a text that is
plainly meant as a code and is wrong (a number with decimals, a code naming no entry) is an
error, with a message saying what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from reform.industry_codes import (
    MAX_TEXT,
    SECTION_DIVISIONS,
    UNCLASSIFIED,
    match_key,
    section_of_division,
    sector_of,
)
from reform.models import Industry, IndustrySynonym

SUGGESTION_CANDIDATES = 30  # the closest names by score, before the shared-characters rule

__all__ = ["MAX_TEXT", "UNCLASSIFIED", "Matcher", "IndustryError", "match_key", "sector_of"]

_DECIMAL = re.compile(r"^[A-Za-z]?\d+[.,]\d+$")
_CODE = re.compile(r"^([A-Za-z]?)(\d+)$")
_CODE_AND_NAME = re.compile(r"^([A-Za-z]?\d{2,4}|[A-Za-z])\s+(\S.*)$")


class IndustryError(ValueError):
    """A text meant as a code that names nothing; str() is the message."""


@dataclass
class Entry:
    pk: int
    code: str
    name: str
    level: str
    parent_id: int | None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass
class Match:
    """What a text names: an entry (industry_id), or nothing (text kept, suggestions)."""

    text: str
    industry_id: int | None = None
    how: str = ""  # code, name, short name, synonym
    suggestions: list[Entry] = field(default_factory=list)

    @property
    def unclassified(self) -> bool:
        return self.industry_id is None


class Matcher:
    """Everything matching needs, loaded once (2 queries); then `match(text)` costs none."""

    def __init__(self, entries=None, synonyms=None):
        if entries is None:
            entries = [
                Entry(*row)
                for row in Industry.objects.order_by("order", "code").values_list(
                    "pk", "code", "name", "level", "parent_id"
                )
            ]
        if synonyms is None:
            synonyms = list(IndustrySynonym.objects.values_list("key", "industry_id"))
        self.entries = {entry.pk: entry for entry in entries}
        self.codes = {entry.code: entry for entry in entries}
        self.names: dict[str, set[int]] = {}
        self.short_names: dict[str, set[int]] = {}
        for entry in entries:
            name = match_key(entry.name)
            self.names.setdefault(name, set()).add(entry.pk)
            if name.endswith("业") and len(name) > 2:  # not "渔" for 渔业
                self.short_names.setdefault(name[:-1], set()).add(entry.pk)
        self.synonyms = dict(synonyms or [])
        self._choices = {entry.pk: entry.name for entry in entries}
        self._cache: dict[str, Match] = {}

    # -- one entry per key ------------------------------------------------------------------

    def _ancestors(self, pk: int) -> set[int]:
        found = set()
        parent = self.entries[pk].parent_id
        while parent is not None:
            found.add(parent)
            parent = self.entries[parent].parent_id
        return found

    def _single(self, pks: set[int] | None) -> int | None:
        """The entry a name names: the deepest when the entries share a line (group 019 and its
        only class 0190 are both 其他农业), none when they lie in different branches."""
        if not pks:
            return None
        for pk in pks:
            if pks - {pk} <= self._ancestors(pk):
                return pk
        return None

    def by_name(self, text: str) -> tuple[int | None, str]:
        """Exact name, then the name without its final 业 (the text with or without it)."""
        key = match_key(text)
        found = self._single(self.names.get(key))
        if found is not None:
            return found, "name"
        # "农副食品加工" for 农副食品加工业, and "稻谷加工业" for 稻谷加工.
        found = self._single(self.short_names.get(key))
        if found is None and key.endswith("业") and len(key) > 2:
            found = self._single(self.names.get(key[:-1]))
        return (found, "short name") if found is not None else (None, "")

    # -- codes ------------------------------------------------------------------------------

    def by_code(self, text: str) -> Entry | None:
        """The entry a code names, None when the text is no code; IndustryError when it is
        plainly meant as a code and names nothing."""
        text = unicodedata.normalize("NFKC", text).strip()
        if _DECIMAL.match(text):
            raise IndustryError(
                _(
                    "“%(text)s” is a number with decimals; an industry code is a whole number "
                    "of 2 to 4 digits such as 13 or 1311 (format the column as text)."
                )
                % {"text": text}
            )
        if len(text) == 1 and text.isalpha():
            entry = self.codes.get(text.upper())
            if entry is None:
                raise IndustryError(
                    _("No section of GB/T 4754-2017 has the letter %(code)s (sections are A–T).")
                    % {"code": text.upper()}
                )
            return entry
        found = _CODE.match(text)
        if not found:
            return None
        letter, digits = found.group(1).upper(), found.group(2)
        entry = self.codes.get(digits)
        if entry is None:
            message = _("No entry of GB/T 4754-2017 has the code %(code)s.") % {"code": digits}
            if len(digits) in (1, 3) and f"0{digits}" in self.codes:
                message += " " + _(
                    "If Excel dropped a leading 0, write 0%(code)s in a column formatted as text."
                ) % {"code": digits}
            raise IndustryError(message)
        section = section_of_division(int(digits[:2]))
        if letter and letter != section:
            raise IndustryError(
                _("Code %(code)s lies in section %(section)s, not %(letter)s.")
                % {"code": digits, "section": section, "letter": letter}
            )
        return entry

    # -- the whole text ---------------------------------------------------------------------

    def match(self, text: str) -> Match:
        """The entry `text` names, or an unclassified Match with suggestions. IndustryError for
        a code that names nothing or a number with decimals."""
        text = str(text).strip()
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        result = self._match(text)
        if len(self._cache) < 10_000:
            self._cache[text] = result
        return result

    def _match(self, text: str) -> Match:
        entry = self.by_code(text)
        if entry is not None:
            return Match(text, entry.pk, "code")
        found, how = self.by_name(text)
        if found is not None:
            return Match(text, found, how)
        synonym = self.synonyms.get(match_key(text))
        if synonym is not None:
            return Match(text, synonym, "synonym")
        # "1311 稻谷加工": what the form shows for a classed enterprise, and a common way to
        # write it. The code counts when the name agrees with it.
        both = _CODE_AND_NAME.match(text)
        if both:
            try:
                entry = self.by_code(both.group(1))
            except IndustryError:
                entry = None
            if entry is not None and self.by_name(both.group(2))[0] == entry.pk:
                return Match(text, entry.pk, "code")
        return Match(text, None, "", self.suggest(text))

    def suggest(self, text: str, limit: int = 3) -> list[Entry]:
        """The closest entries by name: rapidfuzz's WRatio (0–100, below 50 is no suggestion)
        picks the candidates, which must share at least two characters with the text (one for a
        one-character text) — WRatio alone finds 工会 for 菌菇深加工 and 医院 for 医药中间体
        through a single common character. They are ranked by the characters they share, then
        by score and by the closeness of the whole name; of entries with the same name (a
        division and its only class) the deepest."""
        from rapidfuzz import fuzz, process

        key = match_key(text)
        if not key:
            return []
        characters = set(key)
        needed = min(2, len(characters))
        found = process.extract(
            key,
            self._choices,
            scorer=fuzz.WRatio,
            processor=match_key,
            limit=SUGGESTION_CANDIDATES,
            score_cutoff=50,
        )
        ranked = []
        for name, score, pk in found:
            shared = len(characters & set(match_key(name)))
            if shared >= needed:
                closeness = fuzz.ratio(key, match_key(name))  # ties: the closer whole name
                ranked.append((-shared, -score, -closeness, -len(self.entries[pk].code), pk, name))
        ranked.sort()
        suggestions, names = [], set()
        for *_order, pk, name in ranked:
            if name not in names:
                names.add(name)
                suggestions.append(self.entries[pk])
        return suggestions[:limit]

    def label(self, pk: int | None) -> str:
        entry = self.entries.get(pk) if pk is not None else None
        return entry.label if entry else ""


def synonym_conflict(text: str, industry_id: int, *, exclude_pk: int | None = None) -> str | None:
    """Why `text` may not become a synonym of the entry, or None: one text names one entry."""
    key = match_key(text)
    if not key:
        return _("Give the text.")
    other = (
        IndustrySynonym.objects.filter(key=key)
        .exclude(pk=exclude_pk)
        .select_related("industry")
        .first()
    )
    if other is not None:
        if other.industry_id == industry_id:
            return _("“%(text)s” is already a synonym of %(entry)s.") % {
                "text": text,
                "entry": other.industry,
            }
        return _("“%(text)s” already stands for %(entry)s; a text can name one entry only.") % {
            "text": text,
            "entry": other.industry,
        }
    matcher = Matcher(synonyms=[])
    try:
        result = matcher.match(text)
    except IndustryError as error:
        return str(error)
    if result.industry_id is not None and result.industry_id != industry_id:
        entry = Industry.objects.get(pk=result.industry_id)
        return _(
            "“%(text)s” is already the code or name of %(entry)s; a text can name one entry only."
        ) % {"text": text, "entry": entry}
    return None


# -- filters ---------------------------------------------------------------------------------


def industry_q(code: str, prefix: str = "") -> Q:
    """Enterprises (reached through `prefix`, e.g. "enterprise__") classed at the entry `code`
    or anywhere below it: a division's codes all start with its two digits, a section's with
    one of its divisions'."""
    field = f"{prefix}industry__code"
    code = code.strip().upper()
    if code in SECTION_DIVISIONS:
        first, last = SECTION_DIVISIONS[code]
        condition = Q(**{field: code})
        for division in range(first, last + 1):
            condition |= Q(**{f"{field}__startswith": f"{division:02d}"})
        return condition
    return Q(**{f"{field}__startswith": code})


def sector_q(sector: str, prefix: str = "") -> Q:
    """Enterprises of a sector; `UNCLASSIFIED` for those no entry classes yet (待归类)."""
    if sector == UNCLASSIFIED:
        return Q(**{f"{prefix}industry__isnull": True})
    return Q(**{f"{prefix}industry__sector": sector})


def section_and_division_choices() -> list[tuple[str, str]]:
    """The filter menus' industries: the 20 sections and 97 divisions (one query)."""
    rows = Industry.objects.filter(level__in=("section", "division")).order_by("order")
    choices = []
    for code, name, level in rows.values_list("code", "name", "level"):
        choices.append((code, f"{code} {name}" if level == "section" else f"　{code} {name}"))
    return choices
