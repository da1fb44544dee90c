"""Media reports and columns: recording, the checks of what is typed, lists, export, scope."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from promotion import services
from promotion.models import Case, MediaReport, Programme, ReportCase, ReportPilot
from promotion.validators import is_web_link
from tests.promotion.builders import make_case, make_programme, make_report

pytestmark = pytest.mark.django_db


def report_data(**overrides) -> dict:
    data = {
        "title": "东海县：技能人才跑出加速度",
        "outlet": "连云港日报",
        "outlet_kind": "mainstream",
        "level": "city",
        "form": "news",
        "published_on": "2026-03-05",
        "link": "https://www.lyg.gov.cn/news/1.html",
    }
    data.update(overrides)
    return data


def post(client, user, data, url=None):
    client.force_login(user)
    return client.post(url or reverse("promotion:report_create"), data)


def test_city_staff_record_a_report_about_a_pilot_and_its_case(
    client, users, plan_year, niushan_pilot, guannan_pilot
):
    case = make_case(plan_year, [guannan_pilot], status=Case.Status.PUBLISHED)
    programme = make_programme()
    response = post(
        client,
        users["city"],
        report_data(
            pilots=[niushan_pilot.pk],
            cases=[case.pk],
            programme=programme.pk,
            form="column_episode",
        ),
    )
    report = MediaReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert list(report.pilots.all()) == [niushan_pilot]
    assert list(report.cases.all()) == [case]
    # Two county-level units are covered: the report belongs to the city as a whole.
    assert (report.county, report.township, report.recorded_by) == (None, None, users["city"])
    assert ReportPilot.history.get().history_user == users["city"]
    assert ReportCase.history.get().history_user == users["city"]


def test_a_county_report_about_nothing_in_particular_belongs_to_the_county(
    client, users, plan_year
):
    post(client, users["county"], report_data(level="county", outlet="东海县融媒体中心"))
    assert MediaReport.objects.get().county.code == "320722"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "/news/1.html",
        "news/1.html",
        "//evil.example.com/x",
        "ftp://example.com/a.pdf",
        "https://",
        "https://exa mple.com/a",
        "www.lyg.gov.cn/news/1.html",
    ],
)
def test_a_link_that_is_not_an_http_address_is_refused_and_nothing_is_saved(
    client, users, plan_year, link
):
    response = post(client, users["city"], report_data(link=link))
    assert response.status_code == 200
    assert "请填写报道的完整网址，以 http:// 或 https:// 开头" in response.content.decode()
    assert not MediaReport.objects.exists()


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://www.workercn.cn/c/2026-03-05/123.shtml", True),
        ("http://news.example.com/a?id=1#top", True),
        ("HTTPS://WWW.EXAMPLE.COM/", True),
        ("javascript://example.com/%0Aalert(1)", False),
        ("https:javascript:alert(1)", False),
        ("", False),
    ],
)
def test_only_absolute_web_addresses_are_links(link, ok):
    assert is_web_link(link) is ok


def test_a_report_dated_in_the_future_is_refused(client, users, plan_year):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post(client, users["city"], report_data(published_on=tomorrow.isoformat()))
    assert "日期在未来：请在报道刊发后再登记。" in response.content.decode()
    assert not MediaReport.objects.exists()


def test_a_report_outside_its_columns_run_is_refused(client, users, plan_year):
    programme = make_programme(
        starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 6, 30)
    )
    response = post(
        client, users["city"], report_data(programme=programme.pk, published_on="2026-02-10")
    )
    assert "报道日期不在连云港日报《产改进行时》的开办期间内。" in response.content.decode()
    assert not MediaReport.objects.exists()


def test_a_report_about_a_pilot_outside_the_recorders_area_is_refused(
    client, users, plan_year, niushan_pilot, guannan_pilot
):
    response = post(client, users["county"], report_data(pilots=[guannan_pilot.pk]))
    assert "所选试点企业中有不在您管辖范围内的，或已不存在。" in response.content.decode()
    case = make_case(plan_year, [guannan_pilot], status=Case.Status.PUBLISHED)
    response = post(client, users["county"], report_data(cases=[case.pk]))
    assert "所选案例中有不在您管辖范围内的，或已不存在。" in response.content.decode()
    assert not MediaReport.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.report_create(
            user=users["township"], fields=report_data(programme=None), cases=[case]
        )
    assert "不在您的管辖范围内" in str(error.value)
    assert not MediaReport.objects.exists()


def test_the_link_opens_without_handing_over_the_page(client, users, plan_year):
    report = make_report()
    client.force_login(users["other_county"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert (
        '<a class="pr-link" id="report-link" href="https://www.lyg.gov.cn/news/1.html" '
        'rel="noopener noreferrer" target="_blank">'
    ) in page


def test_a_link_stored_before_the_check_is_never_rendered_as_a_link(client, users, plan_year):
    report = make_report()
    MediaReport.objects.filter(pk=report.pk).update(link="javascript:alert(1)")
    client.force_login(users["city"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "javascript:" not in page


def test_who_may_change_a_report(client, users, plan_year, niushan_pilot):
    report = make_report(pilots=[niushan_pilot])
    city_wide = make_report(title="全市报道")
    edit = "promotion:report_edit"
    for role, url, status in [
        ("township", reverse(edit, args=[report.pk]), 200),
        ("county", reverse(edit, args=[report.pk]), 200),
        ("other_county", reverse(edit, args=[report.pk]), 404),
        ("county", reverse(edit, args=[city_wide.pk]), 404),
        ("leader", reverse(edit, args=[report.pk]), 403),
        ("city", reverse(edit, args=[city_wide.pk]), 200),
    ]:
        client.force_login(users[role])
        assert client.get(url).status_code == status, (role, url)


def test_editing_a_report_keeps_the_history(client, users, plan_year, niushan_pilot):
    response = post(client, users["township"], report_data(pilots=[niushan_pilot.pk]))
    report = MediaReport.objects.get()
    assert response.status_code == 302
    response = post(
        client,
        users["county"],
        report_data(title="改过的标题", pilots=[niushan_pilot.pk], version=report.version),
        url=reverse("promotion:report_edit", args=[report.pk]),
    )
    assert response.status_code == 302
    page = client.get(reverse("promotion:report_history", args=[report.pk])).content.decode()
    assert "改过的标题" in page and niushan_pilot.enterprise.name in page


# The list and its download --------------------------------------------------------------------


@pytest.fixture
def coverage(users, plan_year, niushan_pilot, guannan_pilot):
    from reform.services import plan_year_create

    plan_year_create(year=2025)
    column = make_programme()
    return {
        "donghai": make_report(
            pilots=[niushan_pilot],
            title="东海报道",
            outlet_kind="union",
            outlet="江苏工人报",
            level="provincial",
        ),
        "guannan": make_report(
            pilots=[guannan_pilot], title="灌南报道", published_on=datetime.date(2025, 12, 1)
        ),
        "column": make_report(
            title='=HYPERLINK("http://x","点我")', programme=column, form="column_episode"
        ),
    }


def listed(client, query=""):
    response = client.get(reverse("promotion:report_list") + query)
    assert response.status_code == 200
    return {row.record.title for row in response.context["table"].rows}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", {"东海报道", "灌南报道", '=HYPERLINK("http://x","点我")'}),
        ("?outlet_kind=union", {"东海报道"}),
        ("?level=provincial", {"东海报道"}),
        ("?year=2025", {"灌南报道"}),
        ("?form=column_episode", {'=HYPERLINK("http://x","点我")'}),
        ("?q=工人报", {"东海报道"}),
    ],
)
def test_the_list_is_filtered(client, users, coverage, query, titles):
    client.force_login(users["leader"])
    assert listed(client, query) == titles


def test_the_county_filter_finds_reports_about_its_pilots(client, users, coverage):
    from reform.models import Region

    client.force_login(users["township"])
    county = Region.objects.get(code="320724").pk
    assert listed(client, f"?county={county}") == {"灌南报道"}


def test_the_export_is_the_filtered_list_with_no_formula(client, users, coverage):
    client.force_login(users["other_county"])
    response = client.get(reverse("promotion:report_export") + "?year=2026")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("日期", "标题", "媒体", "媒体类型")
    titles = {row[1] for row in rows[1:]}
    assert titles == {"东海报道", '\'=HYPERLINK("http://x","点我")'}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    donghai = next(row for row in rows[1:] if row[1] == "东海报道")
    assert donghai[3] == "工会媒体" and donghai[4] == "省级"


def test_a_long_report_export_is_a_background_job_with_the_same_rows(
    client, users, coverage, settings
):
    from reform.jobs import run_job
    from reform.models import Job

    settings.EXPORT_BACKGROUND_ROWS = 5  # a report weighs 5 rows: 2 reports are a job
    client.force_login(users["other_county"])
    response = client.get(reverse("promotion:report_export") + "?year=2026")
    job = Job.objects.get()
    assert response.status_code == 302 and job.total == 2
    run_job.call(job.pk, job.attempts)
    data = b"".join(client.get(reverse("job_file", args=[job.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.values)
    assert {row[1] for row in rows[1:]} == {"东海报道", '\'=HYPERLINK("http://x","点我")'}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    client.force_login(users["county"])
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404


def test_the_export_names_only_the_cases_the_reader_may_open(
    client, users, plan_year, guannan_pilot
):
    draft = make_case(plan_year, [guannan_pilot], title="灌南的草稿")
    make_report(cases=[draft], title="报道")
    client.force_login(users["county"])
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("promotion:report_export")).content)
        ).active.values
    )
    assert rows[1][9] in ("", None)
    client.force_login(users["other_county"])
    rows = list(
        load_workbook(
            io.BytesIO(client.get(reverse("promotion:report_export")).content)
        ).active.values
    )
    assert rows[1][9] == "灌南的草稿"


# Columns and programmes -----------------------------------------------------------------------


def test_a_county_keeps_its_own_columns(client, users, plan_year):
    client.force_login(users["county"])
    response = client.post(
        reverse("promotion:programme_create"),
        {
            "name": "东海产改",
            "kind": "programme",
            "outlet": "东海县融媒体中心",
            "starts_on": "2026-02-01",
            "ends_on": "2026-12-31",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert programme.county.code == "320722"
    client.force_login(users["other_county"])
    assert client.get(reverse("promotion:programme_edit", args=[programme.pk])).status_code == 403


def test_a_column_that_ends_before_it_starts_is_refused(client, users, plan_year):
    client.force_login(users["city"])
    response = client.post(
        reverse("promotion:programme_create"),
        {
            "name": "产改进行时",
            "kind": "column",
            "outlet": "连云港日报",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    assert "结束日期早于开始日期。" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_column_page_lists_its_episodes(client, users, plan_year):
    column = make_programme()
    make_report(programme=column, title="第一期")
    make_report(programme=column, title="第二期", published_on=datetime.date(2026, 4, 1))
    client.force_login(users["township"])
    page = client.get(column.get_absolute_url()).content.decode()
    assert page.index("第二期") < page.index("第一期")
    assert "2 期" in page
