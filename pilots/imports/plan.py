"""The Excel import's preview: what an upload would do, planned row by row.

Reading the file is pilots.imports.read's job, checking the rows pilots.imports.check'; this
module compares the checked rows with the database and writes the plan (one entry per accepted
row, every error of every rejected row), and writes nothing else; pilots.imports.batches keeps
it next to the uploaded file, as the batch's preview. pilots.imports.apply applies exactly that
plan on confirmation, in one transaction.

Speed matters (10,000 rows previewed and applied in under 2 s): existing records are loaded by
credit code a chunk at a time, so the number of queries grows with the number of chunks, never
per row, and the plan is streamed to a compressed file rather than held in memory.
"""

from __future__ import annotations

import functools
import gzip
import json
import tempfile
from collections.abc import Callable, Iterator
from itertools import islice

from pilots.imports.cells import Cell
from pilots.imports.check import RowChecker, RowError, plan_state_control
from pilots.imports.lookups import Lookups
from pilots.imports.messages import say
from pilots.imports.read import Table
from pilots.imports.records import (  # noqa: F401 - the plan's row format, used by its readers too
    CHUNK,
    ENTERPRISE_COLUMN,
    ENTERPRISE_COLUMNS,
    ENTERPRISE_FIELDS,
    ENTERPRISE_VALUES,
    FOREIGN_KEYS,
    PILOT_COLUMN,
    PILOT_COLUMNS,
    PILOT_FIELDS,
    PILOT_VALUES,
    PLACE_FIELDS,
    R_ACTION,
    R_CHANGES,
    R_CLUSTER,
    R_CODE,
    R_LINKS,
    R_NUMBER,
    R_PILOT_ACTION,
    R_PILOT_CHANGES,
    R_PILOT_VALUES,
    R_VALUES,
    StateDigest,
    attnames,
    chunks,
    dumps_line,
    load_existing,
)
from pilots.imports.rows import Row, Rows
from pilots.models import ImportBatch, Pilot
from reform.creditcode import normalise_credit_code
from reform.messages import in_every_language
from reform.models import PlanYear
from reform.scopes import Scope
from reform.text import normalise_text

# progress(done, total): how far a background task got (reform.jobs.Progress).
Progress = Callable[[int, int], None]

# Compared after normalising: full-width and half-width forms are the same text. (Phones have
# one stored form, reform.phones: a stored phone written otherwise is changed to it.)
TEXT_FIELDS = ("name", "contact_name", "address")
ENTERPRISE_DEFAULTS = {
    "industry_text": "",
    "core_industry": "",
    "township": None,
    "park": None,
    "state_controls": None,
    "employee_count": 0,
    "is_leading": False,
    "chain_position": "",
    "is_industry_education": False,
    "contact_name": "",
    "contact_phone": "",
    "address": "",
    "remarks": "",
}


# Positions in a loaded pilot / enterprise and in a planned row (count_quota, once a row).
_COUNTED = frozenset(status.value for status in Pilot.COUNTED_STATUSES)
_FOUND_STATUS, _FOUND_TIER = PILOT_COLUMN["status"], PILOT_COLUMN["tier"]
_FOUND_PLACE = [ENTERPRISE_COLUMN[f"{name}_id"] for name in PLACE_FIELDS]
_STATUS, _TIER = PILOT_FIELDS.index("status"), PILOT_FIELDS.index("tier")
_PLACE = [ENTERPRISE_FIELDS.index(name) for name in PLACE_FIELDS]


class Preview:
    """What an upload would do. Planned rows go straight into a compressed temporary file
    (one JSON list a line, the summary last), so a large preview is not held in memory."""

    def __init__(self, table: Table):
        self.table = table
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []
        self.rejected = 0
        self.counts: dict[str, int] = {}
        self.link_counts: dict[str, int] = {}
        self.quota_changes: dict[tuple, int] = {}
        self.digest = ""
        self.last: list | None = None
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish()'s caller
        self._gzip = gzip.GzipFile(fileobj=self._file, mode="wb", compresslevel=1)

    def count_quota(self, planned: list, found: tuple | None, pilot: tuple | None) -> None:
        """The row's change to the pilots counted toward a quota, by tier and place:
        pilots.quotas.quota_effect reads them into "12 → 15 / 15" on the preview."""
        counted = _COUNTED
        if pilot is not None and pilot[_FOUND_STATUS] in counted:
            key = (pilot[_FOUND_TIER], *(found[index] for index in _FOUND_PLACE))
            self.quota_changes[key] = self.quota_changes.get(key, 0) - 1
        values = planned[R_PILOT_VALUES]
        if values and values[_STATUS] in counted:
            new = planned[R_VALUES]
            key = (values[_TIER], *(new[index] for index in _PLACE))
            self.quota_changes[key] = self.quota_changes.get(key, 0) + 1

    def add_row(self, row: list) -> None:
        self.last = row
        self._gzip.write(dumps_line(row) + b"\n")

    def finish(self):
        """The plan file, rewound: every planned row, then the summary."""
        summary = {
            "version": 1,
            "format": self.table.format,
            "sheet": self.table.sheet_name,
            "other_sheets": self.table.other_sheets,
            "header_row": self.table.header_row,
            "columns": [[c.index, c.header, c.field] for c in self.table.columns],
            "unrecognised": self.table.unrecognised,
            "errors": [error.as_list() for error in self.errors],
            "quota_changes": [[*key, n] for key, n in self.quota_changes.items() if n],
            "warnings": [warning.as_list() for warning in self.warnings],
        }
        self._gzip.write(dumps_line(summary) + b"\n")
        self._gzip.close()
        self._file.seek(0)
        return self._file


def build_preview(
    table: Table, *, scope: Scope, plan_year: PlanYear, progress: Progress | None = None
) -> Preview:
    """Check every row and compare it with the database; writes nothing.

    Two passes: the first only gathers the credit codes (for duplicates); the second loads the
    matching records a chunk of rows at a time, checks and plans each row and lets go of the
    row it read. The reader streams the rows on both passes, so the file is never held as rows.
    """
    lookups = Lookups(scope)
    checker = RowChecker(table, lookups)
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
    for number, cell in _cells(table.rows, "credit_code"):
        code = ""
        if cell is not None and cell.text and not cell.was_number:
            code = normalise_credit_code(cell.text)
            rows_by_code.setdefault(code, []).append(number)
        row_codes.append(code)
    column = {name: index for index, name in enumerate(ENTERPRISE_COLUMNS)}
    pilot_column = {name: index for index, name in enumerate(PILOT_COLUMNS)}
    digest = StateDigest()
    link_counts = dict.fromkeys(lookups.resolvers, 0)

    rows = iter(table.rows)  # a second pass: the reader streams the rows again
    total = len(row_codes)
    for start in range(0, total, CHUNK):
        if progress is not None:
            progress(start, total)
        # The records this chunk of rows may match; a chunk at a time keeps memory flat.
        chunk_codes = {code for code in row_codes[start : start + CHUNK] if code}
        existing, pilots = load_existing(list(chunk_codes), plan_year.pk)
        links = _ExistingLinks(lookups.resolvers, [values[0] for values in existing.values()])
        for row in islice(rows, CHUNK):
            parsed = checker.parse(row)
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
                        say("code_twice", rows=others),
                    )
                )
            if not parsed.errors:
                _plan_row(
                    parsed, existing, pilots, links, column, pilot_column, lookups, checker, preview
                )
            if parsed.errors:
                preview.rejected += 1
                preview.errors.extend(parsed.errors)
                continue
            preview.warnings.extend(parsed.warnings)
            planned = preview.last
            found = existing.get(parsed.credit_code)
            pilot = pilots.get(found[0]) if found else None
            digest.add(parsed.credit_code, found, pilot)
            preview.count_quota(planned, found, pilot)
            action = planned[R_ACTION]
            if action == "same" and planned[R_LINKS]:
                # Joining a cluster changes the enterprise as the user sees it.
                action = "update"
            counts[f"enterprises_{_COUNT_WORD[action]}"] += 1
            for name, _pk, _label in planned[R_LINKS]:
                link_counts[name] += 1
            if planned[R_PILOT_ACTION]:
                counts[f"pilots_{_COUNT_WORD[planned[R_PILOT_ACTION]]}"] += 1
    preview.counts = counts
    preview.link_counts = link_counts
    preview.digest = digest.hexdigest()
    return preview


def _cells(rows: list[Row] | Rows, name: str) -> Iterator[tuple[int, Cell | None]]:
    """(row number, the field's cell) of every row: a streamed Rows reads only what it needs."""
    if isinstance(rows, Rows):
        return rows.cells(name)
    return ((row.number, row.values.get(name)) for row in rows)


# (field, its position in a loaded record's tuple), in ENTERPRISE_FIELDS order.
_ENTERPRISE_INDEXES = [
    (name, ENTERPRISE_COLUMN[attname])
    for name, attname in zip(ENTERPRISE_FIELDS, attnames(ENTERPRISE_FIELDS), strict=True)
]

_COUNT_WORD = {"create": "created", "update": "updated", "same": "unchanged"}


class _ExistingLinks(dict):
    """Per extension column, the links the chunk's matched enterprises have: one query a
    chunk, and only when a row of the chunk names a link (a file without the column: none)."""

    def __init__(self, resolvers: dict, enterprise_ids: list[int]):
        super().__init__()
        self.resolvers = resolvers
        self.enterprise_ids = enterprise_ids

    def __missing__(self, name: str) -> set:
        ids = self.enterprise_ids
        found = self[name] = self.resolvers[name].existing(ids) if ids else set()
        return found


def _plan_row(
    parsed, existing, pilots, links, column, pilot_column, lookups, checker, preview
) -> None:
    """Merge a valid row with the record it matches; append the plan row or the errors.

    `links`: per extension column, the (enterprise id, target id) links that exist already;
    the plan keeps only the new ones, so a second upload of the same file plans nothing.
    """
    scope = lookups.scope
    found = existing.get(parsed.credit_code)
    given = parsed.enterprise

    def reject(name: str, message: str, value: str = "") -> None:
        parsed.errors.append(RowError(parsed.number, name, checker.header(name), value, message))

    if found is not None:
        old = {name: found[index] for name, index in _ENTERPRISE_INDEXES}
        if not scope.allows(county_id=old["county"], township_id=old["township"]):
            reject(
                "credit_code",
                say("registered_elsewhere", county=lookups.region_names.get(old["county"], "")),
                parsed.credit_code,
            )
            return
        new = {**old, **given}
        for name in TEXT_FIELDS:
            # "（东海）" typed in a form and "(东海)" read from a sheet are the same name.
            if (
                name in given
                and old[name]
                and old[name] != given[name]
                and normalise_text(old[name]) == given[name]
            ):
                new[name] = old[name]
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
                reject(name, say("needed_for_new"))
        new.setdefault("industry", None)
    for name, message in lookups.place_errors(
        new.get("county"), new.get("township"), new.get("park")
    ).items():
        # What the row kept of the record (its township or park) does not fit the county.
        reject(name, message, lookups.display(name, new.get(name)))
    plan_state_control(given, new, reject, lookups)
    if not scope.allows(county_id=new.get("county"), township_id=new.get("township")):
        if scope.township_id is not None and not new.get("township"):
            reject("township", say("give_township"))
        else:
            name = "township" if scope.township_id is not None else "county"
            reject(name, say("outside_area"), lookups.display(name, new.get(name)))

    pilot_found = pilots.get(found[0]) if found is not None else None
    pilot_action, pilot_values, pilot_changes = "", None, None
    if pilot_found is not None:
        pilot_old = {name: pilot_found[pilot_column[name]] for name in PILOT_FIELDS}
        pilot_new = {**pilot_old, **parsed.pilot}
        if pilot_new != pilot_old and not {pilot_old["tier"], pilot_new["tier"]} <= set(
            lookups.tiers
        ):
            reject("tier", say("tier_cannot_change"), "")
        _named_status(pilot_old["status"], pilot_new["status"], reject)
        pilot_changes = [
            [name, lookups.display(name, pilot_old[name]), lookups.display(name, pilot_new[name])]
            for name in PILOT_FIELDS
            if pilot_old[name] != pilot_new[name]
        ]
        pilot_action = "update" if pilot_changes else "same"
        pilot_values = [pilot_new[name] for name in PILOT_FIELDS]
    elif parsed.pilot:
        if "tier" not in parsed.pilot:
            reject("tier", say("tier_missing"))
        pilot_new = {"status": Pilot.Status.PROPOSED, "own_plan": "", **parsed.pilot}
        _named_status(None, pilot_new["status"], reject)
        pilot_action = "create"
        pilot_values = [pilot_new.get(name) for name in PILOT_FIELDS]
    if pilot_values and pilot_values[0] == Pilot.Tier.TOWNSHIP and not new.get("township"):
        reject("township", say("township_tier_needs_township"))
    new_links = [
        link for link in parsed.links if found is None or (found[0], link[1]) not in links[link[0]]
    ]
    for name, target, label in new_links:
        # Only a link the row adds needs the right to add it: naming a cluster the
        # enterprise is already in changes nothing.
        refusal = lookups.resolvers[name].refusal(target)
        if refusal:
            reject(
                name,
                in_every_language(functools.partial(lookups.resolvers[name].refusal, target)),
                label,
            )
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
            new_links,
        ]
    )


def _named_status(old: str | None, new: str, reject) -> None:
    """示范单位 is a naming's (demonstration app; pilots.services.pilot_set_status): a row may
    neither give it nor take it away; a row repeating it for a demonstration unit is no change."""
    demonstration = Pilot.Status.DEMONSTRATION
    if new == old or demonstration not in (old, new):
        return
    code = "demonstration_by_naming" if new == demonstration else "demonstration_kept"
    reject("status", say(code), str(Pilot.Status(new).label))


# -- the plan file ---------------------------------------------------------------------------


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
