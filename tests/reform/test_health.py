"""/healthz: honest about the database, reachable by a load balancer over plain HTTP by address."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler
from django.test import Client

from reform.views import expected_migrations


def test_healthz_answers_200_without_signing_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_a_head_request(client, db):
    assert client.head("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_does_not(client, db):
    with mock.patch("reform.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_answers_503_when_a_migration_of_this_code_is_not_applied(client, db):
    reform_latest = max(name for app, name in expected_migrations() if app == "reform")
    MigrationRecorder(connection).migration_qs.filter(app="reform", name=reform_latest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "not migrated"}


def _sqlite(path):
    return ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}})[
        "default"
    ]


@pytest.mark.parametrize("contents", ["empty", "another project"])
def test_healthz_answers_503_for_a_database_that_is_not_this_projects(
    client, db, tmp_path, contents
):
    other = _sqlite(str(tmp_path / "other.sqlite3"))
    if contents == "another project":
        with other.cursor() as cursor:
            cursor.execute("CREATE TABLE django_migrations (id integer primary key, app, name)")
            cursor.execute("INSERT INTO django_migrations (app, name) VALUES ('shop', '0001_a')")
    try:
        with mock.patch("reform.views.connection", other):
            response = client.get("/healthz")
    finally:
        other.close()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "not migrated"}


def test_over_plain_http_only_healthz_answers_every_other_page_redirects(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # plain HTTP, no X-Forwarded-Proto
    assert client.get("/healthz").status_code == 200
    for path in ("/", "/accounts/login/", "/pilots/", "/healthz/"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == f"https://testserver{path}"
    # Behind the proxy, which says the client used HTTPS: the page itself.
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_a_load_balancer_may_call_healthz_by_address_but_no_other_page(db):
    by_address = Client(HTTP_HOST="10.20.30.40:8000")
    assert by_address.get("/healthz").status_code == 200
    assert by_address.get("/accounts/login/").status_code == 400
