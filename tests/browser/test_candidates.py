"""The candidates of a gap in a real browser: a county official closes in on the development-zone
rule by proposing a candidate, and sees the pipeline grow."""

from pilots.models import Pilot
from tests.browser.conftest import sign_in
from tests.builders import make_enterprise, make_pilot, make_zone

DONGHAI = "320722"


def test_a_county_official_proposes_a_candidate_and_sees_the_pipeline_grow(
    page, live_server, users, plan_year
):
    zone = make_zone(DONGHAI, name="东海省级开发区")
    make_pilot(plan_year, tier="county", park=zone)  # 1 of 8 in development zones
    make_enterprise(name="东海新材料有限公司", park=zone, employee_count=20)
    make_enterprise(name="东海龙头有限公司", park=zone, core_industry="", is_leading=True)
    make_enterprise(name="园区外企业", core_industry="")  # no candidate of the zone rule

    sign_in(page, live_server, "county")  # lands on 东海县's page
    line = page.locator("#gap-candidates-county_dev_zone")
    assert "还差 7 家，候选 2 家" in line.inner_text()
    assert "需要先登记企业" in line.inner_text()  # fewer candidates than the gap: in red
    assert "拟推荐 1 家" not in page.locator("#kpi-devzone").inner_text()

    line.get_by_role("link").click()
    page.wait_for_url("**/pilots/candidates/320722/county_dev_zone/?year=2026")
    rows = page.locator("#candidate-table tbody tr")
    assert rows.count() == 2
    assert "东海新材料有限公司" in rows.nth(0).inner_text()  # core industry first
    assert "核心产业：新材料" in rows.nth(0).inner_text()

    rows.nth(0).get_by_role("button").click()
    page.wait_for_url("**/pilots/candidates/320722/county_dev_zone/?year=2026")
    message = page.locator(".messages").inner_text()
    assert "已将东海新材料有限公司推荐为 2026 年度县级试点" in message
    assert page.locator("#pipeline-count").inner_text() == "拟推荐 1 家"
    assert page.locator("#candidate-table tbody tr").count() == 1

    page.get_by_role("link", name="东海县").first.click()
    assert "拟推荐 1 家" in page.locator("#kpi-devzone").inner_text()
    assert "候选 1 家" in page.locator("#gap-candidates-county_dev_zone").inner_text()
    pilot = Pilot.objects.get(enterprise__name="东海新材料有限公司")
    assert (pilot.tier, pilot.status) == ("county", "proposed")
