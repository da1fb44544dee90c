"""The test database as a URL, for processes and tools outside the test (servers, pg_dump)."""

import urllib.parse

from django.db import connection


def database_url(name: str | None = None) -> str:
    """postgres://… of the test database pytest-django made (or of another database `name` on
    the same server); sqlite:///… of a file."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or db['NAME']}"
    user = urllib.parse.quote(db["USER"] or "", safe="")
    password = urllib.parse.quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}{host}:{db['PORT'] or 5432}/{name or db['NAME']}"
