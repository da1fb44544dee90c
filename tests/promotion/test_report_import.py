"""The Excel import of media reports: the enterprise import's preview-then-confirm machinery
(pilots.imports) with the reports' own columns, checks, writing and undo."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from pilots.imports import apply, batches, plan, undo
from pilots.models import ImportBatch
from promotion.imports.check import LAYOUT
from promotion.models import MediaReport, ReportPilot
from reform.messages import render
from reform.scopes import scope_for
from tests.promotion.builders import make_case, make_programme, make_report

pytestmark = pytest.mark.django_db

COLUMNS = [
    "title",
    "outlet",
    "outlet_kind",
    "level",
    "published_on",
    "link",
    "form",
    "programme",
    "pilots",
    "cases",
]


def workbook(rows: list[dict], *, title: str | None = "2026年宣传报道统计表") -> bytes:
    """A hand-made list: a title row, the Chinese headers, the rows."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append([LAYOUT.headers[name] for name in COLUMNS])
    for values in rows:
        sheet.append([values.get(name) for name in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_row(**values) -> dict:
    row = {
        "title": "东海县：技能人才跑出加速度",
        "outlet": "连云港日报",
        "outlet_kind": "主流媒体",
        "level": "市级",
        "published_on": datetime.date(2026, 3, 5),
        "link": "https://www.lyg.gov.cn/news/1.html",
        "form": "新闻",
    }
    row.update(values)
    return row


def upload(user, plan_year, data: bytes, name: str = "报道.xlsx") -> ImportBatch:
    return batches.batch_create(
        data=data,
        filename=name,
        user=user,
        scope=scope_for(user),
        plan_year=plan_year,
        kind="media_reports",
    )


def confirm(batch: ImportBatch, user) -> ImportBatch:
    return apply.batch_apply(batch=batch, user=user, scope=scope_for(user))


def errors(batch: ImportBatch) -> list[tuple[int, str, str]]:
    """(row, field, message in Chinese) of every error of the preview."""
    with translation.override("zh-hans"):
        return [
            (row, field, render(said))
            for row, field, _header, _value, said in plan.load_plan(batch)["errors"]
        ]


@pytest.fixture
def programme(db):
    return make_programme(name="产改进行时", starts_on=datetime.date(2026, 1, 1))


def test_preview_lists_every_bad_row_with_its_message_and_saves_nothing(
    users, plan_year, niushan_pilot, donghai_pilot, guannan_pilot, programme
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = workbook(
        [
            report_row(title="好的一行", pilots=niushan_pilot.enterprise.name),  # row 3
            report_row(title="脚本链接", link="javascript:alert(1)"),  # row 4
            report_row(title="明天的报道", published_on=tomorrow),  # row 5
            report_row(title="别县的试点", pilots=guannan_pilot.enterprise.name),  # row 6
            report_row(title="没有的专栏", programme="不存在的专栏"),  # row 7
            report_row(
                title="两个试点",
                programme="产改进行时",
                pilots=f"{niushan_pilot.enterprise.credit_code}；{donghai_pilot.enterprise.name}",
            ),  # row 8
        ]
    )
    batch = upload(users["county"], plan_year, data)
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.row_count, batch.rows_rejected, batch.error_count) == (6, 4, 4)
    assert (batch.enterprises_created, batch.enterprises_updated) == (2, 0)
    found = errors(batch)
    assert [(row, field) for row, field, _said in found] == [
        (4, "link"),
        (5, "published_on"),
        (6, "pilots"),
        (7, "programme"),
    ]
    said = dict(((row, field), text) for row, field, text in found)
    assert "http://" in said[(4, "link")] and "javascript:" in said[(4, "link")]
    assert "未来" in said[(5, "published_on")]
    assert "灌南县" in said[(6, "pilots")]
    assert said[(7, "programme")] == "没有这个名称的专栏或节目；请先在“专栏与节目”中添加。"
    assert MediaReport.objects.count() == 0  # a preview writes nothing


def test_the_preview_page_shows_the_errors_in_the_readers_language(
    client, users, plan_year, guannan_pilot
):
    data = workbook([report_row(link="javascript:alert(1)")])
    client.force_login(users["county"])
    response = client.post(
        reverse("promotion:report_import_upload"),
        {"file": _file(data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.get_absolute_url() == f"/promotion/reports/imports/{batch.pk}/"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "javascript:alert(1)" in page
    # Never a live link: the value is shown as text.
    assert 'href="javascript' not in page
    # The batch is a report import: the enterprise import's pages do not show it.
    assert client.get(reverse("pilots:import_detail", args=[batch.pk])).status_code == 404


def _file(data: bytes, name: str = "报道.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_confirm_creates_exactly_the_reports_with_their_pilots(
    users, plan_year, niushan_pilot, donghai_pilot, programme
):
    case = make_case(plan_year, [niushan_pilot], title="牛山街道的技能比武")
    data = workbook(
        [
            report_row(
                title="一",
                pilots=f"{niushan_pilot.enterprise.name}、{donghai_pilot.enterprise.name}",
                programme="产改进行时",
                form="专栏文章",
            ),
            report_row(title="二", link=None, cases="牛山街道的技能比武", level="县级"),
        ]
    )
    batch = confirm(upload(users["county"], plan_year, data), users["county"])
    assert batch.status == ImportBatch.Status.APPLIED
    first, second = MediaReport.objects.order_by("title")  # 一 < 二 in code points
    assert (first.title, second.title) == ("一", "二")
    assert set(first.pilots.all()) == {niushan_pilot, donghai_pilot}
    assert first.programme == programme and first.form == "column_episode"
    # Both pilots lie in 东海县, in two townships: the report belongs to the county.
    assert (first.county.code, first.township) == ("320722", None)
    assert list(second.cases.all()) == [case] and second.link == "" and second.level == "county"
    assert (second.county.code, second.township.code) == ("320722", "320722001")
    assert first.recorded_by == users["county"]
    history = first.history.get()
    assert (history.history_user, history.history_change_reason) == (
        users["county"],
        f"import:{batch.pk}",
    )
    assert ReportPilot.history.filter(history_change_reason=f"import:{batch.pk}").count() == 2


def test_sending_the_list_again_updates_instead_of_duplicating_and_undo_restores(
    client, users, plan_year, niushan_pilot, donghai_pilot
):
    kept = make_report(
        title="东海县：技能人才跑出加速度",
        pilots=[niushan_pilot],
        level="city",
        link="https://www.lyg.gov.cn/news/1.html",
    )
    data = workbook(
        [
            report_row(
                level="省级",
                pilots=f"{niushan_pilot.enterprise.name};{donghai_pilot.enterprise.name}",
            ),
            report_row(title="新的一篇"),
        ]
    )
    batch = upload(users["county"], plan_year, data)
    assert (batch.enterprises_created, batch.enterprises_updated) == (1, 1)
    rows = plan.load_plan(batch)["rows"]
    assert [(row[1], row[2]) for row in rows] == [(kept.pk, "update"), (None, "create")]
    pilots = f"{niushan_pilot.enterprise.name}、{donghai_pilot.enterprise.name}"
    assert rows[0][4] == [
        ["level", "city", "provincial"],
        ["pilots", niushan_pilot.enterprise.name, pilots],
    ]
    client.force_login(users["county"])
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "市级 → <strong>省级</strong>" in page
    assert f"{niushan_pilot.enterprise.name} → <strong>{pilots}</strong>" in page
    confirm(batch, users["county"])
    assert MediaReport.objects.count() == 2
    kept.refresh_from_db()
    assert (kept.level, kept.version) == ("provincial", 2)
    assert set(kept.pilots.all()) == {niushan_pilot, donghai_pilot}

    # The same file once more: nothing new, nothing changed.
    again = upload(users["county"], plan_year, data)
    assert (again.enterprises_created, again.enterprises_updated, again.enterprises_unchanged) == (
        0,
        0,
        2,
    )
    batches.batch_discard(batch=again)

    undo.batch_undo(batch=batch, user=users["county"])
    assert list(MediaReport.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.level == "city" and list(kept.pilots.all()) == [niushan_pilot]
    assert (kept.county.code, kept.township.code) == ("320722", "320722001")
    assert kept.history.first().history_change_reason == f"undo:{batch.pk}"


def test_a_headline_is_kept_as_typed_and_matched_folded(users, plan_year):
    """东海县：… keeps its full-width colon (Chinese punctuation is not a typing slip); the same
    report sent again with a half-width colon and a full-width space is the same report."""
    data = workbook(
        [report_row(title="东海县：技能人才\u3000跑出加速度", outlet="连云港日报\u200b")]
    )
    confirm(upload(users["county"], plan_year, data), users["county"])
    report = MediaReport.objects.get()
    assert (report.title, report.outlet) == ("东海县：技能人才 跑出加速度", "连云港日报")
    again = upload(
        users["county"], plan_year, workbook([report_row(title="东海县:技能人才 跑出加速度")])
    )
    assert (again.enterprises_created, again.enterprises_unchanged) == (0, 1)


def test_undo_is_refused_once_a_report_was_edited_since(users, plan_year, niushan_pilot):
    batch = confirm(upload(users["county"], plan_year, workbook([report_row()])), users["county"])
    report = MediaReport.objects.get()
    report.title = "改过的标题"
    report._history_user = users["county"]
    report.save()
    with pytest.raises(undo.CannotUndo):
        undo.batch_undo(batch=batch, user=users["county"])
    assert MediaReport.objects.get().title == "改过的标题"


def test_a_county_official_cannot_import_a_report_about_another_countys_pilot(
    client, users, plan_year, guannan_pilot
):
    data = workbook([report_row(pilots=guannan_pilot.enterprise.credit_code)])
    client.force_login(users["county"])
    client.post(reverse("promotion:report_import_upload"), {"file": _file(data)})
    batch = ImportBatch.objects.get(kind="media_reports")
    assert (batch.rows_rejected, batch.enterprises_created) == (1, 0)
    response = client.post(reverse("promotion:report_import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert MediaReport.objects.count() == 0
    # The other county's official sees neither the batch nor its pages.
    client.force_login(users["other_county"])
    assert client.get(batch.get_absolute_url()).status_code == 404


def test_a_report_recorded_by_another_area_is_not_changed(users, plan_year, guannan_pilot):
    make_report(pilots=[guannan_pilot])
    batch = upload(users["county"], plan_year, workbook([report_row(level="县级")]))
    assert batch.rows_rejected == 1
    assert [field for _row, field, _said in errors(batch)] == ["title"]


def test_confirm_rechecks_when_a_matched_report_changed_after_the_preview(
    users, plan_year, niushan_pilot
):
    report = make_report(pilots=[niushan_pilot])
    batch = upload(users["county"], plan_year, workbook([report_row(level="县级")]))
    assert batch.enterprises_updated == 1
    MediaReport.objects.filter(pk=report.pk).update(version=5)
    with pytest.raises(apply.StalePreview):
        confirm(batch, users["county"])
    report.refresh_from_db()
    assert report.level == "city"


def test_the_same_report_twice_in_a_file_is_an_error_on_both_rows(users, plan_year):
    batch = upload(users["county"], plan_year, workbook([report_row(), report_row()]))
    assert [(row, field) for row, field, _said in errors(batch)] == [(3, "title"), (4, "title")]


def test_dates_as_text_and_unknown_choices(users, plan_year):
    batch = upload(
        users["county"],
        plan_year,
        workbook(
            [
                report_row(title="a", published_on="2026年3月5日"),
                report_row(title="b", published_on="2026/3/6", outlet_kind="mainstream"),
                report_row(title="c", published_on="三月"),
                report_row(title="d", level="乡镇级"),
            ]
        ),
    )
    assert [(row, field) for row, field, _said in errors(batch)] == [
        (5, "published_on"),
        (6, "level"),
    ]
    dates = [row[3]["published_on"] for row in plan.load_plan(batch)["rows"]]
    assert dates == ["2026-03-05", "2026-03-06"]


def test_template_has_instructions_and_dropdowns(client, users, plan_year, programme):
    client.force_login(users["county"])
    response = client.get(reverse("promotion:report_import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["宣传报道"]
    assert [cell.value for cell in sheet[1]][:3] == ["标题*", "媒体*", "媒体类型*"]
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    # Outlet kind (C), level (D), form (G) and the programme (H) have dropdowns.
    assert validated == {"C2", "D2", "G2", "H2"}
    assert len(book.sheetnames) == 3  # the list, the hidden lists, the instructions
    # The template read back: every column is found, and the example row is refused (it would
    # otherwise be imported by whoever forgets to delete it).
    batch = upload(users["county"], plan_year, response.content)
    assert (batch.row_count, batch.rows_rejected, batch.unrecognised) == (1, 1, [])
    assert errors(batch) == [(2, "title", "这是模板中的示例行，请删除。")]


def test_who_may_import(client, users, plan_year):
    for role, status in (("leader", 403), ("reviewer", 403), ("township", 200), ("city", 200)):
        client.force_login(users[role])
        assert client.get(reverse("promotion:report_import_upload")).status_code == status, role


def test_the_reports_list_links_to_the_imports(client, users, plan_year):
    client.force_login(users["county"])
    page = client.get(reverse("promotion:report_list")).content.decode()
    assert reverse("promotion:report_import_list") in page
    upload(users["county"], plan_year, workbook([report_row()]), name="三月报道.xlsx")
    upload_page = client.get(reverse("promotion:report_import_list")).content.decode()
    assert "三月报道.xlsx" in upload_page
    # Report imports are not enterprise imports.
    assert "三月报道.xlsx" not in client.get(reverse("pilots:import_list")).content.decode()


def test_the_error_workbook_marks_the_bad_cells(client, users, plan_year):
    data = workbook([report_row(link="javascript:alert(1)"), report_row(title="好")])
    batch = upload(users["county"], plan_year, data)
    client.force_login(users["county"])
    response = client.get(reverse("promotion:report_import_errors", args=[batch.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=3, column=6).value == "javascript:alert(1)"
    assert "http://" in sheet.cell(row=3, column=11).value
    assert sheet.cell(row=4, column=11).value is None


def test_a_large_list_is_checked_confirmed_and_undone_in_the_background(
    client, settings, users, plan_year, niushan_pilot
):
    from reform.jobs import run_job
    from reform.models import Job

    def run(job: Job) -> Job:
        job.refresh_from_db()
        run_job.call(job.pk, job.attempts)
        job.refresh_from_db()
        return job

    settings.IMPORT_BACKGROUND_ROWS = 2
    rows = [report_row(title=f"第{n}篇", pilots=niushan_pilot.enterprise.name) for n in range(3)]
    client.force_login(users["county"])
    response = client.post(
        reverse("promotion:report_import_upload"), {"file": _file(workbook(rows))}
    )
    job = Job.objects.get()
    batch = ImportBatch.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (batch.status, batch.row_count) == ("previewing", 3)
    assert run(job).status == Job.Status.DONE
    batch.refresh_from_db()
    assert (batch.status, batch.enterprises_created) == ("previewed", 3)

    response = client.post(reverse("promotion:report_import_confirm", args=[batch.pk]))
    assert run(Job.objects.latest("pk")).status == Job.Status.DONE
    batch.refresh_from_db()
    assert batch.status == "applied" and MediaReport.objects.count() == 3
    assert ReportPilot.objects.filter(pilot=niushan_pilot).count() == 3

    client.post(reverse("promotion:report_import_undo", args=[batch.pk]))
    assert run(Job.objects.latest("pk")).status == Job.Status.DONE
    batch.refresh_from_db()
    assert batch.status == "undone" and MediaReport.objects.count() == 0
