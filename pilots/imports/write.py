"""Writing the enterprise list's confirmed plan (its kind's `apply_rows`): the records and
their history rows, a chunk of plan rows at a time.

Everything here runs in the one transaction of pilots.imports.apply.batch_apply. On SQLite
changed enterprises and pilots are written with upserts (`INSERT … ON CONFLICT DO UPDATE`) and
their history rows are copied by the database with `INSERT … SELECT`; on PostgreSQL the rows go
by COPY into a temporary table and one statement writes the records and their history rows
together (_write_postgres). A chunk of rows at a time, so the number of queries grows with the
number of chunks, never per row, and memory stays flat.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from django.db import connection, models

from pilots.imports.apply import RowsChanged, UndoLog, iter_plan_rows
from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.lookups import Places, allowed_tiers
from pilots.imports.plan import (
    CHUNK,
    ENTERPRISE_COLUMN,
    ENTERPRISE_COLUMNS,
    ENTERPRISE_FIELDS,
    PILOT_COLUMN,
    PILOT_COLUMNS,
    PILOT_FIELDS,
    R_ACTION,
    R_CODE,
    R_LINKS,
    R_PILOT_ACTION,
    R_PILOT_VALUES,
    R_VALUES,
    Progress,
    StateDigest,
    attnames,
    chunks,
    load_existing,
)
from pilots.imports.records import in_keys, select_in
from pilots.models import Enterprise, ImportBatch, Pilot
from pilots.ownership import state_control_error
from reform.figures import data_changed
from reform.models import User
from reform.scopes import Scope

# PostgreSQL writes this many plan rows a time (each statement's own cost, and the temporary
# table's, is paid per chunk; the keys go as one array, so no limit on the parameters).
POSTGRES_CHUNK = 4500
ROWS_PER_STATEMENT = 500  # × at most 17 columns: within SQLite's 32,766 parameters


def _upsert(model, columns: list[str], rows: list[list], *, conflict, update) -> None:
    """SQLite: INSERT … VALUES (…), (…) ON CONFLICT DO UPDATE, many rows a statement
    (PostgreSQL: _write_postgres).

    Raw SQL because Django's bulk_create prepares every value of every row in Python, which
    is most of the time of a large import; here the values are already what the columns hold.
    A row that updates an existing record also raises its version by one.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sets = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in update)
    one_row = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for chunk in chunks(rows, ROWS_PER_STATEMENT):
            cursor.execute(
                # Names come from the models, values go as parameters.
                f"INSERT INTO {table} ({', '.join(quote(name) for name in columns)}) "  # noqa: S608
                f"VALUES {', '.join([one_row] * len(chunk))} "
                f"ON CONFLICT ({', '.join(quote(name) for name in conflict)}) DO UPDATE SET "
                f"{sets}, {quote('version')} = {table}.{quote('version')} + 1",
                [value for row in chunk for value in row],
            )


def _copy_rows(cursor, table: str, columns: list[str], rows: Iterable[list]) -> None:
    """COPY the rows into a fresh temporary table `import_rows` of `table`'s columns (and its id:
    a record the row updates, None for one it creates), dropped at commit.

    COPY streams the values without building any SQL; a large VALUES list would be interpolated
    into one huge statement by Django's client-side cursor.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in ["id", *columns])
    cursor.execute("DROP TABLE IF EXISTS import_rows")
    cursor.execute(
        f"CREATE TEMPORARY TABLE import_rows ON COMMIT DROP AS "  # noqa: S608
        f"SELECT {names} FROM {table} WITH NO DATA"
    )
    with cursor.copy(f"COPY import_rows ({names}) FROM STDIN") as writer:
        for row in rows:
            writer.write_row(row)


def _write_postgres(
    model,
    columns: list[str],
    updates: list[list],
    creates: list[list],
    *,
    conflict: list[str],
    update: list[str],
    history: tuple,
) -> list:
    """PostgreSQL: write a chunk's records and their history rows, two statements at most.

    `updates` are rows for records that exist: [id, *columns], their `version` being the one
    the apply read; `creates` are rows for new records: [None, *columns]. All go into the
    temporary table by one COPY; then one UPDATE … FROM writes the existing records (and raises
    each one's version) and, in the same statement (a data-modifying WITH), copies each as it
    now is into the history table; one INSERT does the same for the new records and returns
    their conflict columns and ids. A record deleted or changed since it was read, or created
    meanwhile by someone else, is not written: the counts differ and the apply starts again
    (RowsChanged), where an upsert would have written over it.

    One statement instead of an upsert and a history `INSERT … SELECT` by ids: the database
    does not look the records up again, and the parsing, planning and round trips are halved.
    """
    if not updates and not creates:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    historical = model.history.model
    tracked = [quote(field.column) for field in historical.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    into_history = (  # Names come from the models, values go as parameters.
        f"INSERT INTO {quote(historical._meta.db_table)} "  # noqa: S608
        f"({', '.join(tracked + [quote(name) for name in extra])}) "
        f"SELECT {', '.join(tracked)}, %s::timestamptz, %s::varchar, %s::varchar, %s::bigint "
        f"FROM written"
    )
    user_id, reason, when = history
    connection.ensure_connection()
    # The driver's own cursor passes no execute wrapper: say that the data changes.
    data_changed()
    created = []
    with connection.connection.cursor() as cursor:
        _copy_rows(cursor, table, columns, itertools.chain(updates, creates))
        if updates:
            sets = ", ".join(f"{quote(name)} = r.{quote(name)}" for name in update)
            cursor.execute(
                # Names come from the models, values go as parameters.
                f"WITH written AS (UPDATE {table} AS t SET {sets}, "  # noqa: S608
                f"{quote('version')} = t.{quote('version')} + 1 FROM import_rows AS r "
                f"WHERE r.{quote('id')} IS NOT NULL AND t.{quote('id')} = r.{quote('id')} "
                f"AND t.{quote('version')} = r.{quote('version')} "
                f"RETURNING {', '.join(f't.{name}' for name in tracked)}) {into_history}",
                [when, reason, "~", user_id],
            )
            if cursor.rowcount != len(updates):
                raise RowsChanged
        if creates:
            names = ", ".join(quote(name) for name in columns)
            keys = ", ".join(quote(name) for name in conflict)
            cursor.execute(
                f"WITH written AS (INSERT INTO {table} ({names}) "  # noqa: S608
                f"SELECT {names} FROM import_rows WHERE {quote('id')} IS NULL "
                f"ON CONFLICT ({keys}) DO NOTHING RETURNING {', '.join(tracked)}), "
                f"history AS ({into_history}) SELECT {keys}, {quote('id')} FROM written",
                [when, reason, "+", user_id],
            )
            created = cursor.fetchall()
            if len(created) != len(creates):
                raise RowsChanged
    return created


def _write_records(
    model,
    columns: list[str],
    rows: list[tuple],
    *,
    version_at: int,
    conflict: list[str],
    update: list[str],
    created: list,
    updated: list[int],
    history: tuple,
    **filters,
) -> dict:
    """Write a chunk's records and their history rows; the ids of the created ones by their
    first conflict column (`created` holds those keys, `updated` the ids of the others).

    `rows` are (the record as read, or None; its column values). PostgreSQL: one statement for
    the records that exist (checking the version read) and one for the new ones, each writing
    the history rows too (_write_postgres). SQLite: the upsert, the new ids looked up (by
    `filters` as well), and the history rows copied from the table.
    """
    if connection.vendor == "postgresql":
        written = _write_postgres(
            model,
            columns,
            [[found[0], *values, found[version_at]] for found, values in rows if found],
            [[None, *values, 1] for found, values in rows if not found],
            conflict=conflict,
            update=update,
            history=history,
        )
        return {record[0]: record[-1] for record in written}  # (key, …, id) of each created
    _upsert(model, columns, [[*values, 1] for _found, values in rows], conflict=conflict,
            update=update)  # fmt: skip
    new = _ids(model, conflict[0], created, **filters)
    user_id, reason, now = history
    _history_from_table(model, [new[key] for key in created], "+", user_id, reason, now)
    _history_from_table(model, updated, "~", user_id, reason, now)
    return new


def _ids(model, key_field: str, keys: list, **filters) -> dict:
    """Primary keys by a unique field, a chunk of keys per query."""
    found = {}
    for chunk in chunks(keys):
        found.update(select_in(model, [key_field, "id"], key_field, chunk, **filters))
    return found


def _history_from_table(model, ids: list[int], kind: str, user_id, reason: str, when) -> None:
    """History rows copied by the database from the records as they now are."""
    if not ids:
        return
    quote = connection.ops.quote_name
    historical = model.history.model
    tracked = [quote(field.column) for field in historical.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    if connection.vendor == "postgresql":
        marks = "%s::timestamptz, %s::varchar, %s::varchar, %s::bigint"
    else:
        marks = "%s, %s, %s, %s"
    stamp = connection.ops.adapt_datetimefield_value(when)
    with connection.cursor() as cursor:
        for chunk in chunks(ids):
            member, params = in_keys(connection, model._meta.pk, chunk)
            cursor.execute(
                f"INSERT INTO {quote(historical._meta.db_table)} "  # noqa: S608
                f"({', '.join(tracked + [quote(name) for name in extra])}) "
                f"SELECT {', '.join(tracked)}, {marks} FROM {quote(model._meta.db_table)} "
                f"WHERE {member}",
                [stamp, reason, kind, user_id, *params],
            )


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


ENTERPRISE_INSERT = [
    "credit_code",
    *attnames(ENTERPRISE_FIELDS),
    "created_at",
    "updated_at",
    "version",
]
PILOT_INSERT = [
    "enterprise_id",
    "plan_year_id",
    *PILOT_FIELDS,
    "registered_by_id",
    "registered_at",
    "updated_at",
    "version",
]


def apply_enterprise_rows(
    batch: ImportBatch,
    user: User | None,
    scope: Scope,
    progress: Progress | None,
    undo: UndoLog,
    now,
) -> None:
    """Write the plan a chunk of rows at a time; raise RowsChanged (rolling back) at the end if any
    matched record differs from what the preview saw, at once if a row lies outside `scope`."""
    reason = batch.change_reason
    user_id = user.pk if user else None
    stamp = connection.ops.adapt_datetimefield_value(now)
    digest = StateDigest()
    places = Places()
    history = (user_id, reason, now)
    total, done = batch.row_count - batch.rows_rejected, 0
    size = POSTGRES_CHUNK if connection.vendor == "postgresql" else CHUNK
    for rows in _batched(iter_plan_rows(batch, with_changes=False), size):
        if progress is not None:
            progress(done, total)
        done += len(rows)
        existing, pilots = load_existing([row[R_CODE] for row in rows], batch.plan_year_id)
        created, updated, before, enterprise_rows = [], [], [], []
        for row in rows:
            code = row[R_CODE]
            found = existing.get(code)
            pilot = pilots.get(found[0]) if found else None
            digest.add(code, found, pilot)
            if not _inside(scope, row, found, pilot):
                raise RowsChanged
            if row[R_ACTION] == "same":
                continue
            if not _still_valid(row[R_VALUES], places):
                raise RowsChanged
            if found is None:
                created.append(code)
            else:
                updated.append(found[0])
                before.append(_jsonable(found, _ENTERPRISE_DATES))
            enterprise_rows.append((found, [code, *row[R_VALUES], stamp, stamp]))
        ids = {code: values[0] for code, values in existing.items()}
        ids.update(
            _write_records(
                Enterprise,
                ENTERPRISE_INSERT,
                enterprise_rows,
                version_at=_VERSION,
                conflict=["credit_code"],
                update=[*attnames(ENTERPRISE_FIELDS), "updated_at"],
                created=created,
                updated=updated,
                history=history,
            )
        )
        created_ids = [ids[code] for code in created]
        undo.add("enterprises_created", created_ids)
        undo.add("enterprises_before", before)

        pilots_created, pilots_updated, pilots_before, pilot_rows = [], [], [], []
        for row in rows:
            if row[R_PILOT_ACTION] not in ("create", "update"):
                continue
            enterprise_id = ids[row[R_CODE]]
            found = pilots.get(enterprise_id)
            if found is None:
                pilots_created.append(enterprise_id)
            else:
                pilots_updated.append(found[0])
                pilots_before.append(_jsonable(found, _PILOT_DATES))
            pilot_rows.append(
                (
                    found,
                    [
                        enterprise_id,
                        batch.plan_year_id,
                        *row[R_PILOT_VALUES],
                        user_id,
                        stamp,
                        stamp,
                    ],
                )
            )
        new_pilots = _write_records(
            Pilot,
            PILOT_INSERT,
            pilot_rows,
            version_at=_PILOT_VERSION,
            conflict=["enterprise_id", "plan_year_id"],
            update=[*PILOT_FIELDS, "updated_at"],
            created=pilots_created,
            updated=pilots_updated,
            history=history,
            plan_year_id=batch.plan_year_id,
        )
        pilots_created = [new_pilots[enterprise_id] for enterprise_id in pilots_created]
        undo.add("pilots_created", pilots_created)
        undo.add("pilots_before", pilots_before)
        _apply_links(batch, rows, ids, user, undo)
    if digest.hexdigest() != batch.state_digest:
        raise RowsChanged


def _inside(scope: Scope, row: list, found: tuple | None, pilot: tuple | None) -> bool:
    """Whether everything the row writes lies inside `scope`: the enterprise as it is and as it
    will be, and the pilot's tier before and after (the plan's own rules, checked again)."""
    values = row[R_VALUES]
    if len(values) != len(ENTERPRISE_FIELDS):
        return False  # planned before a field was added: made again
    if not scope.allows(county_id=values[_COUNTY], township_id=values[_TOWNSHIP]):
        return False
    if found is not None and not scope.allows(
        county_id=found[_FOUND_COUNTY], township_id=found[_FOUND_TOWNSHIP]
    ):
        return False
    if row[R_PILOT_ACTION] in ("create", "update"):
        allowed = allowed_tiers(scope)
        if row[R_PILOT_VALUES][_TIER] not in allowed:
            return False
        return pilot is None or pilot[PILOT_COLUMN["tier"]] in allowed
    return True


_COUNTY, _TOWNSHIP = ENTERPRISE_FIELDS.index("county"), ENTERPRISE_FIELDS.index("township")
_FOUND_COUNTY, _FOUND_TOWNSHIP = ENTERPRISE_COLUMN["county_id"], ENTERPRISE_COLUMN["township_id"]
_TIER = PILOT_FIELDS.index("tier")
_VERSION, _PILOT_VERSION = ENTERPRISE_COLUMN["version"], PILOT_COLUMN["version"]
_PARK, _OWNERSHIP, _STATE_CONTROLS = (
    ENTERPRISE_FIELDS.index(name) for name in ("park", "ownership", "state_controls")
)


def _still_valid(values: list, places: Places) -> bool:
    """Whether a planned record still keeps the rules: a park or township may have been moved
    (or the site updated) since the preview. If not, the preview is made again."""
    if len(values) != len(ENTERPRISE_FIELDS):
        return False
    if places.errors(values[_COUNTY], values[_TOWNSHIP], values[_PARK]):
        return False
    return state_control_error(values[_OWNERSHIP], values[_STATE_CONTROLS]) is None


def _apply_links(batch: ImportBatch, rows: list[list], ids: dict, user, undo: UndoLog) -> None:
    """Hand each extension column the (enterprise id, target id) pairs of this chunk."""
    for name, extension in COLUMN_EXTENSIONS.items():
        pairs = [
            (ids[row[R_CODE]], target)
            for row in rows
            if len(row) > R_LINKS
            for field, target, _label in row[R_LINKS]
            if field == name
        ]
        if pairs:
            undo.add(f"links:{name}", extension.apply(batch, pairs, user))


def _jsonable(values: tuple, dates: list[int]) -> list:
    """A loaded record as JSON holds it: its dates (at `dates`) in ISO format."""
    values = list(values)
    for index in dates:
        if values[index] is not None:
            values[index] = values[index].isoformat()
    return values


def _dates(model, columns: list[str]) -> list[int]:
    kinds = (models.DateField, models.TimeField)  # DateTimeField is a DateField
    return [
        index
        for index, name in enumerate(columns)
        # updated_at is loaded as a stamp (records.select_in), no datetime.
        if name != "updated_at" and isinstance(model._meta.get_field(name), kinds)
    ]


_ENTERPRISE_DATES = _dates(Enterprise, ENTERPRISE_COLUMNS)
_PILOT_DATES = _dates(Pilot, PILOT_COLUMNS)
