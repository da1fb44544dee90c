"""City staff register a city-tier pilot in the browser and see the city figure go up."""

import re

import pytest
from playwright.sync_api import expect

from pilots.models import Enterprise
from tests.browser.conftest import signed_in
from tests.builders import make_enterprise, make_pilot, next_credit_code

pytestmark = pytest.mark.django_db(transaction=True)


def city_count(page, live_server) -> int:
    page.goto(f"{live_server.url}/")
    return int(page.inner_text("#kpi-city .count").strip())


def test_city_staff_register_a_city_tier_pilot_and_the_city_figure_goes_up(
    page, live_server, users, plan_year
):
    make_enterprise(county="320722", name="连云港恒瑞医药股份有限公司")
    signed_in(page, live_server, "city")
    before = city_count(page, live_server)

    page.goto(f"{live_server.url}/pilots/enterprises/new/")
    code = next_credit_code("320722")
    page.fill("#id_credit_code", code[:10])
    expect(page.locator('[data-live-for="credit_code"]')).to_contain_text("18")
    page.fill("#id_credit_code", code)
    expect(page.locator('[data-live-for="credit_code"]')).to_have_class(re.compile("good"))
    page.fill("#id_name", "恒瑞医药")
    expect(page.locator('[data-live-for="name"]')).to_contain_text("连云港恒瑞医药股份有限公司")

    page.select_option("#id_county", label="东海县")
    # The township choices narrow to the chosen county.
    expect(page.locator("#id_township option", has_text="牛山街道")).to_have_count(1)
    expect(page.locator("#id_township option", has_text="新浦街道")).to_have_count(0)
    page.select_option("#id_township", label="牛山街道")
    page.fill("#id_industry", "3091")  # a GB/T 4754 code; a name works too
    page.select_option("#id_ownership", "private")
    page.fill("#id_employee_count", "260")
    page.click("form.record-form button[type=submit]")

    page.wait_for_url(re.compile(r"/pilots/enterprises/\d+/pilots/new/$"))
    page.select_option("#id_tier", "city")
    page.select_option("#id_status", "confirmed")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    expect(page.locator("#pilot-status")).to_have_text("已确定")

    assert city_count(page, live_server) == before + 1


def test_a_county_official_cannot_reach_another_countys_pilot(page, live_server, users, plan_year):
    other = make_pilot(plan_year, tier="county", county="320724", township=None)
    signed_in(page, live_server, "county")
    response = page.goto(f"{live_server.url}/pilots/{other.pk}/")
    assert response.status == 404
    assert other.enterprise.name not in page.content()


def test_the_state_control_question_shows_for_mixed_ownership_only(page, live_server, users):
    signed_in(page, live_server, "county")
    page.goto(f"{live_server.url}/pilots/enterprises/new/")
    question = page.locator("#field-state_controls")
    expect(question).to_be_hidden()
    page.select_option("#id_ownership", "mixed")
    expect(question).to_be_visible()
    page.fill("#id_credit_code", next_credit_code("320722"))
    page.fill("#id_name", "连云港混改试验有限公司")
    page.select_option("#id_township", label="牛山街道")
    page.fill("#id_industry", "3091")  # a GB/T 4754 code; a name works too
    page.click("form.record-form button[type=submit]")
    # Not answered: the form says so and keeps the question in view.
    expect(question.locator(".errorlist")).to_contain_text("是否国有资本控股")
    page.select_option("#id_state_controls", "true")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(re.compile(r"/pilots/enterprises/\d+/pilots/new/$"))
    enterprise = Enterprise.objects.get(name="连云港混改试验有限公司")
    assert (enterprise.ownership, enterprise.state_controls) == ("mixed", True)
    page.goto(f"{live_server.url}/pilots/enterprises/{enterprise.pk}/edit/")
    page.select_option("#id_ownership", "private")
    expect(question).to_be_hidden()


def test_a_partial_industry_offers_entries_and_a_click_classes_the_enterprise(
    page, live_server, users
):
    signed_in(page, live_server, "county")
    page.goto(f"{live_server.url}/pilots/enterprises/new/")
    page.fill("#id_credit_code", next_credit_code("320722"))
    page.fill("#id_name", "连云港石墨新材有限公司")
    page.select_option("#id_township", label="牛山街道")
    page.fill("#id_industry", "石墨")
    live = page.locator('[data-live-for="industry"]')
    choice = live.locator("button.suggestion", has_text="3091 石墨及碳素制品制造")
    expect(choice).to_be_visible()
    choice.click()
    expect(page.locator("#id_industry")).to_have_value("3091 石墨及碳素制品制造")
    expect(live).to_have_class(re.compile("good"))
    page.select_option("#id_ownership", "private")
    page.fill("#id_employee_count", "80")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(re.compile(r"/pilots/enterprises/\d+/pilots/new/$"))
    saved = Enterprise.objects.get(name="连云港石墨新材有限公司")
    assert (saved.industry.code, saved.industry_text) == ("3091", "")
