"""The pages: bad input gets its message in the user's language and changes nothing; each
role sees what it may; the downloads go through the project's writers."""

import io
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from demonstration import services
from demonstration.models import Application, Assignment, Evidence, Naming, Phase, Score
from tests.builders import make_pilot, region
from tests.demonstration.builders import (
    indicators,
    make_reviewer,
    open_phase,
    recommend,
    score_all,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Applications ----------------------------------------------------------------------------------


def test_a_second_application_for_the_same_pilot_is_refused_on_the_page(
    selection, users, plan_year, as_user
):
    pilot = make_pilot(plan_year)
    client = as_user("county")
    url = reverse("demonstration:application_create", args=[selection.pk])
    assert client.post(url, {"pilot": pilot.pk}).status_code == 302
    response = client.post(url, {"pilot": pilot.pk})
    assert response.status_code == 200
    assert "该试点企业已在本次评选中申报，不能重复申报。" in response.text
    assert Application.objects.count() == 1


def test_a_pilot_outside_the_area_cannot_be_chosen(selection, plan_year, as_user):
    pilot = make_pilot(plan_year, county="320724", township=None)
    response = as_user("county").post(
        reverse("demonstration:application_create", args=[selection.pk]), {"pilot": pilot.pk}
    )
    assert response.status_code == 200
    assert "请选择您管辖范围内的试点企业。" in response.text
    assert not Application.objects.exists()


def _application_form(application, **files) -> dict:
    data = {f"text_{d.pk}": f"自评：{d.name}" for d in application.round.dimensions.all()}
    return data | files


def test_evidence_of_the_wrong_type_is_refused_and_nothing_is_saved(
    selection, users, plan_year, as_user
):
    application = services.application_open(
        round=selection, pilot=make_pilot(plan_year), user=users["county"]
    )
    political = selection.dimensions.get(key="political")
    data = _application_form(
        application,
        **{f"files_{political.pk}": SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf")},
    )
    response = as_user("county").post(
        reverse("demonstration:application_edit", args=[application.pk]), data
    )
    assert response.status_code == 200
    assert "“说明.pdf”不是可接受的文件类型" in response.text
    assert not Evidence.objects.exists()
    assert not application.sections.exclude(text="").exists()  # the texts were not half-saved


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_evidence_that_is_too_big_is_refused(selection, users, plan_year, as_user):
    application = services.application_open(
        round=selection, pilot=make_pilot(plan_year), user=users["county"]
    )
    political = selection.dimensions.get(key="political")
    big = PDF[:-6] + b" " * 2048 + b"%%EOF\n"
    data = _application_form(
        application, **{f"files_{political.pk}": SimpleUploadedFile("大文件.pdf", big)}
    )
    response = as_user("county").post(
        reverse("demonstration:application_edit", args=[application.pk]), data
    )
    assert "文件超过 1.0\xa0KB。" in response.text
    assert not Evidence.objects.exists()


def test_an_application_with_evidence_is_saved_and_submitted(selection, users, plan_year, as_user):
    application = services.application_open(
        round=selection, pilot=make_pilot(plan_year), user=users["county"]
    )
    political = selection.dimensions.get(key="political")
    data = _application_form(
        application, **{f"files_{political.pk}": SimpleUploadedFile("党建.pdf", PDF)}, submit="1"
    )
    client = as_user("county")
    response = client.post(reverse("demonstration:application_edit", args=[application.pk]), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.kind, evidence.uploaded_by) == (
        "党建.pdf",
        "pdf",
        users["county"],
    )
    download = client.get(reverse("demonstration:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    other = as_user("other_county").get(
        reverse("demonstration:evidence_download", args=[evidence.pk])
    )
    assert other.status_code == 404


def test_a_refused_submission_keeps_what_was_typed(selection, users, plan_year, as_user):
    application = services.application_open(
        round=selection, pilot=make_pilot(plan_year), user=users["county"]
    )
    political = selection.dimensions.get(key="political")
    response = as_user("county").post(
        reverse("demonstration:application_edit", args=[application.pk]),
        {f"text_{political.pk}": "只写了政治建设", "submit": "1"},
        follow=True,
    )
    assert any("尚缺：赋能成长、建功立业、维权服务" in m for m in _messages(response))
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.sections.get(dimension=political).text == "只写了政治建设"


# Recommendation ---------------------------------------------------------------------------------


def test_the_recommendation_page_refuses_more_than_the_quota(selection, users, as_user):
    applications = [submitted_application(selection, user=users["county"]) for _ in range(3)]
    open_phase(selection, Phase.RECOMMENDATION)
    data = {}
    for place, application in enumerate(applications, start=1):
        data |= {
            f"recommend_{application.pk}": "on",
            f"order_{application.pk}": place,
            f"opinion_{application.pk}": "同意推荐",
        }
    response = as_user("county").post(
        reverse("demonstration:recommendation_edit", args=[selection.pk, "320722"]), data
    )
    assert response.status_code == 200
    assert "东海县最多可推荐 2 家，现选择了 3 家。" in response.text
    assert not Application.objects.filter(status="recommended").exists()


# Review ---------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(selection, users):
    """One recommended application of 东海县 with two reviewers; the review phase open."""
    application = submitted_application(selection, user=users["county"])
    open_phase(selection, Phase.RECOMMENDATION)
    recommend(selection, [application], county=region("320722"), user=users["county"])
    other = make_reviewer("海州专家", region="320706")
    services.reviewers_set(
        round=selection, reviewers=[users["reviewer"], other], user=users["city"]
    )
    open_phase(selection, Phase.REVIEW)
    mine = services.assignment_add(
        application=application, reviewer=users["reviewer"], user=users["city"]
    )
    theirs = services.assignment_add(application=application, reviewer=other, user=users["city"])
    return {"application": application, "mine": mine, "theirs": theirs, "other": other}


def test_a_score_above_its_maximum_is_refused_on_the_page(reviewed, selection, as_user):
    first = indicators(selection)[0]
    response = as_user("reviewer").post(
        reverse("demonstration:review_score", args=[reviewed["mine"].pk]),
        {f"points_{first.pk}": "9", "submit": "1"},
    )
    assert response.status_code == 200
    assert "组织健全：最高 8 分。" in response.text
    assert not Score.objects.exists()
    assert Assignment.objects.get(pk=reviewed["mine"].pk).status == "assigned"


def test_a_reviewer_sees_only_their_own_assignment_and_scores(reviewed, as_user):
    score_all(reviewed["theirs"], D("87.5"))
    client = as_user("reviewer")
    page = client.get(reverse("demonstration:review_score", args=[reviewed["mine"].pk]))
    assert page.status_code == 200
    assert "87.5" not in page.text and "海州专家" not in page.text
    assert (
        client.get(reverse("demonstration:review_score", args=[reviewed["theirs"].pk])).status_code
        == 404
    )
    queue = client.get(reverse("demonstration:review_queue"))
    assert [a.pk for a in queue.context["assignments"]] == [reviewed["mine"].pk]
    for name, args in (
        ("ranking", [reviewed["application"].round_id]),
        ("application_detail", [reviewed["application"].pk]),
        ("round_list", []),
    ):
        assert client.get(reverse(f"demonstration:{name}", args=args)).status_code == 404


def test_leaders_see_the_reviewers_as_numbers_and_city_staff_by_name(
    reviewed, users, selection, as_user
):
    score_all(reviewed["mine"], D("80"))
    score_all(reviewed["theirs"], D("90"))
    url = reverse("demonstration:ranking", args=[selection.pk])
    leader = as_user("leader").get(url)
    assert "专家1" in leader.text and "专家2" in leader.text
    assert "海州专家" not in leader.text
    city = as_user("city").get(url)
    assert "海州专家" in city.text
    row = city.context["table"].data.data[0]
    assert row.final == D("85.00") and row.rank == 1


def test_the_ranking_filters_by_county_and_tier(reviewed, selection, as_user):
    url = reverse("demonstration:ranking", args=[selection.pk])
    client = as_user("leader")
    donghai = client.get(url, {"county": region("320722").pk, "tier": "county"})
    assert [r.application for r in donghai.context["table"].data.data] == [reviewed["application"]]
    for query in ({"county": region("320724").pk}, {"tier": "city"}):
        assert list(client.get(url, query).context["table"].data.data) == []


def test_the_ranking_export_is_an_xlsx_with_one_column_per_reviewer(
    reviewed, users, selection, as_user
):
    from pilots.models import Enterprise

    Enterprise.objects.filter(pk=reviewed["application"].pilot.enterprise_id).update(
        name='=HYPERLINK("x")公司'
    )
    score_all(reviewed["mine"], D("80"))
    response = as_user("leader").get(reverse("demonstration:ranking_export", args=[selection.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:6] == ("名次", "企业", "县区", "试点层级", "专家1", "专家2")
    assert rows[1][1] == '\'=HYPERLINK("x")公司'  # never a formula
    assert rows[1][4] == 80 and rows[1][5] is None
    assert rows[1][-1] == 80


# Notice and naming --------------------------------------------------------------------------


def test_naming_before_the_notice_ends_is_refused_on_the_page(reviewed, users, selection, as_user):
    score_all(reviewed["mine"], D("80"))
    score_all(reviewed["theirs"], D("90"))
    open_phase(selection, Phase.NOTICE)
    client = as_user("city")
    client.post(reverse("demonstration:notice_prepare", args=[selection.pk]))
    client.post(reverse("demonstration:notice_publish", args=[selection.pk]))
    response = client.post(reverse("demonstration:naming_create", args=[selection.pk]), follow=True)
    assert any(
        "命名阶段于" in m and "开始，只能在该阶段进行此操作" in m for m in _messages(response)
    )
    assert not Naming.objects.exists()
    notice = client.get(reverse("demonstration:notice_detail", args=[selection.pk]))
    assert reviewed["application"].pilot.enterprise.name in notice.text
    # Published: the county reads it too, and gets its .docx.
    county = as_user("county")
    assert (
        county.get(reverse("demonstration:notice_detail", args=[selection.pk])).status_code == 200
    )
    docx = county.get(reverse("demonstration:notice_docx", args=[selection.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "拟命名示范单位的公示" in text and "市总工会 0518-0000000" in text
    table = Document(io.BytesIO(docx.content)).tables[0]
    assert table.rows[1].cells[1].text == reviewed["application"].pilot.enterprise.name


def test_closing_and_extending_a_phase_on_the_round_page(selection, as_user, users):
    client = as_user("city")
    url = reverse("demonstration:round_phase", args=[selection.pk, "application"])
    response = client.post(url, {"action": "close"}, follow=True)
    assert "申报阶段已结束。" in _messages(response)
    response = client.post(
        reverse("demonstration:round_phase", args=[selection.pk, "review"]),
        {"action": "extend", "last_day": "2000-01-01"},
        follow=True,
    )
    assert any("延期只能推迟截止日期" in m for m in _messages(response))
    page = client.get(reverse("demonstration:round_detail", args=[selection.pk]))
    assert "提前结束" in page.text


def test_a_rubric_that_does_not_add_up_is_shown_again_with_its_total(selection, as_user):
    client = as_user("city")
    url = reverse("demonstration:rubric_edit", args=[selection.pk])
    editor = client.get(url).context["editor"]
    data = {"dimensions": len(editor.rows)}
    for d, row in enumerate(editor.rows):
        data |= {
            f"d{d}-pk": row["pk"],
            f"d{d}-key": row["key"],
            f"d{d}-name": row["name"],
            f"d{d}-max": row["max"],
            f"d{d}-rows": len(row["indicators"]),
        }
        for i, item in enumerate(row["indicators"]):
            data |= {
                f"d{d}-i{i}-pk": item["pk"],
                f"d{d}-i{i}-name": item["name"],
                f"d{d}-i{i}-max": item["max"],
            }
    data["d1-i0-max"] = "10"  # 技能培训投入与覆盖 9 → 10: 赋能成长 adds up to 26
    response = client.post(url, data)
    assert response.status_code == 200
    assert "赋能成长：各指标分值合计 26 分，与该维度满分 25 分不符。" in response.text
    assert selection.dimensions.get(key="empowerment").indicators.get(order=1).max_points == 9
    data["d1-i0-max"] = "9"
    data["d1-i3-name"], data["d1-i3-max"] = "职工书屋", "0.5"
    data["d1-max"] = "25.5"
    assert client.post(url, data).status_code == 302
    selection.refresh_from_db()
    assert not selection.rubric_is_proposal
    assert selection.dimensions.get(key="empowerment").indicators.count() == 4


def test_the_pilot_page_shows_the_pilots_applications_and_namings(
    selection, users, plan_year, as_user
):
    pilot = make_pilot(plan_year)
    page = as_user("county").get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert "申报" + selection.name in page.text  # an open round it may apply to
    application = submitted_application(selection, user=users["county"], pilot=pilot)
    Naming.objects.create(
        round=selection, pilot=pilot, application=application, named_on="2026-06-03"
    )
    page = as_user("leader").get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    panel = next(p for p in page.context["panels"] if p["key"] == "selection")
    assert panel["context"]["applications"] == [application]
    assert "已命名示范单位" in page.text
