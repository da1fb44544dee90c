"""Long enterprise and pilot list exports as background jobs (pilots/export_jobs.py): more rows than
EXPORT_BACKGROUND_ROWS go to a job whose page shows the progress, then the file, which holds the
list's rows with the user's scope and filters and goes to that user only."""

import csv
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pilots import export_jobs
from reform.jobs import Progress, job_retry, job_state, run_job
from reform.models import Job, Region
from reform.services import plan_year_create
from tests.builders import make_enterprise, make_pilot

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def listed(plan_year):
    """Pilots of 2026: three in 东海县 (one with a hostile name), two in 灌南县; one of 2025."""
    return {
        "donghai": make_pilot(plan_year, name="东海甲企业有限公司", contact_name="=1+1"),
        "hostile": make_pilot(plan_year, name="=1+1", tier="township"),
        "third": make_pilot(plan_year, name="东海丙企业有限公司", status="proposed"),
        "guannan": make_pilot(
            plan_year, tier="city", county="320724", township=None, name="灌南甲企业有限公司"
        ),
        "guannan2": make_pilot(
            plan_year, county="320724", township=None, name="@SUM(A1)灌南乙企业有限公司"
        ),
        "old": make_pilot(plan_year_create(year=2025), name="东海往年企业有限公司"),
    }


def run(job: Job) -> Job:
    job.refresh_from_db()
    run_job.call(job.pk, job.attempts)
    job.refresh_from_db()
    return job


def download(client, job: Job):
    state = job_state(job)
    assert state["status"] == "done" and state["result_url"] == reverse("job_file", args=[job.pk])
    return client.get(state["result_url"])


def sheet(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows()]


def listed_count(client, url_name: str, params: dict) -> int:
    return client.get(reverse(url_name), params).context["table"].paginator.count


def test_a_long_export_is_a_job_whose_file_holds_the_filtered_list(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 2
    client.force_login(users["city"])
    params = {"status": "confirmed", "sort": "-enterprise"}
    response = client.get(reverse("pilots:pilot_export", args=["xlsx"]), params)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    # 2026's confirmed pilots: 东海甲, =1+1, 灌南甲, @SUM…灌南乙 (not 东海丙, proposed; not 2025).
    assert (job.user, job.total, job.status, job.kind) == (
        users["city"],
        4,
        Job.Status.QUEUED,
        export_jobs.EXPORT,
    )
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已处理 0 / 4 行" in page and 'id="job-progress" max="4" value="0"' in page
    job = run(job)
    state = job_state(job)
    assert (state["status"], state["done"], state["left"], state["total"]) == ("done", 4, 0, 4)
    response = download(client, job)
    assert response.status_code == 200
    today = f"{timezone.localdate():%Y%m%d}"
    assert quote(f"试点企业-{today}.xlsx") in response["Content-Disposition"]
    rows = sheet(response)
    assert len(rows) - 1 == listed_count(client, "pilots:pilot_list", params) == 4
    names = [row[3].value for row in rows[1:]]
    # The page's order (enterprise name, descending), the hostile names as text.
    assert names == sorted(names, reverse=True)
    hostile = "'@SUM(A1)灌南乙企业有限公司"
    assert set(names) == {"东海甲企业有限公司", "'=1+1", "灌南甲企业有限公司", hostile}
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "'=1+1" in [cell.value for cell in cells]


def test_another_user_or_an_administrator_cannot_download_it(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    client.force_login(users["county"])
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    job = run(Job.objects.get())
    url = reverse("job_file", args=[job.pk])
    assert client.get(url).status_code == 200
    for role in ("other_county", "city", "admin"):
        client.force_login(users[role])
        assert client.get(url).status_code == 404


def test_a_county_officials_export_holds_only_their_county(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 1
    client.force_login(users["county"])
    make_enterprise(county="320724", township=None, name="灌南无试点企业有限公司")
    client.get(reverse("pilots:enterprise_export", args=["csv"]))
    job = run(Job.objects.get())
    response = download(client, job)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    names = sorted(line[0] for line in lines[1:])
    # 东海县's enterprises of every year, none of 灌南县.
    assert names == ["'=1+1", "东海丙企业有限公司", "东海往年企业有限公司", "东海甲企业有限公司"]
    assert len(names) == listed_count(client, "pilots:enterprise_list", {})
    assert job.total == 4 and "灌南" not in text


def test_a_short_export_is_sent_at_once(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 4  # the city's 5 pilots of 2026, filtered to 4
    client.force_login(users["city"])
    response = client.get(reverse("pilots:pilot_export", args=["xlsx"]), {"status": "confirmed"})
    assert response.status_code == 200 and not Job.objects.exists()
    assert len(sheet_of_bytes(response.content)) == 5
    response = client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    assert response.status_code == 302 and Job.objects.count() == 1


def sheet_of_bytes(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_the_file_is_named_in_the_language_the_user_asked_in(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    client.force_login(users["city"])
    client.get(reverse("pilots:pilot_export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
    job = run(Job.objects.get())
    response = download(client, job)
    today = f"{timezone.localdate():%Y%m%d}"
    assert response["Content-Disposition"] == f'attachment; filename="pilots-{today}.xlsx"'
    assert sheet(response)[0][0].value == "plan year"


def test_a_worker_that_died_half_way_leaves_no_file_and_the_job_runs_again(
    client, users, listed, settings
):
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.JOBS_STALE_MINUTES = 5
    client.force_login(users["city"])
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()

    class Killed(BaseException):
        """The worker's process ends (a kill): no handler of the job runs."""

    class DiesAtRow3(Progress):
        def __call__(self, done, total=None, **kwargs):
            if done == 3:
                raise Killed
            super().__call__(done, total, force=True)

    with pytest.raises(Killed):
        export_jobs.export(job, DiesAtRow3(job))
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.RUNNING, 2, 5)
    assert not job.result_file and job_state(job)["result_url"] == ""
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404
    # No progress for longer than JOBS_STALE_MINUTES: failed, with a retry that makes the file.
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=6))
    job.refresh_from_db()
    assert job_state(job)["status"] == "failed" and job_state(job)["retry"] is True
    settings.TASKS = IMMEDIATE
    assert job_retry(job) is True
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (Job.Status.DONE, 5, 2)
    assert len(sheet(download(client, job))) == 6


def test_a_file_gone_from_the_storage_says_so(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    client.force_login(users["city"])
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    job = run(Job.objects.get())
    job.result_file.storage.delete(job.result_file.name)
    response = client.get(reverse("job_file", args=[job.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    today = f"{timezone.localdate():%Y%m%d}"
    assert f"试点企业-{today}.xlsx" in page and job.get_absolute_url() in page


def test_a_user_whose_region_changed_gets_no_file(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    county = users["county"]
    client.force_login(county)
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    first = run(Job.objects.get())
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    second = Job.objects.exclude(pk=first.pk).get()
    # Moved to 灌南县 before the second job ran, after the first was made.
    county.region = Region.objects.get(code="320724")
    county.save()
    second = run(second)
    assert second.status == Job.Status.FAILED and not second.result_file
    assert "was not run" in job_state_en(second)["message"]
    response = client.get(reverse("job_file", args=[first.pk]), follow=True)
    assert response.redirect_chain[0][0] == first.get_absolute_url()
    assert "不再提供" in response.content.decode()
    assert client.get(reverse("job_status", args=[first.pk])).json()["result_url"] == ""


def job_state_en(job: Job) -> dict:
    from django.utils import translation

    with translation.override("en"):
        return job_state(job)


def test_the_list_links_a_long_export_to_its_job_page_not_as_a_download(
    client, users, listed, settings
):
    client.force_login(users["city"])
    url = reverse("pilots:pilot_export", args=["xlsx"])
    settings.EXPORT_BACKGROUND_ROWS = 5  # the city's 5 pilots of 2026: sent at once
    page = client.get(reverse("pilots:pilot_list")).content.decode()
    assert f'href="{url}" download>' in page
    settings.EXPORT_BACKGROUND_ROWS = 4
    page = client.get(reverse("pilots:pilot_list")).content.decode()
    assert f'href="{url}">' in page and "download>" not in page
    page = client.get(reverse("pilots:enterprise_list"), {"q": "东海"}).content.decode()
    # 东海甲, 东海丙, 东海往年: 3 enterprises, below 4.
    assert f'href="{reverse("pilots:enterprise_export", args=["csv"])}?q=' in page
    assert page.count(" download>") == 2


def test_an_administrator_sees_the_job_but_not_its_file(client, users, listed, settings):
    settings.EXPORT_BACKGROUND_ROWS = 0
    client.force_login(users["county"])
    client.get(reverse("pilots:pilot_export", args=["xlsx"]))
    job = run(Job.objects.get())
    assert client.get(reverse("job_status", args=[job.pk])).json()["result_url"]
    client.force_login(users["admin"])
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert state["status"] == "done" and state["result_url"] == ""
