"""GB/T 4754-2017 codes without the database: the sections' divisions, the NBS sector rule,
and the form texts are compared in. reform.models uses it, so it imports no model."""

import re
import unicodedata

# Divisions (大类) of each section (门类), from the standard's table.
SECTION_DIVISIONS = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}
SECONDARY_SECTIONS = {"B", "C", "D", "E"}
# 《三次产业划分规定》: these divisions are services although their sections are not.
TERTIARY_DIVISIONS = {5, 11, 43}
UNCLASSIFIED = "unclassified"  # the sector make-up's slice for 待归类 enterprises
MAX_TEXT = 100  # Enterprise.industry_text


def section_of_division(division: int) -> str | None:
    for letter, (first, last) in SECTION_DIVISIONS.items():
        if first <= division <= last:
            return letter
    return None


def sector_of(code: str) -> str:
    """primary / secondary / tertiary by the NBS rule: section A except division 05 is
    primary; B except 11, C except 43, D and E are secondary; everything else is tertiary.
    A section as a whole takes the sector of most of it (A primary, B–E secondary)."""
    code = code.strip().upper()
    if code.isalpha():
        section, division = code, None
    else:
        division = int(code[:2])
        section = section_of_division(division)
    if division in TERTIARY_DIVISIONS:
        return "tertiary"
    if section == "A":
        return "primary"
    if section in SECONDARY_SECTIONS:
        return "secondary"
    return "tertiary"


def match_key(text: str) -> str:
    """The form texts are compared in: full-width folded (（）→ ()), no spaces, lower case."""
    folded = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", folded).lower()
