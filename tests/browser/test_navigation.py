"""Each user's own unit first, the header search on a phone, and nothing wider than a phone."""

import pytest

from clusters.models import GuidanceStation
from tests.browser.conftest import sign_in
from tests.builders import make_enterprise, make_pilot, make_zone

PHONE = {"width": 390, "height": 844}

# Elements whose text a phone must show whole: clipped means the box hides part of its text.
CLIPPED_LABELS = """() => {
  const selector = [
    ".topbar a", ".topbar button", ".topbar .who", ".button", "button", "label", "th", ".badge",
    ".bar-label",
  ].join(", ");
  return [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => {
      const style = getComputedStyle(el);
      const clips = style.overflow !== "visible" || style.textOverflow === "ellipsis";
      return clips && el.scrollWidth > el.clientWidth + 1;
    })
    .map((el) => el.textContent.trim());
}"""


@pytest.fixture
def phone(browser):
    def make(language: str):
        context = browser.new_context(
            locale="zh-CN" if language == "zh" else "en-US", viewport=PHONE, is_mobile=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(context)
        return page

    pages = []
    yield make
    for context in pages:
        context.close()


def test_a_county_official_starts_on_the_county_and_reaches_the_city_in_one_click(
    page, live_server, users, plan_year
):
    sign_in(page, live_server, "county")
    assert page.url == f"{live_server.url}/regions/320722/"
    assert page.locator("h1").inner_text().startswith("东海县")
    page.click("#nav-city-overview")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("连云港市")
    page.click("a.brand")
    page.wait_for_url(f"{live_server.url}/regions/320722/")


def test_on_a_phone_the_search_box_is_in_the_menu(phone, live_server, users, plan_year):
    make_pilot(plan_year, tier="township", name="牛山搜索测试有限公司", township="320722001")
    make_enterprise(name="石榴搜索测试有限公司", township="320722002")
    page = phone("zh")
    sign_in(page, live_server, "township")
    assert not page.locator("#header-search").is_visible()
    page.click("label.nav-toggle-label")
    page.fill("#header-search", "搜索测试")
    page.press("#header-search", "Enter")
    page.wait_for_url("**/pilots/search/?q=*")
    results = page.inner_text("#search-results")
    assert "牛山搜索测试有限公司" in results and "乡镇级" in results
    assert "石榴搜索测试有限公司" not in results  # another township of the county


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_page_is_wider_than_a_phone_and_no_label_is_cut_off(
    phone, live_server, users, plan_year, language
):
    zone = make_zone("320722", name="东海手机测试开发区")
    GuidanceStation.objects.create(name="东海手机测试开发区产改指导站", park=zone)
    pilot = make_pilot(plan_year, tier="county", park=zone, township="320722001")
    page = phone(language)
    sign_in(page, live_server, "city")
    paths = [
        "/",
        "/regions/320722/",
        "/regions/320722001/",
        "/pilots/",
        "/pilots/enterprises/",
        pilot.get_absolute_url(),
        pilot.enterprise.get_absolute_url(),
        "/pilots/imports/",
        "/pilots/imports/upload/",
        "/pilots/search/?q=测试",
        zone.get_absolute_url(),
        "/clusters/parks/",
        "/clusters/stations/",
        "/clusters/",
        "/regions/999999/",  # the 404 page
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        page.click("label.nav-toggle-label")  # the menu open: its links must fit too
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert page.evaluate(CLIPPED_LABELS) == [], path
