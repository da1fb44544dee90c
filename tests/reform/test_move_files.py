"""`manage.py move_files_to_storage`: a site that kept its files in MEDIA_ROOT switches to the
database without losing one."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from pilots.imports import apply, batches, undo
from pilots.models import Enterprise, ImportBatch
from reform.models import StoredFile
from reform.scopes import scope_for
from tests.builders import next_credit_code
from tests.pilots.import_files import row, xlsx

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
DATABASE = {"BACKEND": "reform.storage.DatabaseStorage"}


def use_storage(settings, kind: str) -> None:
    settings.FILE_STORAGE = kind
    settings.STORAGES = {**settings.STORAGES, "default": LOCAL if kind == "local" else DATABASE}


@pytest.fixture
def local_site(settings, tmp_path, users, plan_year):
    """A site that ran with FILE_STORAGE=local: one applied import, its files on disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    use_storage(settings, "local")
    user = users["city"]
    batch = batches.batch_create(
        data=xlsx([row(name="甲", credit_code=next_credit_code())]),
        filename="名单.xlsx",
        user=user,
        scope=scope_for(user),
        plan_year=plan_year,
    )
    apply.batch_apply(batch=batch, user=user, scope=scope_for(user))
    return batch


def run(**options) -> str:
    out = io.StringIO()
    call_command("move_files_to_storage", stdout=out, language="en", **options)
    return out.getvalue()


def test_every_local_file_moves_under_its_own_name_and_the_site_reads_it(local_site, settings):
    media = settings.MEDIA_ROOT
    on_disk = {
        path.relative_to(media).as_posix(): path.read_bytes()
        for path in media.rglob("*")
        if path.is_file()
    }
    batch = local_site
    # The upload, its preview and its undo log.
    assert set(on_disk) == {
        batch.original.name,
        batch.plan.name,
        f"imports/plans/{batch.pk}-undo.jsonl.gz",
    }
    use_storage(settings, "database")
    output = run()
    assert "Copied 3 files" in output and "0 were already in the storage" in output
    assert "Every record finds its file." in output
    assert set(StoredFile.objects.values_list("name", flat=True)) == set(on_disk)
    for name, data in on_disk.items():
        with default_storage.open(name) as handle:
            assert handle.read() == data
    # The import, read from the database now, can still be undone.
    batch = ImportBatch.objects.get(pk=batch.pk)
    undo.batch_undo(batch=batch, user=None)
    assert not Enterprise.objects.exists()
    # The local folder is left as it was, for the administrator to remove.
    assert all((media / name).read_bytes() == data for name, data in on_disk.items())


def test_running_it_again_copies_nothing_twice(local_site, settings):
    use_storage(settings, "database")
    run()
    output = run()
    assert "Copied 0 files" in output and "3 were already in the storage" in output
    assert StoredFile.objects.count() == 3


def test_a_dry_run_copies_nothing(local_site, settings):
    use_storage(settings, "database")
    output = run(dry_run=True)
    assert "Would copy 3 files" in output
    assert not StoredFile.objects.exists()


def test_a_record_whose_file_is_in_neither_place_is_named_and_the_command_fails(
    local_site, settings
):
    batch = local_site
    (settings.MEDIA_ROOT / batch.original.name).unlink()
    use_storage(settings, "database")
    with pytest.raises(CommandError, match="0 name conflicts, 1 records without their file"):
        run()
    assert StoredFile.objects.count() == 2


def test_it_refuses_to_run_while_files_are_still_local(local_site):
    with pytest.raises(CommandError, match="FILE_STORAGE is local"):
        run()
