"""The records a plan row reads and writes: which fields, in which order, loaded how.

Shared by the preview (pilots.imports.plan) and the confirmation (pilots.imports.write), which
must read the records exactly alike for their state digests to agree.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Container, Iterable, Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.dateparse import parse_datetime

from pilots.models import Enterprise, Pilot

# SQLite allows 999 variables per statement on old builds; stay below it everywhere.
CHUNK = 900

# The enterprise fields an import sets, in the order the plan stores them (credit code is the key).
ENTERPRISE_FIELDS = Enterprise.DATA_FIELDS
FOREIGN_KEYS = {"county", "township", "park", "industry"}


PILOT_FIELDS = ("tier", "status", "own_plan")
# Where a pilot counts toward the quotas (pilots.quotas.rule_targets).
PLACE_FIELDS = ("county", "township", "park")


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def attnames(fields: Iterable[str]) -> list[str]:
    return [f"{name}_id" if name in FOREIGN_KEYS else name for name in fields]


# What load_existing reads; the last two (version, updated_at) make the state digest. The last,
# updated_at, is read as a STAMP: an opaque value that changes when the time changes.
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
ENTERPRISE_COLUMN = {name: index for index, name in enumerate(ENTERPRISE_COLUMNS)}
PILOT_COLUMN = {name: index for index, name in enumerate(PILOT_COLUMNS)}
ENTERPRISE_VALUES = slice(2, 2 + len(ENTERPRISE_FIELDS))
PILOT_VALUES = slice(2, 2 + len(PILOT_FIELDS))


def load_existing(codes: list[str], plan_year_id: int) -> tuple[dict[str, tuple], dict[int, tuple]]:
    """Enterprises by credit code and their pilots of the plan year by enterprise id.

    Two queries per chunk of codes, as tuples in ENTERPRISE_COLUMNS / PILOT_COLUMNS order,
    with the values converted as Django's values_list() converts them, except `updated_at`:
    a stamp (select_in), which only the state digest reads. Plain SQL: building the queryset
    prepared each of a chunk's 900 codes in Python, a large part of a preview.
    """
    enterprises: dict[str, tuple] = {}
    for chunk in chunks(codes):
        for values in select_in(
            Enterprise, ENTERPRISE_COLUMNS, "credit_code", chunk, stamps={"updated_at"}
        ):
            enterprises[values[1]] = values
    pilots: dict[int, tuple] = {}
    ids = [values[0] for values in enterprises.values()]
    for chunk in chunks(ids):
        for values in select_in(
            Pilot,
            PILOT_COLUMNS,
            "enterprise_id",
            chunk,
            stamps={"updated_at"},
            plan_year_id=plan_year_id,
        ):
            pilots[values[1]] = values
    return enterprises, pilots


def in_keys(db, field, keys: list, table: str | None = None) -> tuple[str, list]:
    """`field IN (keys)` and its parameters. PostgreSQL takes the keys as one array of the
    column's own type (`= ANY(%s::bigint[])`: without the cast the driver sends smallint[] or
    text[] and the index is not used): with Django's client-side cursor, a statement of 900
    placeholders is split and interpolated in Python, which cost a 10,000-row import 0.4 s."""
    column = db.ops.quote_name(field.column)
    if table:
        column = f"{db.ops.quote_name(table)}.{column}"
    if db.vendor == "postgresql":
        return f"{column} = ANY(%s::{field.cast_db_type(db)}[])", [list(keys)]
    return f"{column} IN ({', '.join(['%s'] * len(keys))})", list(keys)


def select_in(
    model, columns: list[str], key: str, keys: list, *, stamps: Container[str] = (), **equal
) -> list[tuple]:
    """SELECT columns FROM model's table WHERE key IN keys (AND name = value, …): the rows as
    values_list(*columns) gives them (the same backend and field converters, applied here).

    A timestamp column named in `stamps` is read as a stamp instead: a value that is equal
    for equal times and differs for different ones, but no datetime (microseconds since 1970 on
    PostgreSQL, the stored text on SQLite). Making datetimes of them was a tenth of a large
    import's preview, and again of its confirmation, for a value that is only compared.
    """
    if not keys:
        return []
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: converters read its attributes
    quote = db.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    fields = [meta.get_field(name) for name in columns]
    selected = [
        _stamp(db, f"{table}.{quote(field.column)}")
        if name in stamps
        else f"{table}.{quote(field.column)}"
        for name, field in zip(columns, fields, strict=True)
    ]
    member, params = in_keys(db, meta.get_field(key), keys)
    where = [member]
    for name, value in equal.items():
        where.append(f"{quote(meta.get_field(name).column)} = %s")
        params.append(value)
    with db.cursor() as cursor:
        cursor.execute(
            # Names come from the models, values go as parameters.
            f"SELECT {', '.join(selected)} "  # noqa: S608
            f"FROM {table} WHERE {' AND '.join(where)}",
            params,
        )
        rows = cursor.fetchall()
    converters = []
    for index, field in enumerate(fields):
        if columns[index] in stamps:
            continue
        column = field.get_col(meta.db_table)
        found = db.ops.get_db_converters(column) + column.get_db_converters(db)
        if db.vendor == "sqlite" and settings.USE_TZ:
            slow = db.ops.convert_datetimefield_value
            found = [_sqlite_aware if converter == slow else converter for converter in found]
        if found:
            converters.append((index, column, found))
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, column, found in converters:
            value = row[index]
            for converter in found:
                value = converter(value, column, db)
            row[index] = value
        converted.append(tuple(row))
    return converted


def _stamp(db, column: str) -> str:
    """A timestamp column as a stamp (select_in): whole microseconds since 1970 on PostgreSQL,
    whatever the server's DateStyle or time zone; the stored text on SQLite."""
    if db.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    return f"CAST({column} AS TEXT)"  # no declared type: the driver makes no datetime of it


def _sqlite_aware(value, expression, connection):
    """SQLite's convert_datetimefield_value (django.db.backends.sqlite3.operations) without
    its per-value settings look-up, a large part of loading a chunk: the same datetime."""
    if value is not None:
        if not isinstance(value, datetime.datetime):
            value = parse_datetime(value)
        if value.utcoffset() is None:
            value = value.replace(tzinfo=connection.timezone)
    return value


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
                    found and (found[0], found[-2], found[-1]),
                    pilot and (pilot[0], pilot[-2], pilot[-1]),
                )
            ).encode()
        )

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


# One encoder for every line: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_line(value) -> bytes:
    return _ENCODER.encode(value).encode()


# Indexes into a plan row.
R_NUMBER, R_CODE, R_ACTION, R_VALUES, R_CHANGES = 0, 1, 2, 3, 4
R_PILOT_ACTION, R_PILOT_VALUES, R_PILOT_CHANGES, R_CLUSTER, R_LINKS = 5, 6, 7, 8, 9
