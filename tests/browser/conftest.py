"""Browser tests: Playwright driving Debian's chromium against the live test server.

Where no Chromium is installed they are skipped with a message; REQUIRE_BROWSER=1 (set by
.ci/run) turns that skip into a failure.
"""

import os
import shutil

import pytest

from tests.builders import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls of the tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOW_TO_ENABLE = (
    "Browser tests need Chromium: install the system package (apt-get install chromium) "
    "or set CHROMIUM to its path."
)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(HOW_TO_ENABLE + " (REQUIRE_BROWSER=1 is set)")
        pytest.skip(HOW_TO_ENABLE)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            raise
        pytest.skip("Browser tests need the playwright package (pip install playwright).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real sign-in page; the page ends on the user's landing page (their
    own county or township, or the city overview)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def signed_in(page, live_server, username: str, password: str = PASSWORD):
    """sign_in, returning the page on the landing page (for chaining)."""
    sign_in(page, live_server, username, password)
    return page
