"""A county official of 东海县 adds a member to 东海水晶产业集群: the pilot counts change."""

import os

import pytest

from clusters.models import Cluster
from tests.builders import PASSWORD, make_pilot, make_user

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server_url(settings, transactional_db):
    """A live server started after the settings below: middleware reads them when it loads
    (pytest-django's session-wide live_server may have loaded them earlier)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread

    # Plain http and no collected static files.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


@pytest.fixture
def cluster_page(server_url):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Browser tests need Chromium at /usr/bin/chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def test_county_official_adds_a_member_and_sees_the_pilot_counts_change(
    cluster_page, server_url, reference, plan_year
):
    page = cluster_page
    make_user("donghai", role="county", region="320722")
    cluster = Cluster.objects.get(name="东海水晶产业集群")
    already = make_pilot(plan_year, tier="county")
    cluster.members.add(already.enterprise)
    newcomer = make_pilot(plan_year, tier="county", status="confirmed")

    page.goto(f"{server_url}/accounts/login/")
    page.fill("#id_username", "donghai")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server_url}/")

    page.goto(f"{server_url}/clusters/")
    page.click("text=东海水晶产业集群")
    assert page.inner_text("#fig-members") == "1"
    assert page.inner_text("#fig-county") == "1"

    page.click("#add-members")
    page.fill("textarea[name=codes]", f"{newcomer.enterprise.credit_code}\n91320722ABCDEFGH12")
    page.click("#preview-codes")
    # The preview names the malformed code and adds nothing yet.
    assert "91320722ABCDEFGH12" in page.inner_text("#preview-problems")
    assert newcomer.enterprise.name in page.inner_text("#preview-add")
    assert cluster.members.count() == 1

    page.click("#confirm-add")
    page.wait_for_url(f"{server_url}{cluster.get_absolute_url()}")
    assert page.inner_text("#fig-members") == "2"
    assert page.inner_text("#fig-county") == "2"
    assert newcomer.enterprise.name in page.inner_text("#member-table")
    assert cluster.memberships.get(enterprise=newcomer.enterprise).added_by.username == "donghai"


def test_tick_all_then_remove_asks_before_removing(cluster_page, server_url, reference, plan_year):
    page = cluster_page
    make_user("donghai", role="county", region="320722")
    cluster = Cluster.objects.get(name="东海水晶产业集群")
    cluster.members.add(*(make_pilot(plan_year).enterprise for _ in range(3)))

    page.goto(f"{server_url}/accounts/login/")
    page.fill("#id_username", "donghai")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server_url}/")
    page.goto(f"{server_url}{cluster.get_absolute_url()}")

    page.check("#member-table thead input[type=checkbox]")
    assert page.locator('#member-table tbody input[name="enterprises"]:checked').count() == 3
    page.click("#remove-form button[type=submit]")
    assert page.locator("#remove-list li").count() == 3
    assert cluster.members.count() == 3  # not before the confirmation

    page.click("#confirm-remove")
    page.wait_for_url(f"{server_url}{cluster.get_absolute_url()}")
    assert page.inner_text("#fig-members") == "0"
    assert cluster.members.count() == 0
