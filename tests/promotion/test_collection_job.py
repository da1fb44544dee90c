"""The case collection of many cases as a background job (promotion/jobs.py): the page shows
its progress, then a link to the file, which only the user who asked (or an admin) downloads."""

import io

import pytest
from django.urls import reverse
from docx import Document

from reform.jobs import job_state, run_job
from reform.models import Job
from tests.promotion.test_library import shelf  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def run(job: Job) -> Job:
    job.refresh_from_db()
    run_job.call(job.pk, job.attempts)
    job.refresh_from_db()
    return job


def test_a_large_collection_is_compiled_in_the_background(client, users, shelf, settings):  # noqa: F811
    settings.COLLECTION_BACKGROUND_CASES = 2  # the shelf has 3 cases of 2026 to compile
    client.force_login(users["leader"])
    response = client.get(reverse("promotion:case_collection") + "?year=2026")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.user, job.total, job.status) == (users["leader"], 3, Job.Status.QUEUED)
    job = run(job)
    state = job_state(job)
    assert (state["status"], state["done"], state["left"]) == ("done", 3, 0)
    assert state["result_url"] == reverse("job_file", args=[job.pk])
    download = client.get(state["result_url"])
    assert download.status_code == 200
    assert "2026" in download["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "目录" and headings[1] == "1. 师带徒" and len(headings) == 4
    # Run again (a retry): the file is made anew, still one.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    assert run(job).status == Job.Status.DONE
    # Anyone else: no such job, no such file.
    client.force_login(users["city"])
    assert client.get(state["result_url"]).status_code == 404


def test_a_small_collection_is_downloaded_at_once(client, users, shelf, settings):  # noqa: F811
    settings.COLLECTION_BACKGROUND_CASES = 3
    client.force_login(users["city"])
    response = client.get(reverse("promotion:case_collection") + "?year=2026")
    assert response.status_code == 200 and not Job.objects.exists()


def test_a_file_of_a_job_gone_from_the_storage_says_so(client, users, shelf, settings):  # noqa: F811
    settings.COLLECTION_BACKGROUND_CASES = 0
    client.force_login(users["city"])
    client.get(reverse("promotion:case_collection") + "?year=2026")
    job = run(Job.objects.get())
    job.result_file.storage.delete(job.result_file.name)
    response = client.get(reverse("job_file", args=[job.pk]))
    # The page that says which file is gone, with the way back to the job.
    assert response.status_code == 404
    page = response.content.decode()
    assert "2026年产改试点典型案例汇编.docx" in page and job.get_absolute_url() in page
