"""Reform's faces: the health check. The dashboards (home, region pages) are in dashboards/."""

from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """The last migration of every app, read once from this code's migration files."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def database_state() -> str:
    """ "ok"; "unavailable" when the database does not answer; "not migrated" when it answers but
    is not this project's: empty, another project's, or without this code's latest migrations.

    One small query (the applied migrations), cheap enough for a check every few seconds.
    """
    table = connection.ops.quote_name(MigrationRecorder.Migration._meta.db_table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608 - a fixed name
            applied = set(cursor.fetchall())
    except DatabaseError:
        # No answer at all, or no migration table: tell them apart with a plain query.
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return "unavailable"
        return "not migrated"
    return "ok" if expected_migrations() <= applied else "not migrated"


@never_cache
@require_safe
def healthz(request):
    """200 with a small JSON body when the database is this project's, 503 otherwise.

    Served ahead of the host check and the HTTPS redirect (reform/health.py, settings
    SECURE_REDIRECT_EXEMPT), so that a load balancer may call it by address over plain HTTP.
    """
    state = database_state()
    if state != "ok":
        return JsonResponse({"status": "error", "database": state}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
