"""From a township official's write-up to the library, a media report and the Word collection."""

import datetime

from docx import Document

from promotion.models import Case, MediaReport
from tests.browser.conftest import sign_in
from tests.builders import make_pilot
from tests.promotion.builders import photo_bytes

TITLE = "牛山街道：师带徒跑出技能人才成长加速度"


def test_a_case_goes_from_the_township_to_the_library_and_the_collection(
    browser, page, live_server, users, plan_year, tmp_path
):
    server = live_server.url
    pilot = make_pilot(plan_year, tier="township", county="320722", township="320722001")

    # The township official writes the case with a photo and submits it.
    sign_in(page, live_server, "township")
    page.goto(f"{server}/promotion/cases/new/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_plan_year", str(plan_year.year))
    page.select_option("#id_pilots", str(pilot.pk))
    page.check("input[name=dimensions][value=empowerment]")
    page.fill("#id_summary", "推行导师带徒制度，一年新增高级工三十余名。")
    page.fill("#id_text", "企业从一线选拔导师。\n\n师徒签订带徒协议。")
    page.set_input_files(
        "#id_photos",
        files=[{"name": "师带徒.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}],
    )
    page.click("#save-case")
    page.wait_for_selector("#case-title")
    assert page.inner_text("#case-status") == "草稿"
    assert page.locator("#case-photos img").count() == 1
    page.click("#move-submit")
    page.wait_for_selector(".message.success")
    assert page.inner_text("#case-status") == "已报送"
    case = Case.objects.get(title=TITLE)
    assert page.locator("#edit-case").count() == 0  # no longer theirs to change

    # City staff select and publish it.
    city = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = city.new_page()
    sign_in(staff, live_server, "city")
    staff.goto(f"{server}{case.get_absolute_url()}")
    staff.click("#move-select")
    staff.wait_for_selector("#move-publish")
    assert staff.inner_text("#case-status") == "已遴选"
    staff.click("#move-publish")
    staff.wait_for_selector(".message.success")
    assert staff.inner_text("#case-status") == "已发布"

    # It is in the library, with its photo's thumbnail.
    staff.goto(f"{server}/promotion/library/")
    library = staff.inner_text("#case-library")
    assert TITLE in library and pilot.enterprise.name in library
    assert staff.locator("#case-library img").count() == 1

    # City staff record a media report about it.
    staff.goto(f"{server}/promotion/reports/new/?case={case.pk}")
    staff.fill("#id_title", "技能人才跑出加速度")
    staff.fill("#id_outlet", "连云港日报")
    staff.select_option("#id_outlet_kind", "mainstream")
    staff.select_option("#id_level", "city")
    staff.select_option("#id_form", "feature")
    staff.fill("#id_published_on", datetime.date(plan_year.year, 3, 5).isoformat())
    staff.fill("#id_link", "https://www.lyg.gov.cn/news/1.html")
    staff.click("#save-report")
    staff.wait_for_selector("#report-title")
    assert TITLE in staff.inner_text("#report-cases")
    assert MediaReport.objects.get().cases.get() == case

    # ... and download the year's collection, which holds the case.
    staff.goto(f"{server}/promotion/library/")
    with staff.expect_download() as download:
        staff.click("#download-collection")
    path = tmp_path / "collection.docx"
    download.value.save_as(path)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert f"1. {TITLE}" in headings
    city.close()
