"""Writing and editing cases: who may, what is checked, what is stored, who sees what.

Every bad input gets a clear message in Chinese (the default language) and saves nothing.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from promotion import services
from promotion.models import Case, CaseAttachment, CaseDimension, CasePilot
from tests.builders import make_pilot, make_user
from tests.promotion.builders import make_case, photo_bytes, photo_upload

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
MAKE = 0x010F


def case_data(pilots, **overrides) -> dict:
    data = {
        "title": "以技能等级认定畅通职工成长通道",
        "plan_year": "2026",
        "pilots": [p.pk for p in pilots],
        "dimensions": ["empowerment", "achievement"],
        "summary": "建立技能等级认定制度。",
        "text": "第一段。\n\n第二段。",
    }
    data.update(overrides)
    return data


def exif_with_location() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "DemoCam"
    exif[GPS_IFD] = {1: "N", 2: (34.0, 35.0, 36.0)}
    return exif.tobytes()


def errors_of(response) -> str:
    return response.content.decode()


# Writing --------------------------------------------------------------------------------------


def test_a_township_official_writes_a_case_with_a_photo(client, users, plan_year, niushan_pilot):
    client.force_login(users["township"])
    photo = photo_upload("车间.jpg", size=(3000, 2000), exif=exif_with_location())
    response = client.post(
        reverse("promotion:case_create"), {**case_data([niushan_pilot]), "photos": [photo]}
    )

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.status, case.author, case.plan_year) == (
        Case.Status.DRAFT,
        users["township"],
        plan_year,
    )
    # Placed in the pilots' township, so the township and its county see it.
    assert (case.county.code, case.township.code) == ("320722", "320722001")
    assert list(case.pilots.all()) == [niushan_pilot]
    assert sorted(case.dimension_links.values_list("dimension", flat=True)) == [
        "achievement",
        "empowerment",
    ]
    photo = case.attachments.get()
    with photo.file.open("rb") as handle, Image.open(handle) as stored:
        assert max(stored.size) == 1600  # resized for the page
        assert not stored.getexif()  # no camera, no location
    with photo.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert max(thumb.size) == 320
    assert photo.uploaded_by == users["township"]
    assert CasePilot.history.get().history_user == users["township"]


def test_the_text_is_shown_as_plain_paragraphs_never_as_html(
    client, users, plan_year, niushan_pilot
):
    case = make_case(
        plan_year,
        [niushan_pilot],
        text="<script>alert(1)</script>\n\n<b>第二段</b>",
        status=Case.Status.PUBLISHED,
    )
    client.force_login(users["other_county"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in page
    assert "<p>&lt;b&gt;第二段&lt;/b&gt;</p>" in page
    assert "<script>alert" not in page


def test_a_file_that_is_not_an_image_is_refused_as_a_photo_and_nothing_is_saved(
    client, users, plan_year, niushan_pilot
):
    client.force_login(users["township"])
    fake = SimpleUploadedFile("现场.jpg", b"this is not a photo at all", content_type="image/jpeg")
    response = client.post(
        reverse("promotion:case_create"), {**case_data([niushan_pilot]), "photos": [fake]}
    )
    assert response.status_code == 200
    assert "“现场.jpg”不是可接受的文件类型（可接受：JPEG / PNG）。" in errors_of(response)
    assert "请重新选择照片和文件" in errors_of(response)
    assert (Case.objects.count(), CaseAttachment.objects.count()) == (0, 0)
    # What was typed is still in the form.
    assert "以技能等级认定畅通职工成长通道" in errors_of(response)


def test_a_photo_that_is_too_big_is_refused_and_nothing_is_saved(
    client, users, plan_year, niushan_pilot, settings
):
    settings.ATTACHMENT_MAX_BYTES = 10_000
    client.force_login(users["township"])
    big = SimpleUploadedFile("大图.png", photo_bytes(size=(800, 800), fmt="PNG") + b"\0" * 20_000)
    response = client.post(
        reverse("promotion:case_create"), {**case_data([niushan_pilot]), "photos": [big]}
    )
    assert response.status_code == 200
    assert "文件超过 9.8\xa0KB" in errors_of(response)
    assert (Case.objects.count(), CaseAttachment.objects.count()) == (0, 0)


def test_a_case_about_a_pilot_outside_the_writers_area_is_refused(
    client, users, plan_year, niushan_pilot, guannan_pilot
):
    client.force_login(users["county"])
    response = client.post(
        reverse("promotion:case_create"), case_data([niushan_pilot, guannan_pilot])
    )
    assert response.status_code == 200
    assert "所选试点企业中有不在您管辖范围内的，或已不存在。" in errors_of(response)
    assert not Case.objects.exists()


def test_the_service_names_the_pilots_outside_the_area(
    users, plan_year, niushan_pilot, donghai_pilot
):
    # The township official's form never offers 石榴街道's pilot; the service refuses it too.
    with pytest.raises(ValidationError) as error:
        services.case_create(
            user=users["township"],
            title="越界",
            plan_year=plan_year,
            pilots=[niushan_pilot, donghai_pilot],
            dimensions=["rights"],
            summary="摘要",
            text="正文",
        )
    assert error.value.message_dict["pilots"] == [
        f"以下试点企业不在您的管辖范围内：{donghai_pilot.enterprise.name}。未保存任何内容。"
    ]
    assert not Case.objects.exists()


def test_pilots_of_another_year_and_a_missing_dimension_are_refused(
    client, users, plan_year, niushan_pilot
):
    from reform.services import plan_year_create

    earlier = plan_year_create(year=2025)
    old = make_pilot(earlier, enterprise=niushan_pilot.enterprise)
    client.force_login(users["township"])
    response = client.post(reverse("promotion:case_create"), case_data([old], dimensions=[]))
    page = errors_of(response)
    assert "请至少选择四个维度中的一个。" in page
    assert not Case.objects.exists()
    response = client.post(reverse("promotion:case_create"), case_data([old]))
    assert f"以下试点企业不是 2026 年度的试点：{old.enterprise.name}。" in errors_of(response)
    assert not Case.objects.exists()


def test_a_case_of_several_townships_is_placed_in_their_county(
    users, plan_year, niushan_pilot, donghai_pilot, guannan_pilot
):
    case = services.case_create(
        user=users["county"],
        title="两镇",
        plan_year=plan_year,
        pilots=[niushan_pilot, donghai_pilot],
        dimensions=["rights"],
        summary="摘要",
        text="正文",
    )
    assert (case.county.code, case.township) == ("320722", None)
    city_case = services.case_create(
        user=users["city"],
        title="两县",
        plan_year=plan_year,
        pilots=[niushan_pilot, guannan_pilot],
        dimensions=["rights"],
        summary="摘要",
        text="正文",
    )
    assert (city_case.county, city_case.township) == (None, None)


def test_the_pilot_page_link_preselects_the_pilot(client, users, plan_year, niushan_pilot):
    client.force_login(users["township"])
    response = client.get(reverse("promotion:case_create") + f"?pilot={niushan_pilot.pk}")
    assert response.context["form"].initial["pilots"] == [niushan_pilot.pk]


# Editing --------------------------------------------------------------------------------------


def test_a_county_official_cannot_edit_a_submitted_case(client, users, plan_year, niushan_pilot):
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.SUBMITTED, title="原标题")
    client.force_login(users["county"])

    page = client.get(reverse("promotion:case_edit", args=[case.pk]), follow=True)
    assert "该案例已是“已报送”状态，现在只有市总工会工作人员可以修改" in page.content.decode()

    response = client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {**case_data([niushan_pilot], title="改过的标题"), "version": case.version},
        follow=True,
    )
    assert "未保存任何内容" in response.content.decode()
    case.refresh_from_db()
    assert case.title == "原标题"
    assert case.history.count() == 1  # its creation only


def test_an_edit_that_becomes_impossible_meanwhile_keeps_what_was_typed(
    client, users, plan_year, niushan_pilot
):
    """The township submits while the county has the form open: the county's text stays."""
    case = make_case(plan_year, [niushan_pilot])
    client.force_login(users["county"])
    form_version = case.version
    services.case_move(case=case, move="submit", user=users["township"])
    # The view sends the county back (the case is no longer theirs to change) ...
    response = client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {**case_data([niushan_pilot], title="县里改的标题"), "version": form_version},
    )
    assert response.status_code == 302
    # ... and the service refuses it with the same message when called directly.
    with pytest.raises(ValidationError):
        services.case_update(
            case=case,
            user=users["county"],
            version=form_version + 1,
            title="县里改的标题",
            plan_year=plan_year,
            pilots=[niushan_pilot],
            dimensions=["rights"],
            summary="摘要",
            text="正文",
        )
    case.refresh_from_db()
    assert case.title != "县里改的标题"


def test_the_city_edits_a_submitted_case_and_removes_a_photo(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.SUBMITTED)
    client.force_login(users["city"])
    response = client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {
            **case_data([niushan_pilot], title="市里润色后的标题"),
            "version": case.version,
            "photos": [photo_upload()],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    photo = case.attachments.get()
    response = client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {**case_data([niushan_pilot]), "version": case.version, "remove": [photo.pk]},
    )
    assert response.status_code == 302
    assert not case.attachments.exists()
    assert CaseAttachment.history.filter(history_type="-").get().history_user == users["city"]


def test_an_edit_based_on_an_older_version_is_refused_and_keeps_the_text(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot])
    client.force_login(users["township"])
    stale = case.version
    client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {**case_data([niushan_pilot], title="第一次保存"), "version": stale},
    )
    response = client.post(
        reverse("promotion:case_edit", args=[case.pk]),
        {**case_data([niushan_pilot], title="第二个人的修改"), "version": stale},
    )
    assert response.status_code == 200
    page = errors_of(response)
    assert "其他人已保存了" in page and "第二个人的修改" in page
    case.refresh_from_db()
    assert case.title == "第一次保存"


def test_changing_the_pilots_moves_the_case_and_the_history_names_them(
    client, users, plan_year, niushan_pilot, donghai_pilot
):
    case = services.case_create(
        user=users["county"],
        title="案例",
        plan_year=plan_year,
        pilots=[niushan_pilot],
        dimensions=["rights"],
        summary="摘要",
        text="正文",
    )
    services.case_update(
        case=case,
        user=users["county"],
        version=case.version,
        title="案例",
        plan_year=plan_year,
        pilots=[donghai_pilot],
        dimensions=["rights", "political"],
        summary="摘要",
        text="正文",
    )
    case.refresh_from_db()
    assert (case.county.code, case.township.code) == ("320722", "320722002")
    client.force_login(users["county"])
    page = client.get(reverse("promotion:case_history", args=[case.pk])).content.decode()
    assert niushan_pilot.enterprise.name in page and donghai_pilot.enterprise.name in page
    assert "政治建设" in page
    assert CaseDimension.objects.filter(case=case).count() == 2


# Who sees what --------------------------------------------------------------------------------


def test_drafts_stay_in_their_area_and_published_cases_are_read_by_everyone(
    client, users, plan_year, niushan_pilot
):
    draft = make_case(plan_year, [niushan_pilot])
    published = make_case(plan_year, [niushan_pilot], status=Case.Status.PUBLISHED)
    other_township = make_user("shiliu", role="township", region="320722002")
    for user, draft_status in [
        (users["county"], 200),
        (users["township"], 200),
        (users["leader"], 200),
        (users["other_county"], 404),
        (other_township, 404),
    ]:
        client.force_login(user)
        assert client.get(draft.get_absolute_url()).status_code == draft_status, user
        assert client.get(published.get_absolute_url()).status_code == 200, user


def test_the_work_list_holds_the_cases_of_the_users_area(
    client, users, plan_year, niushan_pilot, guannan_pilot
):
    mine = make_case(plan_year, [niushan_pilot], title="东海的案例")
    theirs = make_case(plan_year, [guannan_pilot], title="灌南的案例")
    lists = {}
    for role in ("county", "other_county", "township", "leader"):
        client.force_login(users[role])
        response = client.get(reverse("promotion:case_list"))
        lists[role] = {row.record.pk for row in response.context["table"].rows}
    assert lists == {
        "county": {mine.pk},
        "other_county": {theirs.pk},
        "township": {mine.pk},
        "leader": {mine.pk, theirs.pk},
    }


def test_files_of_a_published_case_stay_in_its_area_its_photos_do_not(
    client, users, plan_year, niushan_pilot
):
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.PUBLISHED)
    from reform.files import check_upload

    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    services.case_attachments_add(
        case=case,
        files=[check_upload(photo_upload()), check_upload(pdf)],
        user=users["county"],
    )
    photo, document = case.attachments.order_by("pk")
    client.force_login(users["other_county"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "材料.pdf" not in page
    photo_url = reverse("promotion:case_attachment", args=[case.pk, photo.pk])
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    thumb = client.get(reverse("promotion:case_thumbnail", args=[case.pk, photo.pk]))
    assert thumb.status_code == 200 and thumb["X-Content-Type-Options"] == "nosniff"
    document_url = reverse("promotion:case_attachment", args=[case.pk, document.pk])
    assert client.get(document_url).status_code == 404
    client.force_login(users["county"])
    download = client.get(document_url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    # An attachment asked for through another case answers 404.
    other = make_case(plan_year, [niushan_pilot], status=Case.Status.PUBLISHED)
    wrong = reverse("promotion:case_attachment", args=[other.pk, photo.pk])
    assert client.get(wrong).status_code == 404


def test_pilot_pages_are_linked_only_inside_the_readers_area(
    client, users, plan_year, niushan_pilot
):
    enterprise = niushan_pilot.enterprise
    enterprise.contact_name, enterprise.contact_phone = "赵联络", "13900001111"
    enterprise.save()
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.PUBLISHED)
    client.force_login(users["other_county"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert enterprise.name in page
    assert niushan_pilot.get_absolute_url() not in page
    assert "赵联络" not in page and "13900001111" not in page
    client.force_login(users["county"])
    assert niushan_pilot.get_absolute_url() in client.get(case.get_absolute_url()).content.decode()


def test_the_printable_page_holds_the_case(client, users, plan_year, niushan_pilot):
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.PUBLISHED)
    client.force_login(users["leader"])
    page = client.get(reverse("promotion:case_print", args=[case.pk])).content.decode()
    assert 'id="case-article"' in page and case.title in page
    assert "data-print" in page and "print.css" in page
    assert "<p>第一段：公司建立职工技能等级认定制度。</p>" in page


def test_leaders_read_but_cannot_write(client, users, plan_year, niushan_pilot):
    client.force_login(users["leader"])
    response = client.post(reverse("promotion:case_create"), case_data([niushan_pilot]))
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_a_stored_photo_is_a_clean_jpeg(users, plan_year, niushan_pilot):
    from reform.files import check_upload

    case = make_case(plan_year, [niushan_pilot])
    services.case_attachments_add(
        case=case,
        files=[check_upload(photo_upload(exif=exif_with_location()))],
        user=users["township"],
    )
    with case.attachments.get().file.open("rb") as handle:
        data = handle.read()
    assert b"DemoCam" not in data and b"GPS" not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"
