"""A county official imports a list in a real browser and sees the county's figures change."""

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from pilots.models import Enterprise
from tests.browser.conftest import sign_in
from tests.builders import next_credit_code
from tests.pilots.import_files import use_test_settings

# The live server's security middleware reads the settings once, when the server starts:
# tests/settings.py (issue 4) makes the test server speak plain HTTP.
pytestmark = pytest.mark.skipif(
    settings.SECURE_SSL_REDIRECT,
    reason="The live server speaks HTTP: run with SECURE_SSL_REDIRECT=False (tests/settings.py).",
)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    use_test_settings(settings, tmp_path / "media")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


def county_figure(page, base: str) -> str:
    page.goto(f"{base}/")
    return page.locator("#county-table tr", has_text="东海县").locator("td.col-county").inner_text()


def fill_template(path, tmp_path) -> str:
    """The downloaded template with a title row, three good rows and two bad ones."""
    with open(path, "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    headers = [cell.value.rstrip("*") for cell in sheet[1]]
    sheet.delete_rows(2)  # the example row
    sheet.insert_rows(1)
    sheet["A1"] = "东海县2026年产改试点企业推荐名单"
    rows = [
        {"企业名称": f"浏览器测试企业{n}有限公司", "统一社会信用代码": next_credit_code()}
        for n in range(3)
    ]
    rows.append({"企业名称": "代码错误企业", "统一社会信用代码": "91320722XXXX"})
    rows.append(
        {
            "企业名称": "乡镇错误企业",
            "统一社会信用代码": next_credit_code(),
            "乡镇（街道）": "火星镇",
        }
    )
    for number, values in enumerate(rows, start=3):
        values = {
            "县区": "东海县",
            "乡镇（街道）": "牛山街道",
            "所属行业": "新材料",
            "企业性质": "民营",
            "职工人数": 180,
            "试点层级": "县级",
            "试点状态": "已确定",
            **values,
        }
        for column, header in enumerate(headers, start=1):
            if header in values:
                sheet.cell(row=number, column=column, value=values[header])
    target = tmp_path / "东海县名单.xlsx"
    workbook.save(target)
    return str(target)


def test_a_county_official_imports_a_list_and_the_county_figures_change(
    page, live_server, users, plan_year, tmp_path
):
    base = live_server.url
    sign_in(page, live_server, "county")
    before = county_figure(page, base)
    assert before.startswith("0")

    page.goto(f"{base}/pilots/imports/")
    with page.expect_download() as download:
        page.click("a[href$='/imports/template/']")
    workbook = fill_template(download.value.path(), tmp_path)

    page.goto(f"{base}/pilots/imports/upload/")
    page.set_input_files("input[type=file]", workbook)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert "6" in errors.nth(0).inner_text()  # Excel row 6: title, header, three good rows
    assert "火星镇" in errors.nth(1).inner_text()
    assert page.inner_text("#count-created") == "3"
    assert not Enterprise.objects.exists()  # nothing written before confirming

    page.click("#confirm-import")
    page.wait_for_selector("#undo-import")
    assert Enterprise.objects.count() == 3
    after = county_figure(page, base)
    assert after.startswith("3"), after
