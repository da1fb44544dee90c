"""The Excel import pipeline: an upload becomes a batch with a preview of what it would do.

Reading the file is pilots.imports.read's job, checking the rows pilots.imports.check'; this
module compares the checked rows with the database, writes the plan (one entry per accepted
row, every error of every rejected row) next to the uploaded file, and writes nothing else.
pilots.imports.apply applies exactly that plan on confirmation, in one transaction.

Speed matters (10,000 rows previewed and applied in under 2 s): existing records are loaded by
credit code a chunk at a time, so the number of queries grows with the number of chunks, never
per row, and the plan is streamed to a compressed file rather than held in memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from pilots.imports.check import Lookups, RowChecker, RowError, plan_state_control
from pilots.imports.read import HEADERS, SpreadsheetError, Table, read_table
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.creditcode import normalise_credit_code
from reform.models import PlanYear, User
from reform.scopes import Scope
from reform.text import normalise_text

# SQLite allows 999 variables per statement on old builds; stay below it everywhere.
CHUNK = 900

# The enterprise fields an import sets, in the order the plan stores them (credit code is the key).
ENTERPRISE_FIELDS = Enterprise.DATA_FIELDS
FOREIGN_KEYS = {"county", "township", "park", "industry"}
# Compared after normalising: full-width and half-width forms are the same text.
TEXT_FIELDS = ("name", "contact_name", "contact_phone", "address")
PILOT_FIELDS = ("tier", "status", "own_plan")
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
}


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
    "version",
    "updated_at",
]
PILOT_COLUMNS = [
    "id",
    "enterprise_id",
    *PILOT_FIELDS,
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
        self.warnings: list[RowError] = []
        self.rejected = 0
        self.counts: dict[str, int] = {}
        self.link_counts: dict[str, int] = {}
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
            "warnings": [warning.as_list() for warning in self.warnings],
        }
        self._gzip.write(dumps_line(summary) + b"\n")
        self._gzip.close()
        self._file.seek(0)
        return self._file


def dumps_line(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# Indexes into a plan row.
R_NUMBER, R_CODE, R_ACTION, R_VALUES, R_CHANGES = 0, 1, 2, 3, 4
R_PILOT_ACTION, R_PILOT_VALUES, R_PILOT_CHANGES, R_CLUSTER, R_LINKS = 5, 6, 7, 8, 9


def build_preview(table: Table, *, scope: Scope, plan_year: PlanYear) -> Preview:
    """Check every row and compare it with the database; writes nothing.

    Two passes: the first only gathers the credit codes (for duplicates); the second loads the
    matching records a chunk of rows at a time, checks and plans each row and lets go of the
    row it read, so a large file is never held twice.
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
    link_counts = dict.fromkeys(lookups.resolvers, 0)

    rows = table.rows
    for start in range(0, len(rows), CHUNK):
        # The records this chunk of rows may match; a chunk at a time keeps memory flat.
        chunk_codes = {code for code in row_codes[start : start + CHUNK] if code}
        existing, pilots = load_existing(list(chunk_codes), plan_year.pk)
        links = _ExistingLinks(lookups.resolvers, [values[0] for values in existing.values()])
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
            digest.add(parsed.credit_code, found, pilots.get(found[0]) if found else None)
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
        for name in TEXT_FIELDS:
            # "（东海）" typed in a form and "(东海)" read from a sheet are the same name.
            if name in given and old[name] and normalise_text(old[name]) == given[name]:
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
                reject(name, _("Needed for a new enterprise."))
        new.setdefault("industry", None)
    for name, message in lookups.place_errors(
        new.get("county"), new.get("township"), new.get("park")
    ).items():
        # What the row kept of the record (its township or park) does not fit the county.
        reject(name, message, lookups.display(name, new.get(name)))
    plan_state_control(given, new, reject, lookups)
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
    new_links = [
        link for link in parsed.links if found is None or (found[0], link[1]) not in links[link[0]]
    ]
    for name, target, label in new_links:
        # Only a link the row adds needs the right to add it: naming a cluster the
        # enterprise is already in changes nothing.
        refusal = lookups.resolvers[name].refusal(target)
        if refusal:
            reject(name, refusal, label)
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
    batch.link_counts = preview.link_counts


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
    elif not table.rows:
        batch.status = ImportBatch.Status.FAILED
        batch.header_row = table.header_row
        batch.message = _("The header row was found (row %(row)d), but no rows below it.") % {
            "row": table.header_row
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
