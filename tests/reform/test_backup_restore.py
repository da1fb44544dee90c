"""One backup holds everything: a backup restored into an empty database has every record and
every file (README, "Backup and restore").

PostgreSQL: `pg_dump --format=custom` and `pg_restore` into a fresh database, as the README
says. SQLite: the sqlite3 backup API, the mechanism of the README's `sqlite3 … ".backup …"`.
The restored database is then read by a separate process of the site, through its storage.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from pilots.imports import apply, batches
from reform.models import StoredFile
from reform.scopes import scope_for
from tests.builders import next_credit_code
from tests.database_urls import database_url
from tests.pilots.import_files import row, xlsx

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = """
import hashlib, json, django
django.setup()
from tests.reform.test_backup_restore import inventory
print(json.dumps(inventory()))
"""


def inventory() -> dict:
    """Rows of every model (history, sessions, m2m tables included) and every stored file's
    size and SHA-256, read through the site's storage."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
    files = {}
    for name in StoredFile.objects.order_by("name").values_list("name", flat=True):
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name) as handle:
            while piece := handle.read(256 * 1024):
                digest.update(piece)
                size += len(piece)
        files[name] = [size, digest.hexdigest()]
    return {"counts": counts, "files": files}


def inventory_of(url: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url}
    env.update(FILE_STORAGE="database", DEBUG="0")
    result = subprocess.run(
        [sys.executable, "-c", INVENTORY], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def site_with_files(users, plan_year):
    """Records of every kind the tests build, an applied import (its upload, preview and undo
    log) and a stored file of three pieces, as an attached file would be."""
    user = users["county"]
    batch = batches.batch_create(
        data=xlsx([row(name="备份甲", credit_code=next_credit_code()), row(name="备份乙")]),
        filename="名单.xlsx",
        user=user,
        scope=scope_for(user),
        plan_year=plan_year,
    )
    apply.batch_apply(batch=batch, user=user, scope=scope_for(user))
    photo = bytes(range(256)) * 5000  # 1,280,000 bytes: three pieces of at most 512 KiB
    default_storage.save("attachments/demonstration/2026/11/photo.jpg", ContentFile(photo))
    return batch


def check_restored(before: dict, after: dict, batch) -> None:
    assert after == before
    # Hand-checked: what the fixture made is there, not just "equal and empty".
    assert before["counts"]["pilots.Enterprise"] == 1
    assert before["counts"]["pilots.ImportBatch"] == 1
    assert before["counts"]["reform.User"] == 7  # the named users of tests/conftest.py
    assert before["counts"]["reform.Region"] > 100
    assert before["counts"]["reform.StoredFileChunk"] == 3 + 3  # the photo, and one per file
    assert set(before["files"]) == {
        batch.original.name,
        batch.plan.name,
        f"imports/plans/{batch.pk}-undo.jsonl.gz",
        "attachments/demonstration/2026/11/photo.jpg",
    }
    assert before["files"]["attachments/demonstration/2026/11/photo.jpg"] == [
        1_280_000,
        hashlib.sha256(bytes(range(256)) * 5000).hexdigest(),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_restored_into_an_empty_database_has_every_record_and_file(
    site_with_files, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL; on SQLite the backup API test runs.")
    before = inventory()
    dump = tmp_path / "reform.dump"
    restored = f"{connection.settings_dict['NAME']}_restored"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={database_url()}"],
        check=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={database_url(restored)}",
                str(dump),
            ],
            check=True,
        )
        after = inventory_of(database_url(restored))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
    check_restored(before, after, site_with_files)


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_has_every_record_and_file(site_with_files, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("The sqlite3 backup API needs SQLite; on PostgreSQL the pg_dump test runs.")
    import sqlite3

    before = inventory()
    target = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    after = inventory_of(database_url(str(target)))
    check_restored(before, after, site_with_files)
