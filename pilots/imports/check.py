"""Checking the rows of an enterprise list: every cell against the reference data and the
uploader's scope, every error collected with its Excel row number and column header.

No database writes here; the reference data (regions, parks, industries) is loaded once per
upload by `Lookups` (pilots/imports/lookups.py), in a handful of queries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from pilots.imports.cells import parse_bool, unneutralise
from pilots.imports.columns import ColumnError
from pilots.imports.headers import HEADERS
from pilots.imports.lookups import REMARKS_SHOWN, Lookups, key
from pilots.imports.messages import ownership as ownership_label
from pilots.imports.messages import say
from pilots.imports.read import Table
from pilots.imports.words import Ownership
from pilots.models import REMARKS_MAX_LENGTH
from pilots.ownership import OwnershipGroup, group_of, state_control_error
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.industries import MAX_TEXT as INDUSTRY_TEXT_MAX
from reform.industries import IndustryError, Match
from reform.messages import in_every_language
from reform.phones import PhoneError, normalise_phone
from reform.text import normalise_lines

# The example row of the template: refused if it is left in an upload.
EXAMPLE_CREDIT_CODE = "91320722MA1XXXXXXX"


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


@dataclass(slots=True)
class RowError:
    row: int
    field: str
    header: str
    value: str
    message: list | str  # stored (reform.messages): rendered in the reader's language

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
                error("name", say("name_too_long"))
            parsed.enterprise["name"] = name
        else:
            error("name", say("name_missing"))

        code_cell = values.get("credit_code")
        code = text("credit_code")
        if not code:
            error("credit_code", say("code_missing"))
        elif code_cell.was_number:
            error(
                "credit_code",
                say("code_was_number"),
            )
        elif code == EXAMPLE_CREDIT_CODE:
            error("credit_code", say("example_row"))
        else:
            try:
                parsed.credit_code = validate_credit_code(code)
            except CreditCodeError:
                error(
                    "credit_code",
                    in_every_language(functools.partial(_refusal, validate_credit_code, code)),
                )

        county_id = None
        county = text("county")
        if county:
            county_id = lookups.counties.get(key(county))
            if county_id is None:
                error("county", say("county_unknown"))
            else:
                parsed.enterprise["county"] = county_id
        else:
            error("county", say("county_missing"))

        township = text("township")
        if township and county_id is not None:
            township_id = lookups.townships.get((county_id, key(township)))
            if township_id is None:
                error(
                    "township",
                    say("township_unknown", county=lookups.region_names[county_id]),
                )
            else:
                parsed.enterprise["township"] = township_id

        park = text("park")
        if park:
            park_id = lookups.parks.get(key(park))
            if park_id is None:
                error("park", say("park_unknown"))
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
                error("industry", in_every_language(lambda problem=problem: str(problem)))
            else:
                if found.industry_id is not None:
                    parsed.enterprise["industry"] = found.industry_id
                    parsed.enterprise["industry_text"] = ""
                elif len(industry) > INDUSTRY_TEXT_MAX:
                    error(
                        "industry",
                        in_every_language(
                            lambda: (
                                _("The industry is longer than %(max)s characters.")
                                % {"max": INDUSTRY_TEXT_MAX}
                            )
                        ),
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
                            in_every_language(lambda found=found: unclassified_message(found)),
                        )
                    )

        core = text("core_industry")
        if core:
            tag = lookups.core_industries.get(key(core))
            if tag is None or len(core) > 40:
                error(
                    "core_industry",
                    in_every_language(
                        lambda: _(
                            "Unknown core industry; choose one from the list (or leave it empty)."
                        )
                    ),
                )
            else:
                parsed.enterprise["core_industry"] = tag

        for name, words in (("ownership", lookups.ownership), ("chain_position", lookups.chain)):
            value = text(name)
            if value:
                found = words.get(key(value))
                if found is None:
                    if name == "chain_position":
                        message = say("chain_unknown")
                    elif key(value) in lookups.legal_forms:
                        message = say("ownership_legal_form", value=value)
                    else:
                        message = say("ownership_unknown")
                    error(name, message)
                else:
                    parsed.enterprise[name] = found
                    if name == "ownership" and key(value) in lookups.implied_control:
                        parsed.enterprise["state_controls"] = lookups.implied_control[key(value)]

        controls = text("state_controls")
        if controls:
            try:
                answer = parse_bool(controls)
            except ValueError:
                error("state_controls", say("yes_no"))
            else:
                implied = parsed.enterprise.get("state_controls")
                if implied is not None and implied != answer:
                    error(
                        "state_controls",
                        say("ownership_contradicts", ownership=text("ownership")),
                    )
                else:
                    parsed.enterprise["state_controls"] = answer

        employees = text("employee_count")
        if employees:
            number = _whole_number(employees)
            if number is None:
                error("employee_count", say("employees_not_whole"))
            else:
                parsed.enterprise["employee_count"] = number

        for name in ("is_leading", "is_industry_education"):
            value = text(name)
            if value:
                try:
                    flag = parse_bool(value)
                except ValueError:
                    error(name, say("yes_no"))
                else:
                    parsed.enterprise[name] = flag

        for name, limit in (("contact_name", 50), ("address", 200)):
            value = text(name)
            if value:
                if len(value) > limit:
                    error(name, say("too_long", limit=limit))
                else:
                    parsed.enterprise[name] = value

        phone = values.get("contact_phone")
        if phone is not None and phone.text:
            # A number cell has lost a landline's leading 0: reform.phones says so, and how
            # to format the column.
            try:
                parsed.enterprise["contact_phone"] = normalise_phone(
                    phone.text, from_number=phone.was_number
                )
            except PhoneError as exc:
                error("contact_phone", in_every_language(lambda exc=exc: str(exc)))

        remarks = remarks_text(values.get("remarks"))
        if len(remarks) > REMARKS_MAX_LENGTH:
            error(
                "remarks",
                say("remarks_too_long", count=len(remarks), limit=REMARKS_MAX_LENGTH),
                remarks[:REMARKS_SHOWN] + "…",
            )
        elif remarks:
            parsed.enterprise["remarks"] = remarks

        tier = text("tier")
        if tier:
            found = lookups.tier.get(key(tier))
            if found is None:
                error("tier", say("tier_unknown"))
            elif found not in lookups.tiers:
                error("tier", say("tier_not_yours"))
            else:
                parsed.pilot["tier"] = found
        status = text("status")
        if status:
            found = lookups.status.get(key(status))
            if found is None:
                error("status", say("status_unknown"))
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
                except ColumnError:
                    error(
                        name,
                        in_every_language(functools.partial(_refusal, resolver.resolve, value)),
                    )
                else:
                    parsed.links.extend([name, pk, label] for pk, label in targets)
        return parsed


def _refusal(check, *args) -> str:
    """What a reused check raising (CreditCodeError, ColumnError) says, in the active language."""
    try:
        check(*args)
    except (CreditCodeError, ColumnError) as exc:
        return str(exc)
    return ""


def remarks_text(cell) -> str:
    """A remarks cell as written, line breaks (Alt+Enter) and Chinese punctuation kept: the
    reader's cleaned text folds both, which suits codes and names, not prose."""
    if cell is None or not cell.text:
        return ""
    if not isinstance(cell.raw, str):
        return cell.text
    return normalise_lines(unneutralise(cell.raw))


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
            reject("state_controls", in_every_language(lambda: state_control_error(kind, None)))
        return
    answer = given.get("state_controls")
    state_kind = group_of(kind, None) == OwnershipGroup.STATE_OWNED
    if answer is not None and kind and answer != state_kind:
        reject(
            "state_controls",
            say("state_control_follows", kind=ownership_label(kind)),
            lookups.display("state_controls", answer),
        )
    new["state_controls"] = None
