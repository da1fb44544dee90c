"""Background jobs (reform/jobs.py): progress in the database, the status page, retries."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reform.jobs import JobFailed, Progress, job_retry, job_start, job_state, run_job
from reform.models import Job

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SEEN: list[tuple[int, int]] = []


def count_rows(job, progress):
    """A job of the tests: `rows` rows, progress after each; fails when asked to."""
    rows = job.params["rows"]
    for number in range(1, rows + 1):
        if number == job.params.get("fail_at"):
            raise JobFailed(lambda n=number: f"row {n} is wrong")
        if number == job.params.get("crash_at"):
            raise RuntimeError("the worker fell over")
        progress(number, rows, force=True)
        SEEN.append((Job.objects.get(pk=job.pk).done, rows))
    return "/result/"


def _start(user, **params):
    return job_start(
        user=user, kind="tests.reform.test_jobs.count_rows", title=lambda: "Count", params=params
    )


# The worker closes a connection inside a transaction (as a test's is): committed data here.
@pytest.mark.django_db(transaction=True)
def test_a_job_run_through_the_database_backend_and_its_worker_command(users, settings):
    SEEN.clear()
    job = _start(users["county"], rows=3)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id and job.attempts == 1
    assert SEEN == []  # queued, not run: no worker yet
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.done, job.total, job.result_url) == (3, 3, "/result/")
    # Every step's progress was in the database while it ran.
    assert SEEN == [(1, 3), (2, 3), (3, 3)]


def test_the_status_answers_rows_done_and_left_and_the_result(client, users, settings):
    settings.TASKS = IMMEDIATE
    job = _start(users["county"], rows=4)
    client.force_login(users["county"])
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert state["status"] == "done" and state["finished"] is True
    assert (state["done"], state["left"], state["percent"]) == (4, 0, 100)
    assert state["result_url"] == "/result/"
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'href="/result/"' in page and "js/jobs.js" in page and "<script>" not in page


def test_progress_half_way_is_what_the_status_shows(client, users):
    job = Job.objects.create(user=users["county"], kind="x", title="t", total=10)
    job.status = Job.Status.RUNNING
    job.save()
    Progress(job)(4, 10)
    client.force_login(users["county"])
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert (state["done"], state["total"], state["left"], state["percent"]) == (4, 10, 6, 40)
    assert state["finished"] is False and state["result_url"] == ""


def test_a_failed_job_says_why_and_can_be_run_again(client, users, settings):
    settings.TASKS = IMMEDIATE
    job = _start(users["county"], rows=5, fail_at=3)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    state = job_state(job)
    assert state["message"] == "row 3 is wrong" and state["retry"] is True
    assert state["result_url"] == ""
    # Fixed and run again: the same job, a second attempt.
    job.params = {"rows": 5}
    job.save()
    client.force_login(users["county"])
    response = client.post(reverse("job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts, job.done) == (Job.Status.DONE, 2, 5)


def test_an_error_fails_the_job_with_a_message(users, settings):
    settings.TASKS = IMMEDIATE
    _start(users["county"], rows=5, crash_at=2)  # the task's own result is failed too
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "其内容均未保存" in job_state(job)["message"]


def test_a_job_whose_worker_died_is_shown_failed_with_a_retry(client, users, settings):
    settings.JOBS_STALE_MINUTES = 5
    job = Job.objects.create(
        user=users["county"],
        kind="tests.reform.test_jobs.count_rows",
        title="t",
        params={"rows": 2},
        status=Job.Status.RUNNING,
        done=1,
        total=2,
        attempts=1,
    )
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=4))
    job.refresh_from_db()
    assert job_state(job)["status"] == "running"  # 4 minutes: still alive
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    job.refresh_from_db()
    state = job_state(job)
    assert state["status"] == "failed" and state["retry"] is True
    assert "已停止" in state["message"]
    settings.TASKS = IMMEDIATE
    assert job_retry(job) is True
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (Job.Status.DONE, 2, 2)


def test_a_job_not_failed_is_not_run_again(client, users, settings):
    settings.TASKS = IMMEDIATE
    job = _start(users["county"], rows=1)
    job.refresh_from_db()
    client.force_login(users["county"])
    client.post(reverse("job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.attempts == 1


def test_an_old_attempt_or_a_finished_job_is_not_run(users, settings):
    SEEN.clear()
    job = Job.objects.create(
        user=users["county"],
        kind="tests.reform.test_jobs.count_rows",
        title="t",
        params={"rows": 2},
        attempts=2,
    )
    run_job.call(job.pk, 1)  # a task of the first attempt, superseded by a retry
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and SEEN == []
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    run_job.call(job.pk, 2)
    assert SEEN == []


def test_another_user_does_not_see_the_job(client, users, settings):
    job = Job.objects.create(user=users["county"], kind="x", title="t")
    for role in ("other_county", "city", "reviewer"):
        client.force_login(users[role])
        assert client.get(reverse("job_status", args=[job.pk])).status_code == 404
    client.force_login(users["admin"])
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_by_other_servers_on_postgresql(users):
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: the progress shows at the commit")
    job = Job.objects.create(user=users["county"], kind="x", title="t", total=10)
    other = connections.create_connection("default")
    progress = Progress(job)
    try:
        with transaction.atomic():
            users["leader"].delete()  # the long work writes something
            progress(6, 10, force=True)
            with other.cursor() as cursor:  # another app server, during the transaction
                cursor.execute("SELECT done FROM reform_job WHERE id = %s", [job.pk])
                assert cursor.fetchone() == (6,)
    finally:
        progress.close()
        other.close()


def test_messages_and_titles_are_in_the_readers_language(users, settings):
    from django.utils import translation

    settings.TASKS = IMMEDIATE
    _start(users["county"], rows=3, crash_at=1)
    job = Job.objects.get()
    with translation.override("en"):
        assert "nothing of it was saved" in job_state(job)["message"]
    with translation.override("zh-hans"):
        assert "其内容均未保存" in job_state(job)["message"]


def test_the_job_page_and_status_answer_in_a_fixed_number_of_queries(
    client, users, django_assert_num_queries
):
    client.force_login(users["county"])
    client.get(reverse("job_status", args=[0]))  # caches warmed (the region tree)
    for total in (10, 100_000):
        job = Job.objects.create(user=users["county"], kind="x", title="t", total=total, done=7)
        # The session, the user, the job.
        with django_assert_num_queries(3):
            client.get(reverse("job_status", args=[job.pk]))
        with django_assert_num_queries(4):  # and the user's region, named in the header
            assert client.get(reverse("job_detail", args=[job.pk])).status_code == 200


def test_clear_jobs_removes_old_finished_tasks_and_their_files_only(users, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.JOBS_KEEP_DAYS = 30
    now = timezone.now()

    def job(status, age_days, with_file):
        made = Job.objects.create(kind="test", user=users["city"], status=status)
        if with_file:
            made.result_file.save("export.xlsx", ContentFile(b"x"), save=True)
        Job.objects.filter(pk=made.pk).update(updated_at=now - timedelta(days=age_days))
        return made

    old_done = job(Job.Status.DONE, 31, True)
    old_failed = job(Job.Status.FAILED, 40, False)
    recent = job(Job.Status.DONE, 29, True)
    old_running = job(Job.Status.RUNNING, 90, False)  # a worker's task is never touched
    old_file = old_done.result_file.name
    out = io.StringIO()
    call_command("clear_jobs", stdout=out)
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, old_running.pk}
    assert not default_storage.exists(old_file)
    assert default_storage.exists(recent.result_file.name)
    assert "Removed 2 finished tasks older than 30 days (1 files)." in out.getvalue()
    assert old_failed.pk not in set(Job.objects.values_list("pk", flat=True))
    call_command("clear_jobs", days=0, stdout=io.StringIO())
    assert set(Job.objects.values_list("pk", flat=True)) == {old_running.pk}
