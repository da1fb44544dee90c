"""The Excel import pipeline: validate every row, preview the changes, apply them, undo them.

Reading the file is pilots.spreadsheet's job; this module turns its rows into a plan (one entry
per accepted row, every error of every rejected row) without writing anything, keeps the plan
with the batch, and applies exactly that plan on confirmation, in one transaction.

Speed matters (10,000 rows previewed and applied in under 2 s): existing records are loaded by
credit code in chunks, changed enterprises and pilots are written with one upsert per chunk
(`INSERT … ON CONFLICT`, much faster than bulk_update) and their history rows in bulk, so the
number of queries grows with the number of chunks, never per row.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from pilots.models import Enterprise, ImportBatch, Pilot
from pilots.spreadsheet import HEADERS, SpreadsheetError, Table, parse_bool, read_table
from reform.creditcode import CreditCodeError, normalise_credit_code, validate_credit_code
from reform.models import Industry, Park, PlanYear, Region, User
from reform.scopes import Scope
from reform.text import normalise_text

# SQLite allows 999 variables per statement on old builds; stay below it everywhere.
CHUNK = 900

# The enterprise fields an import sets, in the order the plan stores them (credit code is the key).
ENTERPRISE_FIELDS = (
    "name",
    "county",
    "township",
    "park",
    "industry",
    "ownership",
    "employee_count",
    "is_leading",
    "chain_position",
    "is_industry_education",
    "contact_name",
    "contact_phone",
    "address",
)
FOREIGN_KEYS = {"county", "township", "park", "industry"}
PILOT_FIELDS = ("tier", "status", "own_plan")
ENTERPRISE_DEFAULTS = {
    "township": None,
    "park": None,
    "employee_count": 0,
    "is_leading": False,
    "chain_position": "",
    "is_industry_education": False,
    "contact_name": "",
    "contact_phone": "",
    "address": "",
}
# The example row of the template: refused if it is left in an upload.
EXAMPLE_CREDIT_CODE = "91320722MA1XXXXXXX"

# The words people write in the fixed-list columns; the first one is what the template offers.
OWNERSHIP_WORDS = {
    Enterprise.Ownership.STATE_OWNED: ("国有", "国有企业", "国企", "国有独资", "国有独资企业"),
    Enterprise.Ownership.STATE_CONTROLLED: ("国有控股", "国有控股企业", "国有参股"),
    Enterprise.Ownership.PRIVATE: ("民营", "民营企业", "私营", "私营企业", "非公", "非公企业"),
    Enterprise.Ownership.FOREIGN: (
        "外资",
        "外资企业",
        "外商投资",
        "外商投资企业",
        "中外合资",
        "港澳台投资",
        "港澳台",
    ),
    Enterprise.Ownership.MIXED: ("混合所有制", "混合所有制企业", "混合"),
    Enterprise.Ownership.COLLECTIVE: ("集体", "集体企业"),
    Enterprise.Ownership.OTHER: ("其他",),
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

# Tiers each role may register (admins and city staff: all of them).
ROLE_TIERS = {
    User.Role.COUNTY: (Pilot.Tier.COUNTY, Pilot.Tier.TOWNSHIP),
    User.Role.TOWNSHIP: (Pilot.Tier.TOWNSHIP,),
}

_PHONE = re.compile(r"^[0-9+()\-\s、,，/转]{5,30}$")
_REGION_SUFFIX = re.compile(r"(街道|镇|乡|县|区|市)$")


def key(text: object) -> str:
    """How list values are compared: NFKC, no spaces, lower case."""
    return normalise_text(text).replace(" ", "").lower()


def allowed_tiers(scope: Scope) -> tuple[str, ...]:
    return ROLE_TIERS.get(scope.role, tuple(Pilot.Tier.values))


def _words(choices: dict, labels: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Lookup from every word (value, English label, Chinese words) to the stored value."""
    found: dict[str, str] = {}
    for value, label in labels:
        found[key(value)] = value
        found[key(label)] = value
        for word in choices.get(value, ()):
            found[key(word)] = value
    return found


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
        parks = list(Park.objects.only("pk", "name", "county_id"))
        self.parks = {key(park.name): park.pk for park in parks}
        self.park_names = {park.pk: park.name for park in parks}
        self.park_county = {park.pk: park.county_id for park in parks}
        industries = list(Industry.objects.only("pk", "code", "name", "name_en"))
        self.industries: dict[str, int] = {}
        for industry in industries:
            for word in (industry.code, industry.name, industry.name_en):
                if word:
                    self.industries[key(word)] = industry.pk
        self.industry_names = {industry.pk: industry.name for industry in industries}
        self.ownership = _words(OWNERSHIP_WORDS, Enterprise.Ownership.choices)
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
        }
        self.yes_no = {True: _("yes"), False: _("no")}

    def display(self, name: str, value: Any) -> str:
        """A stored value as the preview shows it."""
        if value is None or value == "":
            return "—"
        if name in ("county", "township"):
            return self.region_names.get(value, str(value))
        if name == "park":
            return self.park_names.get(value, str(value))
        if name == "industry":
            return self.industry_names.get(value, str(value))
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


class _RowChecker:
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
            elif (
                county_id is not None
                and lookups.park_county[park_id] is not None
                and lookups.park_county[park_id] != county_id
            ):
                error(
                    "park",
                    _("The park %(park)s does not lie in %(county)s.")
                    % {
                        "park": lookups.park_names[park_id],
                        "county": lookups.region_names[county_id],
                    },
                )
            else:
                parsed.enterprise["park"] = park_id

        industry = text("industry")
        if industry:
            industry_id = lookups.industries.get(key(industry))
            if industry_id is None:
                error("industry", _("Unknown industry; choose one from the template's list."))
            else:
                parsed.enterprise["industry"] = industry_id

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


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def attnames(fields: Iterable[str]) -> list[str]:
    return [f"{name}_id" if name in FOREIGN_KEYS else name for name in fields]


# What load_existing reads; the last two (version, updated_at) make the state digest.
ENTERPRISE_COLUMNS = [
    "id",
    "credit_code",
    *attnames(ENTERPRISE_FIELDS),
    "created_at",
    "version",
    "updated_at",
]
PILOT_COLUMNS = [
    "id",
    "enterprise_id",
    *PILOT_FIELDS,
    "registered_by_id",
    "registered_at",
    "version",
    "updated_at",
]
ENTERPRISE_VALUES = slice(2, 2 + len(ENTERPRISE_FIELDS))
PILOT_VALUES = slice(2, 2 + len(PILOT_FIELDS))


def load_existing(codes: list[str], plan_year_id: int) -> tuple[dict[str, tuple], dict[int, tuple]]:
    """Enterprises by credit code and their pilots of the plan year by enterprise id.

    Two queries per chunk of codes, as tuples in ENTERPRISE_COLUMNS / PILOT_COLUMNS order.
    """
    enterprises: dict[str, tuple] = {}
    for chunk in chunks(codes):
        for values in Enterprise.objects.filter(credit_code__in=chunk).values_list(
            *ENTERPRISE_COLUMNS
        ):
            enterprises[values[1]] = values
    pilots: dict[int, tuple] = {}
    ids = [values[0] for values in enterprises.values()]
    for chunk in chunks(ids):
        for values in Pilot.objects.filter(
            plan_year_id=plan_year_id, enterprise_id__in=chunk
        ).values_list(*PILOT_COLUMNS):
            pilots[values[1]] = values
    return enterprises, pilots


class StateDigest:
    """A fingerprint of the matched records' versions, row by row in the plan's order.

    The preview takes it; the confirmation takes it again over the same rows: equal digests
    mean no record the plan touches was created, changed or deleted in between.
    """

    def __init__(self):
        self.hash = hashlib.sha256()

    def add(self, code: str, found: tuple | None, pilot: tuple | None) -> None:
        self.hash.update(
            repr(
                (
                    code,
                    found and (found[0], found[-2], found[-1].isoformat()),
                    pilot and (pilot[0], pilot[-2], pilot[-1].isoformat()),
                )
            ).encode()
        )

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


class Preview:
    """What an upload would do. Planned rows go straight into a compressed temporary file
    (one JSON list a line, the summary last), so a large preview is not held in memory."""

    def __init__(self, table: Table):
        self.table = table
        self.errors: list[RowError] = []
        self.rejected = 0
        self.counts: dict[str, int] = {}
        self.digest = ""
        self.last: list | None = None
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish()'s caller
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="wb", compresslevel=1)

    def add_row(self, row: list) -> None:
        self.last = row
        self._gzip.write(dumps_line(row) + b"\n")

    def finish(self):
        """The plan file, rewound: every planned row, then the summary."""
        summary = {
            "version": 1,
            "format": self.table.format,
            "sheet": self.table.sheet_name,
            "header_row": self.table.header_row,
            "columns": [[c.index, c.header, c.field] for c in self.table.columns],
            "unrecognised": self.table.unrecognised,
            "errors": [error.as_list() for error in self.errors],
        }
        self._gzip.write(dumps_line(summary) + b"\n")
        self._gzip.close()
        self._file.seek(0)
        return self._file


def dumps_line(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# Indexes into a plan row.
R_NUMBER, R_CODE, R_ACTION, R_VALUES, R_CHANGES = 0, 1, 2, 3, 4
R_PILOT_ACTION, R_PILOT_VALUES, R_PILOT_CHANGES, R_CLUSTER = 5, 6, 7, 8


def build_preview(table: Table, *, scope: Scope, plan_year: PlanYear) -> Preview:
    """Check every row and compare it with the database; writes nothing.

    Two passes: the first only gathers the credit codes (for duplicates); the second loads the
    matching records a chunk of rows at a time, checks and plans each row and lets go of the
    row it read, so a large file is never held twice.
    """
    lookups = Lookups(scope)
    checker = _RowChecker(table, lookups)
    preview = Preview(table=table)
    counts = dict.fromkeys(
        (
            "enterprises_created",
            "enterprises_updated",
            "enterprises_unchanged",
            "pilots_created",
            "pilots_updated",
            "pilots_unchanged",
        ),
        0,
    )
    rows_by_code: dict[str, list[int]] = {}
    row_codes: list[str] = []
    for row in table.rows:
        cell = row.values.get("credit_code")
        code = ""
        if cell is not None and cell.text and not cell.was_number:
            code = normalise_credit_code(cell.text)
            rows_by_code.setdefault(code, []).append(row.number)
        row_codes.append(code)
    column = {name: index for index, name in enumerate(ENTERPRISE_COLUMNS)}
    pilot_column = {name: index for index, name in enumerate(PILOT_COLUMNS)}
    digest = StateDigest()

    rows = table.rows
    for start in range(0, len(rows), CHUNK):
        # The records this chunk of rows may match; a chunk at a time keeps memory flat.
        chunk_codes = {code for code in row_codes[start : start + CHUNK] if code}
        existing, pilots = load_existing(list(chunk_codes), plan_year.pk)
        for index in range(start, min(start + CHUNK, len(rows))):
            parsed = checker.parse(rows[index])
            rows[index] = None  # the row is no longer needed; its cells can go
            numbers = rows_by_code.get(parsed.credit_code, ())
            if len(numbers) > 1:
                # Every row of the pair (or more) is wrong, and each names the others.
                others = "、".join(str(n) for n in numbers if n != parsed.number)
                parsed.errors.append(
                    RowError(
                        parsed.number,
                        "credit_code",
                        checker.header("credit_code"),
                        parsed.credit_code,
                        _("The same credit code is also on row %(rows)s of the file.")
                        % {"rows": others},
                    )
                )
            if not parsed.errors:
                _plan_row(parsed, existing, pilots, column, pilot_column, lookups, checker, preview)
            if parsed.errors:
                preview.rejected += 1
                preview.errors.extend(parsed.errors)
                continue
            planned = preview.last
            found = existing.get(parsed.credit_code)
            digest.add(parsed.credit_code, found, pilots.get(found[0]) if found else None)
            counts[f"enterprises_{_COUNT_WORD[planned[R_ACTION]]}"] += 1
            if planned[R_PILOT_ACTION]:
                counts[f"pilots_{_COUNT_WORD[planned[R_PILOT_ACTION]]}"] += 1
    preview.counts = counts
    preview.digest = digest.hexdigest()
    return preview


_COUNT_WORD = {"create": "created", "update": "updated", "same": "unchanged"}


def _plan_row(parsed, existing, pilots, column, pilot_column, lookups, checker, preview) -> None:
    """Merge a valid row with the record it matches; append the plan row or the errors."""
    scope = lookups.scope
    found = existing.get(parsed.credit_code)
    given = parsed.enterprise

    def reject(name: str, message: str, value: str = "") -> None:
        parsed.errors.append(RowError(parsed.number, name, checker.header(name), value, message))

    if found is not None:
        old = {
            name: found[column[attname]]
            for name, attname in zip(ENTERPRISE_FIELDS, attnames(ENTERPRISE_FIELDS), strict=True)
        }
        if not scope.allows(county_id=old["county"], township_id=old["township"]):
            reject(
                "credit_code",
                _(
                    "This enterprise is registered outside your area (%(county)s); "
                    "ask the city union to change it."
                )
                % {"county": lookups.region_names.get(old["county"], "")},
                parsed.credit_code,
            )
            return
        new = {**old, **given}
        if "county" in given and given["county"] != old["county"]:
            # Moved to another county: the old township and park no longer apply.
            new["township"] = given.get("township")
            if "park" not in given and old["park"] is not None:
                park_county = lookups.park_county.get(old["park"])
                if park_county is not None and park_county != given["county"]:
                    new["park"] = None
    else:
        old = None
        new = {**ENTERPRISE_DEFAULTS, **given}
        for name in ("industry", "ownership"):
            if name not in given:
                reject(name, _("Needed for a new enterprise."))
    if not scope.allows(county_id=new.get("county"), township_id=new.get("township")):
        if scope.township_id is not None and not new.get("township"):
            reject("township", _("Give your township or street."))
        else:
            name = "township" if scope.township_id is not None else "county"
            reject(name, _("This lies outside your area."), lookups.display(name, new.get(name)))

    pilot_found = pilots.get(found[0]) if found is not None else None
    pilot_action, pilot_values, pilot_changes = "", None, None
    if pilot_found is not None:
        pilot_old = {name: pilot_found[pilot_column[name]] for name in PILOT_FIELDS}
        pilot_new = {**pilot_old, **parsed.pilot}
        if pilot_new != pilot_old and not {pilot_old["tier"], pilot_new["tier"]} <= set(
            lookups.tiers
        ):
            reject("tier", _("You cannot change a pilot of this tier."), "")
        pilot_changes = [
            [name, lookups.display(name, pilot_old[name]), lookups.display(name, pilot_new[name])]
            for name in PILOT_FIELDS
            if pilot_old[name] != pilot_new[name]
        ]
        pilot_action = "update" if pilot_changes else "same"
        pilot_values = [pilot_new[name] for name in PILOT_FIELDS]
    elif parsed.pilot:
        if "tier" not in parsed.pilot:
            reject("tier", _("Give the pilot tier."))
        pilot_new = {"status": Pilot.Status.PROPOSED, "own_plan": "", **parsed.pilot}
        pilot_action = "create"
        pilot_values = [pilot_new.get(name) for name in PILOT_FIELDS]
    if pilot_values and pilot_values[0] == Pilot.Tier.TOWNSHIP and not new.get("township"):
        reject("township", _("A township-tier pilot needs an enterprise with a township."))
    if parsed.errors:
        return

    if old is None:
        action, changes = "create", None
    else:
        changes = [
            [name, lookups.display(name, old[name]), lookups.display(name, new[name])]
            for name in ENTERPRISE_FIELDS
            if old[name] != new[name]
        ]
        action = "update" if changes else "same"
    preview.add_row(
        [
            parsed.number,
            parsed.credit_code,
            action,
            [new[name] for name in ENTERPRISE_FIELDS],
            changes,
            pilot_action,
            pilot_values,
            pilot_changes,
            parsed.cluster,
        ]
    )


# -- the batch -------------------------------------------------------------------------------


def iter_plan(batch: ImportBatch) -> Iterator[list | dict]:
    """The plan file's items: each planned row (a list), then the summary (a dict)."""
    with batch.plan.open("rb") as handle, gzip.GzipFile(fileobj=handle) as lines:
        for line in lines:
            yield json.loads(line)


def load_plan(batch: ImportBatch) -> dict:
    """The batch's summary with "rows": every planned row, in the file's order."""
    rows: list[list] = []
    summary: dict = {}
    for item in iter_plan(batch):
        if isinstance(item, dict):
            summary = item
        else:
            rows.append(item)
    summary["rows"] = rows
    return summary


def _store_preview(batch: ImportBatch, preview: Preview) -> None:
    path = f"imports/plans/{batch.pk}.jsonl.gz"
    if default_storage.exists(path):
        default_storage.delete(path)
    with preview.finish() as plan:
        batch.plan.name = default_storage.save(path, File(plan))
    batch.header_row = preview.table.header_row
    batch.unrecognised = preview.table.unrecognised
    batch.file_format = preview.table.format
    batch.row_count = len(preview.table.rows)
    batch.rows_rejected = preview.rejected
    batch.error_count = len(preview.errors)
    batch.state_digest = preview.digest
    for name, value in preview.counts.items():
        setattr(batch, name, value)


def read_upload(data: bytes) -> Table:
    return read_table(data, max_rows=settings.IMPORT_MAX_ROWS, max_bytes=settings.IMPORT_MAX_BYTES)


def batch_create(
    *, data: bytes, filename: str, user: User, scope: Scope, plan_year: PlanYear
) -> ImportBatch:
    """Keep the upload and its preview as a batch; a file that cannot be read is a failed one."""
    batch = ImportBatch(
        original_name=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        plan_year=plan_year,
        created_by=user,
        scope_county_id=scope.county_id,
        scope_township_id=scope.township_id,
    )
    try:
        table = read_upload(data)
    except SpreadsheetError as exc:
        batch.status = ImportBatch.Status.FAILED
        batch.message = str(exc)
        table = None
    batch.original.save(filename, ContentFile(data), save=False)
    batch.save()
    if table is None:
        return batch
    if table.missing_required:
        batch.status = ImportBatch.Status.FAILED
        batch.header_row = table.header_row
        batch.unrecognised = table.unrecognised
        batch.message = _("Required columns are missing: %(columns)s.") % {
            "columns": "、".join(HEADERS[name] for name in table.missing_required)
        }
    else:
        _store_preview(batch, build_preview(table, scope=scope, plan_year=plan_year))
    batch.save()
    return batch


def batch_revalidate(*, batch: ImportBatch, scope: Scope) -> ImportBatch:
    with batch.original.open("rb") as handle:
        data = handle.read()
    _store_preview(batch, build_preview(read_upload(data), scope=scope, plan_year=batch.plan_year))
    batch.save()
    return batch


def batch_discard(*, batch: ImportBatch) -> ImportBatch:
    if batch.status == ImportBatch.Status.PREVIEWED:
        batch.status = ImportBatch.Status.DISCARDED
        batch.save(update_fields=["status"])
    return batch
