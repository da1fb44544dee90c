"""Checking the rows of an enterprise list: every cell against the reference data and the
uploader's scope, every error collected with its Excel row number and column header.

No database writes here; the reference data (regions, parks, industries) is loaded once per
upload by `Lookups`, in a handful of queries.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pilots.imports.columns import COLUMN_EXTENSIONS, ColumnError
from pilots.imports.read import HEADERS, Table, parse_bool
from pilots.models import Enterprise, Pilot
from pilots.ownership import OwnershipGroup, group_of, state_control_error
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.industries import MAX_TEXT as INDUSTRY_TEXT_MAX
from reform.industries import IndustryError, Match, Matcher
from reform.models import CoreIndustry, Park, Region, User
from reform.places import place_errors
from reform.scopes import Scope
from reform.text import normalise_text

# The example row of the template: refused if it is left in an upload.
EXAMPLE_CREDIT_CODE = "91320722MA1XXXXXXX"

# The words people write in the fixed-list columns; the first one is what the template offers.
Ownership = Enterprise.Ownership
OWNERSHIP_WORDS = {
    Ownership.STATE_OWNED: (
        "国有",
        "国有企业",
        "国企",
        "国有独资",
        "国有独资企业",
        "国有独资公司",
        "全民所有制",
    ),
    Ownership.STATE_CONTROLLED: ("国有控股", "国有控股企业", "国有绝对控股", "国有相对控股"),
    Ownership.MIXED: ("混合所有制", "混合所有制企业", "混合", "混改企业"),
    Ownership.COLLECTIVE: ("集体", "集体企业", "集体所有制", "城镇集体", "乡镇集体", "村集体"),
    Ownership.PRIVATE: (
        "民营",
        "民营企业",
        "私营",
        "私营企业",
        "民企",
        "私企",
        "非公",
        "非公企业",
        "非公有制",
    ),
    Ownership.FOREIGN: (
        "外商投资",
        "外商投资企业",
        "外资",
        "外资企业",
        "外商独资",
        "中外合资",
        "中外合作",
    ),
    Ownership.HK_MACAO_TAIWAN: (
        "港澳台投资",
        "港澳台",
        "港澳台投资企业",
        "港澳台商投资",
        "港资",
        "澳资",
        "台资",
    ),
    Ownership.INDIVIDUAL: ("个体", "个体户", "个体工商户", "个体经营"),
    Ownership.OTHER: ("其他",),
}
# Words that say both the kind (mixed ownership) and whether the state controls it.
MIXED_WORDS = {
    "国有参股": False,
    "混合所有制(国有控股)": True,
    "混合所有制(非国有控股)": False,
    "混合所有制(国有参股)": False,
}
CHAIN_WORDS = {
    Enterprise.ChainPosition.UPSTREAM: ("上游", "产业链上游"),
    Enterprise.ChainPosition.DOWNSTREAM: ("下游", "产业链下游"),
}
TIER_WORDS = {
    Pilot.Tier.CITY: ("市级", "市级试点", "市"),
    Pilot.Tier.COUNTY: ("县级", "县级试点", "县区级", "县(区)级", "县"),
    Pilot.Tier.TOWNSHIP: ("乡镇级", "乡镇级试点", "乡镇(街道)级", "街道级", "镇级", "乡镇"),
}
STATUS_WORDS = {
    Pilot.Status.PROPOSED: ("拟推荐", "推荐", "拟定"),
    Pilot.Status.CONFIRMED: ("已确定", "确定", "已确认"),
    Pilot.Status.DEMONSTRATION: ("示范单位", "示范", "示范企业"),
    Pilot.Status.WITHDRAWN: ("已退出", "退出"),
}
YES, NO = "是", "否"
# The core-industry tag: its Chinese and English labels, and the empty answers.
CORE_WORDS = {
    "petrochemicals": ("石化", "石油化工", "石化产业"),
    "new_medicine": ("新医药", "医药", "生物医药"),
    "new_materials": ("新材料",),
    "new_energy": ("新能源",),
    "high_end_equipment": ("高端装备制造", "高端装备", "高端装备制造业"),
}
NO_CORE_WORDS = ("无", "否", "none", "-", "—")


def unclassified_message(found: Match) -> str:
    """The preview's warning for an industry no GB/T 4754-2017 entry matches."""
    if found.suggestions:
        return _(
            "No GB/T 4754-2017 entry matches this industry; the text is kept and the "
            "enterprise marked unclassified (待归类). Closest: %(entries)s."
        ) % {"entries": "、".join(entry.label for entry in found.suggestions)}
    return _(
        "No GB/T 4754-2017 entry matches this industry; the text is kept and the enterprise "
        "marked unclassified (待归类)."
    )


# Tiers each role may register (admins and city staff: all of them).
ROLE_TIERS = {
    User.Role.COUNTY: (Pilot.Tier.COUNTY, Pilot.Tier.TOWNSHIP),
    User.Role.TOWNSHIP: (Pilot.Tier.TOWNSHIP,),
}

_PHONE = re.compile(r"^[0-9+()\-\s、,，/转]{5,30}$")
_REGION_SUFFIX = re.compile(r"(街道|镇|乡|县|区|市)$")


@functools.lru_cache(maxsize=4096)
def key(text: str) -> str:
    """How list values are compared: NFKC, no spaces, lower case. Cached: a list repeats the
    same few counties, townships and industries on every row."""
    return normalise_text(text).replace(" ", "").lower()


def allowed_tiers(scope: Scope) -> tuple[str, ...]:
    return ROLE_TIERS.get(scope.role, tuple(Pilot.Tier.values))


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
    ) -> dict[str, str]:
        return self.places.errors(county_id, township_id, park_id)

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
        if name in self.labels:
            return self.labels[name].get(value, str(value))
        if isinstance(value, bool):
            return self.yes_no[value]
        return str(value)


@dataclass(slots=True)
class RowError:
    row: int
    field: str
    header: str
    value: str
    message: str

    def as_list(self) -> list:
        return [self.row, self.field, self.header, self.value, self.message]


@dataclass(slots=True)
class ParsedRow:
    number: int
    credit_code: str
    enterprise: dict[str, Any]  # only the fields the row gives a value for
    pilot: dict[str, Any]
    cluster: str
    errors: list[RowError] = field(default_factory=list)
    # Kept but worth a look (an industry no GB/T entry matches): shown, never refused.
    warnings: list[RowError] = field(default_factory=list)
    # [field, target id, display name] of each link an extension column names.
    links: list[list] = field(default_factory=list)


class RowChecker:
    """Checks one row's cells against the reference data, collecting every error."""

    def __init__(self, table: Table, lookups: Lookups):
        self.lookups = lookups
        self.headers = {c.field: c.header for c in table.columns if c.field}

    def header(self, name: str) -> str:
        return self.headers.get(name) or HEADERS.get(name, name)

    def parse(self, row) -> ParsedRow:
        values = row.values
        parsed = ParsedRow(number=row.number, credit_code="", enterprise={}, pilot={}, cluster="")
        errors = parsed.errors

        def error(name: str, message: str, value: str | None = None) -> None:
            text = values[name].text if value is None and name in values else (value or "")
            errors.append(RowError(row.number, name, self.header(name), text, message))

        def text(name: str) -> str:
            cell = values.get(name)
            return cell.text if cell is not None else ""

        lookups = self.lookups
        name = text("name")
        if name:
            if len(name) > 200:
                error("name", _("The name is longer than 200 characters."))
            parsed.enterprise["name"] = name
        else:
            error("name", _("The enterprise name is missing."))

        code_cell = values.get("credit_code")
        code = text("credit_code")
        if not code:
            error("credit_code", _("The credit code is missing."))
        elif code_cell.was_number:
            error(
                "credit_code",
                _(
                    "The credit code was typed as a number, so Excel kept only 15 digits. "
                    "Format the column as text and type the code again."
                ),
            )
        elif code == EXAMPLE_CREDIT_CODE:
            error("credit_code", _("This is the template's example row; delete it."))
        else:
            try:
                parsed.credit_code = validate_credit_code(code)
            except CreditCodeError as exc:
                error("credit_code", str(exc))

        county_id = None
        county = text("county")
        if county:
            county_id = lookups.counties.get(key(county))
            if county_id is None:
                error("county", _("Unknown county-level unit."))
            else:
                parsed.enterprise["county"] = county_id
        else:
            error("county", _("The county-level unit is missing."))

        township = text("township")
        if township and county_id is not None:
            township_id = lookups.townships.get((county_id, key(township)))
            if township_id is None:
                error(
                    "township",
                    _("No township or street of this name lies in %(county)s.")
                    % {"county": lookups.region_names[county_id]},
                )
            else:
                parsed.enterprise["township"] = township_id

        park = text("park")
        if park:
            park_id = lookups.parks.get(key(park))
            if park_id is None:
                error("park", _("Unknown park."))
            else:
                # Said here too, so that it shows with the row's other errors; the merged
                # record is checked again in the plan (plan._plan_row).
                wrong = lookups.place_errors(county_id, park_id=park_id).get("park")
                if wrong:
                    error("park", wrong)
                else:
                    parsed.enterprise["park"] = park_id

        industry = text("industry")
        if industry:
            try:
                found = lookups.industries.match(industry)
            except IndustryError as problem:
                error("industry", str(problem))
            else:
                if found.industry_id is not None:
                    parsed.enterprise["industry"] = found.industry_id
                    parsed.enterprise["industry_text"] = ""
                elif len(industry) > INDUSTRY_TEXT_MAX:
                    error(
                        "industry",
                        _("The industry is longer than %(max)s characters.")
                        % {"max": INDUSTRY_TEXT_MAX},
                    )
                else:
                    # Kept as typed and marked 待归类: a warning, the row is imported.
                    parsed.enterprise["industry"] = None
                    parsed.enterprise["industry_text"] = industry
                    parsed.warnings.append(
                        RowError(
                            row.number,
                            "industry",
                            self.header("industry"),
                            industry,
                            unclassified_message(found),
                        )
                    )

        core = text("core_industry")
        if core:
            tag = lookups.core_industries.get(key(core))
            if tag is None or len(core) > 40:
                error(
                    "core_industry",
                    _("Unknown core industry; choose one from the list (or leave it empty)."),
                )
            else:
                parsed.enterprise["core_industry"] = tag

        for name, words in (("ownership", lookups.ownership), ("chain_position", lookups.chain)):
            value = text(name)
            if value:
                found = words.get(key(value))
                if found is None:
                    error(
                        name,
                        _("Unknown ownership; choose one from the list.")
                        if name == "ownership"
                        else _("Write 上游 (upstream) or 下游 (downstream)."),
                    )
                else:
                    parsed.enterprise[name] = found
                    if name == "ownership" and key(value) in lookups.implied_control:
                        parsed.enterprise["state_controls"] = lookups.implied_control[key(value)]

        controls = text("state_controls")
        if controls:
            try:
                answer = parse_bool(controls)
            except ValueError:
                error("state_controls", _("Write 是 (yes) or 否 (no)."))
            else:
                implied = parsed.enterprise.get("state_controls")
                if implied is not None and implied != answer:
                    error(
                        "state_controls",
                        _("The ownership column already says otherwise (%(ownership)s).")
                        % {"ownership": text("ownership")},
                    )
                else:
                    parsed.enterprise["state_controls"] = answer

        employees = text("employee_count")
        if employees:
            number = _whole_number(employees)
            if number is None:
                error("employee_count", _("The number of employees must be a whole number."))
            else:
                parsed.enterprise["employee_count"] = number

        for name in ("is_leading", "is_industry_education"):
            value = text(name)
            if value:
                try:
                    flag = parse_bool(value)
                except ValueError:
                    error(name, _("Write 是 (yes) or 否 (no)."))
                else:
                    parsed.enterprise[name] = flag

        for name, limit in (("contact_name", 50), ("address", 200)):
            value = text(name)
            if value:
                if len(value) > limit:
                    error(name, _("Longer than %(limit)d characters.") % {"limit": limit})
                else:
                    parsed.enterprise[name] = value

        phone = text("contact_phone")
        if phone:
            if not _PHONE.match(phone):
                error("contact_phone", _("This does not look like a phone number."))
            else:
                parsed.enterprise["contact_phone"] = phone

        tier = text("tier")
        if tier:
            found = lookups.tier.get(key(tier))
            if found is None:
                error("tier", _("Write 市级, 县级 or 乡镇级."))
            elif found not in lookups.tiers:
                error("tier", _("You cannot register pilots of this tier."))
            else:
                parsed.pilot["tier"] = found
        status = text("status")
        if status:
            found = lookups.status.get(key(status))
            if found is None:
                error("status", _("Write 拟推荐, 已确定, 示范单位 or 已退出."))
            else:
                parsed.pilot["status"] = found
        own_plan = text("own_plan")
        if own_plan:
            parsed.pilot["own_plan"] = own_plan
        parsed.cluster = text("cluster")[:100]
        for name, resolver in lookups.resolvers.items():
            value = text(name)
            if value:
                try:
                    targets = resolver.resolve(value)
                except ColumnError as exc:
                    error(name, str(exc))
                else:
                    parsed.links.extend([name, pk, label] for pk, label in targets)
        return parsed


def _whole_number(text: str) -> int | None:
    text = text.replace(",", "").removesuffix("人").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    if not number.is_integer() or number < 0 or number > 2_000_000_000:
        return None
    return int(number)


def plan_state_control(given: dict, new: dict, reject, lookups) -> None:
    """Mixed ownership needs the yes/no of the state-control column; other kinds have none.

    An answer that agrees with a kind that is not mixed (是 for 国有) is simply not needed; one
    that contradicts it (是 for 民营) is an error: the row says two different things.
    """
    kind = new.get("ownership")
    if kind == Ownership.MIXED:
        if new.get("state_controls") is None:
            reject("state_controls", state_control_error(kind, None))
        return
    answer = given.get("state_controls")
    state_kind = group_of(kind, None) == OwnershipGroup.STATE_OWNED
    if answer is not None and kind and answer != state_kind:
        reject(
            "state_controls",
            _(
                "The enterprise's ownership is %(kind)s, so the state's control follows from it; "
                "this column is for mixed-ownership enterprises only."
            )
            % {"kind": lookups.display("ownership", kind)},
            lookups.display("state_controls", answer),
        )
    new["state_controls"] = None
