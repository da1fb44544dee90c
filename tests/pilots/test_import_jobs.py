"""Large imports as background jobs (pilots/imports/jobs.py): preview, confirm and undo of more
than IMPORT_BACKGROUND_ROWS rows run as tasks; a worker killed half-way leaves nothing written,
and the job can be run again."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pilots.imports import batches, jobs, write
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.jobs import Progress, job_state, run_job
from reform.models import Job
from reform.scopes import scope_for
from tests.builders import next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path)
    settings.IMPORT_BACKGROUND_ROWS = 3


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def five_rows() -> bytes:
    return xlsx(
        [row(name=f"后台导入企业{n}有限公司", credit_code=next_credit_code()) for n in range(5)]
    )


def upload(client, data: bytes):
    file = io.BytesIO(data)
    file.name = "big.xlsx"
    return client.post(reverse("pilots:import_upload"), {"file": file})


def run(job: Job) -> Job:
    """What a worker does with the job's task; the job as it is after."""
    job.refresh_from_db()
    run_job.call(job.pk, job.attempts)
    job.refresh_from_db()
    return job


class Killed(BaseException):
    """The worker's process ends: no handler of the job runs (like SIGKILL, as far as the
    database can tell: the transaction is not committed)."""


def killing_at(done_when_killed: int):
    """A Progress whose worker is killed when the job reaches `done_when_killed` rows."""

    class KilledProgress(Progress):
        def __call__(self, done, total=None, **kwargs):
            if done >= done_when_killed:
                raise Killed
            super().__call__(done, total, force=True)

    return KilledProgress


def previewed(client) -> ImportBatch:
    """Five rows uploaded and checked in the background (the task run here)."""
    response = upload(client, five_rows())
    job = Job.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert run(job).status == Job.Status.DONE
    return ImportBatch.objects.get()


def test_a_large_upload_is_checked_in_the_background(users, plan_year):
    client = client_for(users["county"])
    response = upload(client, five_rows())
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert (batch.status, batch.row_count, bool(batch.plan)) == ("previewing", 5, False)
    assert (job.user, job.total, job.status) == (users["county"], 5, Job.Status.QUEUED)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "正在后台检查" in page and job.get_absolute_url() in page
    job = run(job)
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.enterprises_created == 5
    assert job_state(job) | {"label": ""} == {
        "status": "done",
        "label": "",
        "done": 5,
        "total": 5,
        "left": 0,
        "percent": 100,
        "result_url": batch.get_absolute_url(),
        "message": "",
        "retry": False,
        "finished": True,
    }
    assert not Enterprise.objects.exists()  # a preview writes nothing


def test_a_small_upload_is_checked_at_once(users, plan_year, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    response = upload(client_for(users["county"]), five_rows())
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url() and batch.status == "previewed"
    assert not Job.objects.exists()


def test_a_confirm_before_the_preview_is_ready_says_so_and_changes_nothing(users, plan_year):
    client = client_for(users["county"])
    upload(client, five_rows())
    batch = ImportBatch.objects.get()
    response = client.post(reverse("pilots:import_confirm", args=[batch.pk]), follow=True)
    assert "仍在检查中" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "previewing" and Job.objects.count() == 1
    assert not Enterprise.objects.exists()


# The worker closes a connection inside a transaction (as a test's is): committed data here.
@pytest.mark.django_db(transaction=True)
def test_the_confirm_runs_through_the_database_worker(users, plan_year):
    client = client_for(users["county"])
    batch = previewed(client)
    response = client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url() and job.kind == jobs.APPLY
    batch.refresh_from_db()
    assert batch.status == "previewed"  # queued, nothing written yet
    # A second click while it waits starts nothing more.
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    assert Job.objects.count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result_url == batch.get_absolute_url()
    assert batch.status == "applied" and batch.applied_by == users["county"]
    assert Enterprise.objects.count() == 5 and Pilot.objects.count() == 5


def test_a_worker_killed_mid_confirm_leaves_nothing_written_and_the_job_runs_again(
    users, plan_year, monkeypatch, settings
):
    client = client_for(users["county"])
    batch = previewed(client)
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    job = Job.objects.latest("pk")
    monkeypatch.setattr(write, "CHUNK", 2)  # three chunks: 2 + 2 + 1 rows
    monkeypatch.setattr(write, "POSTGRES_CHUNK", 2)
    monkeypatch.setattr("reform.jobs.Progress", killing_at(4))
    with pytest.raises(Killed):
        run(job)
    # Two chunks (4 rows) were written before the kill, then rolled back with the transaction.
    assert not Enterprise.objects.exists() and not Pilot.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.applied_at is None
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.done < 5
    # No progress for longer than JOBS_STALE_MINUTES: shown failed, with a retry.
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    settings.JOBS_STALE_MINUTES = 5
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已停止" in page and 'id="job-retry" hidden' not in page
    batch_page = client.get(batch.get_absolute_url()).content.decode()
    section = batch_page[batch_page.index('id="import-job"') :]
    assert "保存 big.xlsx</a> · 失败 · 已处理" in section  # the batch's page says so too
    monkeypatch.undo()
    settings.IMPORT_BACKGROUND_ROWS = 3
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    job = run(job)
    batch.refresh_from_db()
    assert (job.status, job.attempts, batch.status) == (Job.Status.DONE, 2, "applied")
    assert Enterprise.objects.count() == 5
    # Run once more (a worker that picked the old task up late): nothing written twice.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    assert run(job).status == Job.Status.DONE
    assert Enterprise.objects.count() == 5 and batch.enterprises_created == 5


def test_a_worker_killed_mid_undo_changes_nothing_and_the_undo_runs_again(
    users, plan_year, monkeypatch
):
    client = client_for(users["county"])
    batch = previewed(client)
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    run(Job.objects.latest("pk"))
    codes = set(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) == 5
    response = client.post(reverse("pilots:import_undo", args=[batch.pk]))
    job = Job.objects.latest("pk")
    assert response["Location"] == job.get_absolute_url() and job.kind == jobs.UNDO
    # Killed after the pilots were deleted, before the enterprises.
    monkeypatch.setattr("reform.jobs.Progress", killing_at(5))
    with pytest.raises(Killed):
        run(job)
    assert Pilot.objects.count() == 5
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == codes
    batch.refresh_from_db()
    assert batch.status == "applied"
    monkeypatch.undo()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    assert client.post(reverse("job_retry", args=[job.pk])).status_code == 302
    assert run(job).status == Job.Status.DONE
    batch.refresh_from_db()
    assert batch.status == "undone"
    assert not Enterprise.objects.exists() and not Pilot.objects.exists()


def test_a_preview_whose_upload_vanished_fails_with_a_message(users, plan_year):
    client = client_for(users["county"])
    upload(client, five_rows())
    batch = ImportBatch.objects.get()
    batch.original.storage.delete(batch.original.name)
    job = run(Job.objects.get())
    assert job.status == Job.Status.FAILED
    assert "已不在本站文件存储中" in job_state(job)["message"]
    batch.refresh_from_db()
    assert batch.status == "previewing" and not batch.plan


def test_an_upload_whose_background_check_failed_can_be_discarded(users, plan_year):
    """No dead end: the batch stays "being checked" when its check fails; its page says so and
    offers to discard it (with the question first), which nothing else could do before."""
    client = client_for(users["county"])
    upload(client, five_rows())
    batch = ImportBatch.objects.get()
    discard = reverse("pilots:import_discard", args=[batch.pk])
    # While the check waits for a worker: no discard.
    assert client.post(discard).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "previewing"
    assert 'id="discard-failed"' not in client.get(batch.get_absolute_url()).text
    batch.original.storage.delete(batch.original.name)
    assert run(Job.objects.get()).status == Job.Status.FAILED
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert 'id="preview-failed"' in page and f'href="{discard}" id="discard-failed"' in page
    assert client.get(discard).status_code == 200  # the question
    assert client.post(discard).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "discarded"


def test_a_preview_run_twice_writes_one_preview(users, plan_year):
    client = client_for(users["county"])
    batch = previewed(client)
    scope = scope_for(users["county"])
    assert batches.batch_preview(batch=batch, scope=scope) is False  # no longer waiting
    batch.refresh_from_db()
    assert batch.status == "previewed" and batch.enterprises_created == 5


def test_another_user_does_not_see_the_job_on_the_batch(users, plan_year):
    upload(client_for(users["county"]), five_rows())
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    page = client_for(users["city"]).get(batch.get_absolute_url()).content.decode()
    assert "正在后台检查" in page and job.get_absolute_url() not in page
    assert client_for(users["city"]).get(job.get_absolute_url()).status_code == 404


def test_an_undo_refused_in_the_background_reads_in_each_readers_language(users, plan_year):
    """The worker meets the refusal; the job keeps it in every language, not the worker's."""
    client = client_for(users["county"])
    batch = previewed(client)
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    run(Job.objects.latest("pk"))
    enterprise = Enterprise.objects.order_by("pk").first()
    enterprise.remarks = "导入之后有人改过"
    enterprise.save()
    client.post(reverse("pilots:import_undo", args=[batch.pk]))
    with translation.override("en"):  # the worker's language, whatever it is
        job = run(Job.objects.latest("pk"))
    assert job.status == Job.Status.FAILED and job.kind == jobs.UNDO
    with translation.override("zh-hans"):
        assert "已有 1 条被修改过，无法再撤销" in job_state(job)["message"]
    with translation.override("en"):
        assert "1 of the records this import wrote have been changed" in job_state(job)["message"]
    batch.refresh_from_db()
    assert batch.status == "applied" and Enterprise.objects.count() == 5
