"""Cached figures that no write can leave stale: the data version and the cache keys.

The dashboards' figures are database aggregates over the whole plan year; computing and
rendering them is most of a page view's time. They are kept in Django's cache (settings.CACHES:
each process's memory, or Redis shared by every app server) under a key that holds

- the **data version**: a token in one database row (`DataVersion`) that changes after every
  committed write to the data. Every statement that writes — an ORM save or delete, a
  `bulk_create`, a queryset `update`, raw SQL through Django's cursor, admin, a data migration —
  passes Django's execute wrapper installed here on each connection, which sees the INSERT,
  UPDATE or DELETE and, once per transaction, changes the token when the transaction commits.
  Writes that bypass Django's cursor (the import's COPY on the driver's own cursor) call
  `data_changed()` themselves. Every page view reads the token from the database (one small
  query), so every app server sees a write on its next page view, whatever server made it;
- the code (templates, Python, translations: a deploy never serves a page part of the last one),
  the page's region and plan year, the language, the query string (table sorting) and the
  user's whole scope (the links a figure carries depend on it), so nobody sees a page part
  made for another scope.

A change made outside the site (by hand in the database) is seen after
`FIGURES_CACHE_SECONDS`, or at once after `manage.py data_changed`.
"""

import hashlib
import logging
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

logger = logging.getLogger(__name__)

# The statements that write, and the table they write to (Django quotes names with "…", `…`).
WRITE = re.compile(
    r"""\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO|COPY|TRUNCATE)
        \s+(?:TABLE\s+)?(?:ONLY\s+)?["`]?(\w+)""",
    re.IGNORECASE | re.VERBOSE,
)
# Statements that may write without naming one table first (a CTE, a MERGE, schema changes).
MAYBE_WRITE = re.compile(r"\s*(?:WITH|MERGE|ALTER|DROP)\b", re.IGNORECASE)
# Tables no figure is computed from, written on every sign-in or by this module itself.
QUIET_TABLES = ("django_session", "axes_", "reform_dataversion", "django_tasks")
# A sign-in stamps the user's last_login and nothing else (django.contrib.auth's
# update_last_login): no figure reads it, and a busy morning's sign-ins would otherwise make every
# cached figure obsolete again and again.
SIGN_IN = re.compile(
    r"""\s*UPDATE\s+"reform_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\s+"reform_user"\."id"\s*=\s*%s\s*$""",
    re.IGNORECASE,
)


def writes_data(sql: str) -> bool:
    match = WRITE.match(sql)
    if match is not None:
        return not match.group(1).lower().startswith(QUIET_TABLES) and not SIGN_IN.match(sql)
    return MAYBE_WRITE.match(sql) is not None


def _watch_writes(execute, sql, params, many, context):
    connection = context["connection"]
    if not connection.in_atomic_block and getattr(connection, "data_changed_later", False):
        connection.data_changed_later = False
        data_changed(connection.alias)
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_data(sql):
        if (
            connection.vendor == "sqlite"
            and not connection.in_atomic_block
            and "RETURNING" in sql.upper()
        ):
            # SQLite has not finished the statement before its rows are read: no other statement
            # may run in between. The version changes before the next one (or the next read of
            # the version, or the end of the request).
            connection.data_changed_later = True
        else:
            data_changed(connection.alias)
    return result


def _flush(using: str) -> None:
    connection = connections[using]
    if not connection.in_atomic_block and getattr(connection, "data_changed_later", False):
        connection.data_changed_later = False
        data_changed(using)


@receiver(request_finished)
def _flush_at_the_end_of_a_request(sender, **kwargs) -> None:
    for connection in connections.all(initialized_only=True):
        _flush(connection.alias)


@receiver(connection_created)
def _install_watch(sender, connection, **kwargs) -> None:
    if connection.alias == NO_DB_ALIAS:
        # The server-level connection Django opens to create or drop a database: no data of
        # its own, and no alias in `connections` to change a version through.
        return
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


_migrating = False


@receiver(pre_migrate)
def _pause_while_migrating(sender, **kwargs) -> None:
    # The table of the version may not exist yet; the migration's writes count once, after it.
    global _migrating
    _migrating = True


@receiver(post_migrate)
def _changed_by_migrating(sender, using="default", **kwargs) -> None:
    global _migrating
    if _migrating:
        _migrating = False
        new_version(using)


def data_changed(using: str = "default") -> None:
    """Change the data version when the current transaction commits (at once outside one).

    Once per transaction: a transaction that writes a thousand rows changes it once. A rolled
    back transaction changes nothing (its on-commit callbacks are dropped with it).
    """
    if _migrating:
        return
    connection = connections[using]
    if connection.in_atomic_block and any(
        callback is _NEW_VERSION[using] for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_NEW_VERSION[using], using=using)


def new_version(using: str = "default") -> None:
    from reform.models import DataVersion

    try:
        with transaction.atomic(using=using):
            versions = DataVersion.objects.using(using)
            if not versions.filter(pk=1).update(token=uuid.uuid4().hex):
                versions.create(pk=1, token=uuid.uuid4().hex)
    except DatabaseError:
        # Before the migration that makes the table, or two first writes at once (the other one
        # made a new token). Anything else is worth a line in the log: figures stay cached up
        # to FIGURES_CACHE_SECONDS.
        logger.warning("The data version could not be changed.", exc_info=True)


class _Callbacks(dict):
    """One callback object per database alias, so a transaction's pending one can be found."""

    def __missing__(self, using: str):
        def callback() -> None:
            new_version(using)

        self[using] = callback
        return callback


_NEW_VERSION = _Callbacks()


def data_version(using: str = "default") -> str | None:
    """The current data version; None when there is none (then nothing is cached)."""
    from reform.models import DataVersion

    _flush(using)
    return DataVersion.objects.using(using).filter(pk=1).values_list("token", flat=True).first()


_code_version: str | None = None


def code_version() -> str:
    """A digest of the templates, the Python code and the translations of the running site."""
    global _code_version
    if _code_version is None:
        digest = hashlib.sha256()
        base = Path(settings.BASE_DIR)
        folders = [path for path in sorted(base.iterdir()) if path.is_dir()]
        for folder in folders:
            if folder.name.startswith(".") or folder.name in {"node_modules", "docs", "tests"}:
                continue
            for path in sorted(folder.rglob("*")):
                if path.suffix in {".py", ".html", ".mo"} and ".venv" not in path.parts:
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
        _code_version = digest.hexdigest()[:16]
    return _code_version


def figures_version() -> str | None:
    """The data version to file cached figures under; None when caching is off or none exists."""
    if settings.FIGURES_CACHE_SECONDS <= 0:
        return None
    return data_version()


def cache_key(kind: str, *parts, version: str | None) -> str | None:
    """A key for a cached page part of this data version (None: do not cache)."""
    if version is None:
        return None
    text = "\x1f".join(str(part) for part in parts)
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"figures:{kind}:{code_version()}:{version}:{digest}"


_MISSING = object()


def cached(key: str | None, compute):
    """compute(), kept under key (computed each time when key is None)."""
    if key is None:
        return compute()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.FIGURES_CACHE_SECONDS)
    return value
