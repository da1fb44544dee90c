"""The reference data an import row is checked against, loaded once per upload: regions,
parks, industries and the words of the fixed-list columns (`Lookups`, in a handful of queries),
the place rule on ids (`Places`), and the tiers each role may register.

The check of each row (pilots/imports/check.py) reads them; no database writes here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.words import (
    CHAIN_WORDS,
    LEGAL_FORM_WORDS,
    MIXED_WORDS,
    OWNERSHIP_WORDS,
    STATUS_WORDS,
    TIER_WORDS,
    Ownership,
)
from pilots.models import Enterprise, Pilot
from reform.industries import Matcher
from reform.messages import in_every_language
from reform.models import CoreIndustry, Park, Region, User
from reform.places import place_errors
from reform.scopes import Scope
from reform.text import normalise_text

# The core-industry tag: its Chinese and English labels, and the empty answers.
CORE_WORDS = {
    "petrochemicals": ("石化", "石油化工", "石化产业"),
    "new_medicine": ("新医药", "医药", "生物医药"),
    "new_materials": ("新材料",),
    "new_energy": ("新能源",),
    "high_end_equipment": ("高端装备制造", "高端装备", "高端装备制造业"),
}
NO_CORE_WORDS = ("无", "否", "none", "-", "—")

# Tiers each role may register (admins and city staff: all of them).
ROLE_TIERS = {
    User.Role.COUNTY: (Pilot.Tier.COUNTY, Pilot.Tier.TOWNSHIP),
    User.Role.TOWNSHIP: (Pilot.Tier.TOWNSHIP,),
}

# How much of a too-long remarks cell the error shows.
REMARKS_SHOWN = 100
_REGION_SUFFIX = re.compile(r"(街道|镇|乡|县|区|市)$")


@functools.lru_cache(maxsize=4096)
def key(text: str) -> str:
    """How list values are compared: NFKC, no spaces, lower case. Cached: a list repeats the
    same few counties, townships and industries on every row."""
    return normalise_text(text).replace(" ", "").lower()


ALL_TIERS: tuple[str, ...] = tuple(Pilot.Tier.values)


def allowed_tiers(scope: Scope) -> tuple[str, ...]:
    return ROLE_TIERS.get(scope.role, ALL_TIERS)


def _words(choices: dict, labels: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Lookup from every word (value, English label, Chinese words) to the stored value."""
    found: dict[str, str] = {}
    for value, label in labels:
        found[key(value)] = value
        found[key(str(label))] = value
        for word in choices.get(value, ()):
            found[key(word)] = value
    return found


class Places:
    """The place rule (reform.places) on ids, with the regions and parks loaded once (2 queries):
    the preview checks every row with it, the confirmation every row it writes."""

    def __init__(self, regions: list[Region] | None = None):
        if regions is None:
            regions = list(
                Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]).only(
                    "pk", "name", "level", "parent_id"
                )
            )
        self.region_by_id = {region.pk: region for region in regions}
        self.park_by_id = {
            park.pk: park
            for park in Park.objects.select_related("county").only(
                "pk", "name", "county_id", "county__name"
            )
        }

    def errors(
        self, county_id: int | None, township_id: int | None = None, park_id: int | None = None
    ) -> dict[str, str]:
        if county_id not in self.region_by_id:
            return {}
        return place_errors(
            county=self.region_by_id[county_id],
            township=self.region_by_id.get(township_id) if township_id else None,
            park=self.park_by_id.get(park_id) if park_id else None,
        )


class Lookups:
    """The reference data a row is checked against, loaded in a handful of queries."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.tiers = allowed_tiers(scope)
        regions = list(
            Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]).only(
                "pk", "code", "name", "level", "parent_id"
            )
        )
        self.region_names = {region.pk: region.name for region in regions}
        self.township_parent = {
            region.pk: region.parent_id for region in regions if region.level == "township"
        }
        self.counties: dict[str, int] = {}
        self.townships: dict[tuple[int, str], int] = {}
        short_townships: dict[tuple[int, str], list[int]] = {}
        short_counties: dict[str, list[int]] = {}
        for region in regions:
            if region.level == Region.Level.COUNTY:
                self.counties[key(region.name)] = region.pk
                self.counties[region.code] = region.pk
                short_counties.setdefault(key(_REGION_SUFFIX.sub("", region.name)), []).append(
                    region.pk
                )
            else:
                self.townships[(region.parent_id, key(region.name))] = region.pk
                self.townships[(region.parent_id, region.code)] = region.pk
                short = (region.parent_id, key(_REGION_SUFFIX.sub("", region.name)))
                short_townships.setdefault(short, []).append(region.pk)
        # "东海" for 东海县, "牛山" for 牛山街道, where that is unambiguous.
        for name, ids in short_counties.items():
            if len(ids) == 1 and name:
                self.counties.setdefault(name, ids[0])
        for place, ids in short_townships.items():
            if len(ids) == 1 and place[1]:
                self.townships.setdefault(place, ids[0])
        self.places = Places(regions)
        parks = list(self.places.park_by_id.values())
        self.parks = {key(park.name): park.pk for park in parks}
        self.park_names = {park.pk: park.name for park in parks}
        self.park_county = {park.pk: park.county_id for park in parks}
        # GB/T 4754-2017 by code, name, name without 业 or synonym (reform.industries).
        self.industries = Matcher()
        self.core_industries = _words(CORE_WORDS, CoreIndustry.choices)
        for word in NO_CORE_WORDS:
            self.core_industries[key(word)] = ""
        self.ownership = _words(OWNERSHIP_WORDS, Enterprise.Ownership.choices)
        for word in MIXED_WORDS:
            self.ownership[key(word)] = Ownership.MIXED
        self.implied_control = {key(word): controls for word, controls in MIXED_WORDS.items()}
        self.legal_forms = {key(word) for word in LEGAL_FORM_WORDS}
        self.chain = _words(CHAIN_WORDS, Enterprise.ChainPosition.choices)
        self.tier = _words(TIER_WORDS, Pilot.Tier.choices)
        self.status = _words(STATUS_WORDS, Pilot.Status.choices)

        # Labels translated once: gettext per cell is a large part of a big preview.
        self.labels = {
            "ownership": {value: str(label) for value, label in Enterprise.Ownership.choices},
            "chain_position": {
                value: str(label) for value, label in Enterprise.ChainPosition.choices
            },
            "tier": {value: str(label) for value, label in Pilot.Tier.choices},
            "status": {value: str(label) for value, label in Pilot.Status.choices},
            "core_industry": {value: str(label) for value, label in CoreIndustry.choices},
        }
        self.yes_no = {True: _("yes"), False: _("no")}
        # Columns whose meaning a higher layer supplies (see pilots.imports.columns).
        self.resolvers = {
            name: extension.resolver(scope) for name, extension in COLUMN_EXTENSIONS.items()
        }

    def place_errors(
        self, county_id: int | None, township_id: int | None = None, park_id: int | None = None
    ) -> dict[str, list]:
        """The place rule's errors, as stored messages (in every language)."""
        if not self.places.errors(county_id, township_id, park_id):
            return {}
        return _texts_by_name(lambda: self.places.errors(county_id, township_id, park_id))

    def display(self, name: str, value: Any) -> str:
        """A stored value as the preview shows it."""
        if value is None or value == "":
            return "—"
        if name in ("county", "township"):
            return self.region_names.get(value, str(value))
        if name == "park":
            return self.park_names.get(value, str(value))
        if name == "industry":
            return self.industries.label(value) or str(value)
        if name == "core_industry":
            return self.labels["core_industry"].get(value, str(value))
        if name == "remarks" and len(value) > REMARKS_SHOWN:
            return value[:REMARKS_SHOWN] + "…"
        if name in self.labels:
            return self.labels[name].get(value, str(value))
        if isinstance(value, bool):
            return self.yes_no[value]
        return str(value)


def _texts_by_name(errors) -> dict[str, list]:
    """{field: message} of a reused check, each message kept in every language."""
    by_language = {}
    names = list(errors())
    for name in names:
        by_language[name] = in_every_language(lambda name=name: errors()[name])
    return by_language
