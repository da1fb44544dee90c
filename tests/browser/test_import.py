"""A county official imports a list in a real browser and sees the county's figures change."""

import io
import os

import pytest
from django.conf import settings
from openpyxl import load_workbook

from pilots.models import Enterprise
from tests.builders import PASSWORD, next_credit_code
from tests.pilots.import_files import use_test_settings

# Playwright's sync API runs an event loop in this thread; the ORM calls here are safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server's security middleware reads the settings once, when the server starts.
pytestmark = pytest.mark.skipif(
    settings.SECURE_SSL_REDIRECT,
    reason="The live server speaks HTTP: run with SECURE_SSL_REDIRECT=False (tests/settings.py).",
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium_page(settings, tmp_path):
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("Browser tests need /usr/bin/chromium.")
    from playwright.sync_api import sync_playwright

    use_test_settings(settings, tmp_path / "media")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def county_figure(page, base: str) -> str:
    page.goto(f"{base}/")
    return page.locator("#county-table tr", has_text="东海县").locator("td.num").first.inner_text()


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
    chromium_page, live_server, users, plan_year, tmp_path
):
    page, base = chromium_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")
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
