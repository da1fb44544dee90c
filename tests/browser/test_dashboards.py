"""The dashboards in a real browser: from the city overview down to a county's townships."""

import re

import pytest

from reform.models import QuotaRule
from tests.browser.conftest import sign_in
from tests.builders import make_pilot

DONGHAI = "320722"


def test_a_leader_follows_a_county_link_and_sees_its_townships(page, live_server, users, plan_year):
    for _ in range(3):
        make_pilot(plan_year, tier="township", township="320722001")
    make_pilot(plan_year, tier="county")

    sign_in(page, live_server, "leader")
    assert page.locator("#county-table tbody tr").count() == 7
    page.locator("#county-table").get_by_role("link", name="东海县").click()
    page.wait_for_url(f"{live_server.url}/regions/{DONGHAI}/?year=2026")

    assert page.locator("h1").inner_text().startswith("东海县")
    townships = page.locator("#township-table tbody tr")
    assert townships.count() == 21  # every township and street of 东海县, exempt ones included
    niushan = page.locator("#township-table tbody tr", has_text="牛山街道")
    assert "3" in niushan.locator("td").nth(1).inner_text()
    assert page.locator(".breadcrumbs").get_by_role("link", name="连云港市").is_visible()


def test_the_year_selector_switches_the_plan_year(page, live_server, users, plan_year):
    from reform.services import plan_year_create

    plan_year_create(year=2025)
    make_pilot(plan_year, tier="city")
    sign_in(page, live_server, "city")
    assert page.locator("#kpi-city .count").inner_text() == "1"
    page.select_option("#year-select", "2025")
    page.wait_for_url(f"{live_server.url}/?year=2025")
    assert page.locator("#kpi-city .count").inner_text() == "0"
    assert QuotaRule.objects.filter(plan_year__year=2025).count() == 4


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_phone_shows_each_countys_name_status_and_gap_without_scrolling_sideways(
    browser, live_server, users, plan_year, language
):
    """390 px wide: the county table's first three columns lie inside the screen (the other
    figures may scroll inside the table); the page itself does not scroll sideways."""
    make_pilot(plan_year, tier="county", county="320703", township=None)
    context = browser.new_context(
        locale=language,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, "leader")
        rows = page.locator("#county-table tbody tr")
        assert rows.count() == 7
        for index in range(rows.count()):
            row = rows.nth(index)
            for column in ("td:first-child", "td.col-status", "td.col-gap"):
                box = row.locator(column).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (
                    language,
                    index,
                    column,
                    box,
                )
        gap = rows.first.locator("td.col-gap").inner_text()
        assert re.search(r"\d", gap)  # a county far behind shows what it lacks
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
