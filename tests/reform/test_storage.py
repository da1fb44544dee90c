"""The database file storage (reform/storage.py) and the FILE_STORAGE setting."""

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import models
from django.db.models.fields.files import FieldFile

from reform.models import StoredFile, StoredFileChunk
from reform.storage import CHUNK_BYTES, DatabaseStorage, FileGone, open_stored

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def pattern(size: int) -> bytes:
    """Bytes that differ from chunk to chunk, so a piece read from the wrong place shows."""
    return hashlib.sha256(b"seed").digest() * (size // 32) + b"x" * (size % 32)


@pytest.fixture
def storage(db):
    return DatabaseStorage()


def test_the_tests_run_with_the_production_default_the_database(settings):
    assert settings.FILE_STORAGE == "database"
    assert type(storages["default"]) is DatabaseStorage


def test_a_file_is_stored_in_pieces_of_at_most_512_kib_and_read_back_whole(storage):
    data = pattern(1_300_000)
    name = storage.save("imports/2026/11/list.xlsx", ContentFile(data))
    assert name == "imports/2026/11/list.xlsx"
    stored = StoredFile.objects.get(name=name)
    assert stored.size == 1_300_000
    pieces = list(
        StoredFileChunk.objects.filter(file=stored).order_by("offset").values_list("offset", "data")
    )
    # 1,300,000 = 524,288 + 524,288 + 251,424.
    assert [(offset, len(data)) for offset, data in pieces] == [
        (0, 524_288),
        (524_288, 524_288),
        (1_048_576, 251_424),
    ]
    assert CHUNK_BYTES == 524_288
    with storage.open(name) as handle:
        assert handle.read() == data
    assert storage.size(name) == 1_300_000


def test_an_empty_file_is_stored_and_read_as_empty(storage):
    name = storage.save("empty.csv", ContentFile(b""))
    assert storage.size(name) == 0
    with storage.open(name) as handle:
        assert handle.read() == b""


def test_reading_from_the_middle_crosses_a_piece_boundary(storage):
    data = pattern(1_200_000)
    name = storage.save("a.bin", ContentFile(data))
    with storage.open(name) as handle:
        handle.seek(524_000)
        assert handle.read(1000) == data[524_000:525_000]
        handle.seek(-10, io.SEEK_END)
        assert handle.read() == data[-10:]
        handle.seek(0)
        assert handle.read(5) == data[:5]
        assert handle.tell() == 5


def test_a_20_mb_file_is_never_held_whole_in_memory(storage):
    size = 20 * MB
    with tempfile.TemporaryFile() as source:
        block = pattern(MB)
        for _ in range(20):
            source.write(block)
        tracemalloc.start()
        try:
            name = storage.save("big.xlsx", File(source, name="big.xlsx"))
            _, saving_peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            digest = hashlib.sha256()
            with storage.open(name) as handle:
                while piece := handle.read(64 * 1024):
                    digest.update(piece)
            _, reading_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert storage.size(name) == size
    assert digest.hexdigest() == hashlib.sha256(block * 20).hexdigest()
    # A few pieces of 512 KiB at a time (the driver may copy one to send it), never 20 MB.
    assert saving_peak < 6 * MB, saving_peak
    assert reading_peak < 6 * MB, reading_peak


def test_a_second_file_of_the_same_name_gets_a_name_of_its_own(storage):
    first = storage.save("imports/2026/11/abc.xlsx", ContentFile(b"one"))
    second = storage.save("imports/2026/11/abc.xlsx", ContentFile(b"two"))
    assert first == "imports/2026/11/abc.xlsx"
    assert second != first
    assert second.startswith("imports/2026/11/abc_") and second.endswith(".xlsx")
    assert storage.open(first).read() == b"one"
    assert storage.open(second).read() == b"two"


def test_a_name_taken_by_another_server_meanwhile_is_settled_by_the_unique_index(storage):
    # Another server saved "race.txt" after this one's get_available_name found it free.
    storage.save("race.txt", ContentFile(b"theirs"))
    name = storage._save("race.txt", ContentFile(b"ours"))
    assert name != "race.txt"
    assert storage.open("race.txt").read() == b"theirs"
    assert storage.open(name).read() == b"ours"
    assert StoredFile.objects.count() == 2


def test_exists_delete_and_listdir(storage):
    storage.save("imports/plans/1.jsonl.gz", ContentFile(b"p"))
    storage.save("imports/plans/1-undo.jsonl.gz", ContentFile(b"u"))
    storage.save("imports/2026/11/a.xlsx", ContentFile(b"a"))
    assert storage.exists("imports/plans/1.jsonl.gz")
    assert storage.listdir("imports") == (["2026", "plans"], [])
    assert storage.listdir("imports/plans/") == ([], ["1-undo.jsonl.gz", "1.jsonl.gz"])
    storage.delete("imports/plans/1.jsonl.gz")
    assert not storage.exists("imports/plans/1.jsonl.gz")
    assert StoredFileChunk.objects.filter(file__name="imports/plans/1.jsonl.gz").count() == 0
    storage.delete("imports/plans/1.jsonl.gz")  # deleting what is gone is no error
    assert storage.exists("imports/plans/1-undo.jsonl.gz")


def test_a_missing_file_is_file_not_found(storage):
    with pytest.raises(FileNotFoundError):
        storage.open("nothing.xlsx")
    with pytest.raises(FileNotFoundError):
        storage.size("nothing.xlsx")


def test_files_have_no_url_and_no_local_path(storage):
    name = storage.save("a.pdf", ContentFile(b"%PDF-"))
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(NotImplementedError):
        storage.path(name)


def test_a_file_field_opens_its_file_again_after_closing_it(storage):
    name = storage.save("plan.gz", ContentFile(b"the plan"))
    field = FieldFile(None, models.FileField(storage=storage), name)
    for _ in range(2):
        with field.open("rb") as handle:
            assert handle.read() == b"the plan"


def test_open_stored_says_which_file_is_gone(storage):
    field = FieldFile(None, models.FileField(storage=storage), "imports/2026/11/x.xlsx")
    with pytest.raises(FileGone) as gone:
        open_stored(field, label="东海县名单.xlsx", back_url="/pilots/imports/1/")
    assert gone.value.label == "东海县名单.xlsx"
    assert gone.value.stored_name == "imports/2026/11/x.xlsx"
    assert gone.value.back_url == "/pilots/imports/1/"


def test_a_vanished_attachment_is_file_gone_not_a_server_error(storage):
    from types import SimpleNamespace

    from reform.files import attachment_response

    attachment = SimpleNamespace(
        file=FieldFile(None, models.FileField(storage=storage), "attachments/x/2026/11/a.pdf"),
        original_name="自评材料.pdf",
        is_photo=False,
        content_type="application/pdf",
    )
    with pytest.raises(FileGone) as gone:
        attachment_response(attachment)
    assert gone.value.label == "自评材料.pdf"
    storage.save("attachments/x/2026/11/a.pdf", ContentFile(b"%PDF-1.4 ... %%EOF"))
    response = attachment_response(attachment)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ... %%EOF"


# -- the setting, as a fresh process reads it from the environment ----------------------------


def storage_of(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "reform.settings", **env}
    for name in ("FILE_STORAGE", "S3_BUCKET", "S3_ENDPOINT_URL", "DEBUG"):
        if name not in env:
            environment.pop(name, None)
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__module__ + '.' + type(s).__name__)\n"
        "print(getattr(s, 'bucket_name', ''), getattr(s, 'endpoint_url', ''),"
        " getattr(s, 'location', ''), getattr(s, 'file_overwrite', ''))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_file_storage_defaults_to_the_database_in_production_and_local_in_debug():
    production = storage_of(DEBUG="0")
    assert production.stdout.splitlines()[0] == "reform.storage.DatabaseStorage", production.stderr
    development = storage_of(DEBUG="1")
    assert (
        development.stdout.splitlines()[0] == "django.core.files.storage.filesystem."
        "FileSystemStorage"
    ), development.stderr
    chosen = storage_of(DEBUG="0", FILE_STORAGE="local")
    assert chosen.stdout.splitlines()[0].endswith("FileSystemStorage"), chosen.stderr


def test_file_storage_s3_is_wired_to_django_storages_with_the_bucket_and_endpoint():
    result = storage_of(
        DEBUG="0",
        FILE_STORAGE="s3",
        S3_BUCKET="reform-files",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_PREFIX="site1",
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "storages.backends.s3.S3Storage", result.stderr
    assert lines[1] == "reform-files http://minio.internal:9000 site1 False"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FILE_STORAGE": "s3"}, "FILE_STORAGE=s3 needs S3_BUCKET"),
        ({"FILE_STORAGE": "disk"}, "use one of database, local, s3"),
    ],
)
def test_a_wrong_file_storage_setting_stops_the_site_with_a_clear_message(env, message):
    result = storage_of(DEBUG="0", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_warns_about_files_on_one_servers_disk():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reform.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "pilots.example.org",
        "FILE_STORAGE": "local",
    }
    for name in ("WHITENOISE_USE_FINDERS", "SECURE_SSL_REDIRECT"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "reform.W001" in result.stdout + result.stderr
