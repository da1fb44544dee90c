from tests.browser.conftest import sign_in
from tests.builders import make_pilot


def test_a_leader_signs_in_and_sees_the_city_figures(page, live_server, users, plan_year):
    for _ in range(3):
        make_pilot(plan_year, tier="city", status="confirmed")
    make_pilot(plan_year, tier="city", status="proposed")

    sign_in(page, live_server, "leader")

    assert page.locator("#kpi-city .count").inner_text() == "3"
    assert "/ 30" in page.locator("#kpi-city .figure").inner_text()
    assert "还差 27 家" in page.locator("#kpi-city").inner_text()
    assert page.locator("#county-table tbody tr").count() == 7


def test_a_wrong_password_keeps_the_visitor_on_the_sign_in_page(page, live_server, users):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit].primary")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator(".form-errors").is_visible()


def test_the_overview_loads_nothing_that_fails_or_lies_outside_the_site(
    page, live_server, users, plan_year
):
    """Every request of the overview (styles, scripts, the icon …) answers from the site itself,
    none with an error: an intranet has no internet, and a 404 in the log is noise."""
    requests, failures = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda r: failures.append(r.url) if r.status >= 400 else None)
    sign_in(page, live_server, "leader")
    page.wait_for_load_state("networkidle")
    assert requests and all(url.startswith(live_server.url) for url in requests), requests
    assert not failures
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
