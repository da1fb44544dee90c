"""A county official of 东海县 adds a member to 东海水晶产业集群: the pilot counts change."""

from clusters.models import Cluster
from tests.browser.conftest import sign_in
from tests.builders import make_pilot, make_user


def test_county_official_adds_a_member_and_sees_the_pilot_counts_change(
    page, live_server, reference, plan_year
):
    server_url = live_server.url
    make_user("donghai", role="county", region="320722")
    cluster = Cluster.objects.get(name="东海水晶产业集群")
    already = make_pilot(plan_year, tier="county")
    cluster.members.add(already.enterprise)
    newcomer = make_pilot(plan_year, tier="county", status="confirmed")

    sign_in(page, live_server, "donghai")

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


def test_tick_all_then_remove_asks_before_removing(page, live_server, reference, plan_year):
    server_url = live_server.url
    make_user("donghai", role="county", region="320722")
    cluster = Cluster.objects.get(name="东海水晶产业集群")
    cluster.members.add(*(make_pilot(plan_year).enterprise for _ in range(3)))

    sign_in(page, live_server, "donghai")
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
