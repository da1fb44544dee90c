"""A figure is the same everywhere, and links to the pilot list that shows exactly its pilots.

The data set, with the right answers:

东海县 (2026): county tier — 8 confirmed and 1 demonstration unit, 4 of the confirmed and the
demonstration unit in a provincial development zone, 1 in a municipal industrial park (not a
development zone); 2 proposed (1 in the zone); 1 withdrawn (in the zone). City tier — 2 confirmed
and 1 proposed. 牛山街道: 2 confirmed township-tier pilots and 1 proposed.
灌南县: 1 confirmed city-tier pilot; and an enterprise of 灌南县 wrongly placed in 东海县's zone
with a confirmed county-tier pilot, which no figure of 东海县 counts.
2025: a confirmed county-tier pilot of 东海县 in the zone (another year: counted nowhere here).
"""

import re

import pytest
from django.urls import reverse

from reform.models import Park, QuotaRule
from reform.services import plan_year_create
from tests.builders import make_pilot, make_zone

Rule = QuotaRule.Rule
DONGHAI, NIUSHAN, GUANNAN = "320722", "320722001", "320724"


@pytest.fixture
def world(reference, plan_year):
    zone = make_zone(DONGHAI, name="测试省级开发区")
    park = make_zone(DONGHAI, name="测试工业园", level="municipal", kind="industrial_park")
    for index in range(8):
        make_pilot(
            plan_year, tier="county", park=zone if index < 4 else park if index < 5 else None
        )
    make_pilot(plan_year, tier="county", status="demonstration", park=zone)
    make_pilot(plan_year, tier="county", status="proposed", park=zone)
    make_pilot(plan_year, tier="county", status="proposed")
    make_pilot(plan_year, tier="county", status="withdrawn", park=zone)
    for _ in range(2):
        make_pilot(plan_year, tier="city")
    make_pilot(plan_year, tier="city", status="proposed")
    for _ in range(2):
        make_pilot(plan_year, tier="township", township=NIUSHAN)
    make_pilot(plan_year, tier="township", township=NIUSHAN, status="proposed")
    make_pilot(plan_year, tier="city", county=GUANNAN, township=None)
    make_pilot(plan_year, tier="county", county=GUANNAN, township=None, park=zone)
    make_pilot(plan_year_create(year=2025), tier="county", park=zone)
    return {"zone": zone, "park": park}


def listed(client, url: str) -> int:
    """The number of pilots the list shows, and the count it prints under the table."""
    response = client.get(url)
    assert response.status_code == 200
    count = response.context["table"].paginator.count
    printed = re.search(r'class="muted table-count">\D*(\d+)', response.content.decode())
    assert printed and int(printed.group(1)) == count
    return count


def figures_of(client) -> list[tuple[str, int, str]]:
    """(what, figure, link) of every linked figure of the overview, 东海县's and 牛山街道's page."""
    found = []
    overview = client.get(reverse("dashboards:home")).context
    found.append(("city rule", overview["city_row"].count, overview["city_url"]))
    found.append(("city pipeline", overview["city_row"].pipeline, overview["city_pipeline_url"]))
    donghai = next(record for record in overview["counties"] if record["code"] == DONGHAI)
    found += [
        ("overview county rule", donghai["county_count"], donghai["county_url"]),
        ("overview dev-zone rule", donghai["dev_count"], donghai["dev_url"]),
        ("overview county pipeline", donghai["pipeline"], donghai["pipeline_url"]),
    ]
    county = client.get(reverse("dashboards:region_detail", args=[DONGHAI])).context
    found += [
        (
            "county page county rule",
            county["county"]["county_count"],
            county["county"]["county_url"],
        ),
        ("county page dev-zone rule", county["county"]["dev_count"], county["county"]["dev_url"]),
    ]
    for row in county["tables"]["rules"].data:
        found.append((f"county rules table {row['label']}", row["count"], row["count_url"]))
    niushan = next(row for row in county["tables"]["townships"].data if row["code"] == NIUSHAN)
    found += [
        ("county page township rule", niushan["count"], niushan["count_url"]),
        ("county page township pipeline", niushan["pipeline"], niushan["pipeline_url"]),
    ]
    for park in county["tables"]["parks"].data:
        found += [
            (f"park {park['name']}", park["pilot_count"], park["pilot_url"]),
            (
                f"park {park['name']} county tier",
                park["county_tier_count"],
                park["county_tier_url"],
            ),
            (f"park {park['name']} proposed", park["pipeline"], park["pipeline_url"]),
        ]
    township = client.get(reverse("dashboards:region_detail", args=[NIUSHAN])).context
    found += [
        ("township page", township["row"].count, township["row_url"]),
        ("township page pipeline", township["row"].pipeline, township["row_pipeline_url"]),
    ]
    return found


def test_the_figures_are_the_hand_computed_ones_on_every_page(client, users, world):
    client.force_login(users["city"])
    figures = {what: figure for what, figure, _url in figures_of(client)}
    assert figures["city rule"] == 3 and figures["city pipeline"] == 1
    assert figures["overview county rule"] == figures["county page county rule"] == 9
    assert figures["overview dev-zone rule"] == figures["county page dev-zone rule"] == 5
    assert figures["overview county pipeline"] == 2
    assert figures["county page township rule"] == figures["township page"] == 2
    assert figures["county page township pipeline"] == figures["township page pipeline"] == 1
    # Only 东海县's enterprises count in its parks: not the 灌南县 enterprise in the zone.
    assert figures["park 测试省级开发区"] == 5
    assert figures["park 测试省级开发区 county tier"] == 5
    assert figures["park 测试省级开发区 proposed"] == 1
    assert figures["park 测试工业园"] == 1


@pytest.mark.parametrize("role", ["city", "leader", "admin"])
def test_every_linked_figure_opens_a_list_of_exactly_that_many_pilots(client, users, world, role):
    client.force_login(users[role])
    figures = figures_of(client)
    assert len(figures) >= 17  # 11 rule figures, 3 for each of the (at least two) parks
    for what, figure, url in figures:
        assert url, f"{what}: no link for {role}"
        assert listed(client, url) == figure, f"{what}: {url}"


def test_a_figure_outside_the_users_scope_is_not_linked(client, users, world):
    client.force_login(users["township"])  # 牛山街道
    overview = client.get(reverse("dashboards:home")).context
    assert overview["city_url"] == ""
    assert all(not record["county_url"] for record in overview["counties"])
    county = client.get(reverse("dashboards:region_detail", args=[DONGHAI])).context
    assert county["county"]["county_url"] == county["county"]["dev_url"] == ""
    townships = {row["code"]: row for row in county["tables"]["townships"].data}
    assert townships[NIUSHAN]["count_url"]  # its own township: linked
    assert not townships["320722002"]["count_url"]
    assert all(not park["pilot_url"] for park in county["tables"]["parks"].data)
    # And the links it has show the same number to this user.
    assert listed(client, townships[NIUSHAN]["count_url"]) == 2

    client.force_login(users["county"])  # 东海县
    overview = client.get(reverse("dashboards:home")).context
    linked = [record["code"] for record in overview["counties"] if record["county_url"]]
    assert linked == [DONGHAI]
    donghai = next(record for record in overview["counties"] if record["code"] == DONGHAI)
    assert listed(client, donghai["county_url"]) == 9
    assert listed(client, donghai["dev_url"]) == 5


def test_a_link_pointing_outside_the_scope_shows_nothing(client, users, world):
    client.force_login(users["city"])
    overview = client.get(reverse("dashboards:home")).context
    guannan = next(record for record in overview["counties"] if record["code"] == GUANNAN)
    url = guannan["county_url"]
    assert listed(client, url) == 1  # the wrongly placed enterprise's pilot
    city_url = overview["city_url"]

    client.force_login(users["county"])  # 东海县 follows 灌南县's link, and the city rule's
    assert listed(client, url) == 0
    assert listed(client, city_url) == 0
    export = client.get(reverse("pilots:pilot_export", args=["csv"]) + url[url.index("?") :])
    assert b"".join(export).decode("utf-8-sig").count("\n") == 1  # the header only


# The county page ----------------------------------------------------------------------------------


def test_the_county_page_lists_its_county_and_city_tier_pilots(client, users, world):
    client.force_login(users["other_county"])  # 灌南县: every name as plain text
    response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]))
    rows = list(response.context["tables"]["pilots"].data)
    tiers = sorted(row["tier"] for row in rows)
    assert tiers.count("县级") == 12 and tiers.count("市级") == 3  # this year's, every status
    assert not any(row["url"] for row in rows)
    counts = [row["counts"] for row in rows]
    assert counts.count("县级·开发区") == 5
    assert counts.count("县级") == 4
    assert counts.count("市级") == 2
    html = response.content.decode()
    table = html.split('id="table-pilots"')[1].split("</section>")[0]
    assert "/pilots/" not in table and "13800000000" not in table

    client.force_login(users["county"])  # 东海县: every name links to the pilot's page
    rows = response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]))
    rows = list(response.context["tables"]["pilots"].data)
    assert all(re.fullmatch(r"/pilots/\d+/", row["url"]) for row in rows)
    assert rows[0]["url"] in response.content.decode()


def test_a_township_official_opens_only_the_pilots_of_their_township(client, users, world):
    client.force_login(users["township"])
    response = client.get(reverse("dashboards:region_detail", args=[NIUSHAN]))
    rows = list(response.context["tables"]["pilots"].data)
    # Every pilot of enterprises in 牛山街道 (the builder puts them there by default).
    assert rows and all(row["url"] for row in rows)
    response = client.get(reverse("dashboards:region_detail", args=["320722002"]))
    assert not any(row["url"] for row in response.context["tables"]["pilots"].data)


def test_the_park_names_link_to_the_parks(client, users, world):
    client.force_login(users["leader"])
    response = client.get(reverse("dashboards:region_detail", args=[DONGHAI]))
    parks = {row["name"]: row for row in response.context["tables"]["parks"].data}
    url = parks["测试省级开发区"]["url"]
    assert url in (f"/clusters/parks/{world['zone'].pk}/", reverse("clusters:park_list"))
    assert client.get(url).status_code == 200
    assert f'href="{url}">测试省级开发区</a>' in response.content.decode()


def test_an_empty_table_says_what_is_missing(client, users, world):
    client.force_login(users["leader"])
    html = client.get(reverse("dashboards:region_detail", args=["320723"])).content.decode()
    pilots = html.split('id="table-pilots"')[1].split("</section>")[0]
    assert "本年度暂无县级或市级试点企业" in pilots
    Park.objects.filter(county__code="320723").delete()
    html = client.get(reverse("dashboards:region_detail", args=["320723"])).content.decode()
    assert "暂无园区" in html.split('id="table-parks"')[1].split("</section>")[0]
    html = client.get(reverse("dashboards:region_detail", args=["320722101"])).content.decode()
    assert "本年度暂无试点企业" in html.split('id="table-pilots"')[1].split("</section>")[0]


# The legend and the overall status ----------------------------------------------------------------


def test_the_legend_says_how_a_status_is_read_with_this_years_numbers(client, users, world):
    client.force_login(users["leader"])
    html = client.get(reverse("dashboards:home")).content.decode()
    legend = html.split('class="status-legend"')[1].split("</div>")[0]
    for target, margin in [(30, 6), (15, 3), (8, 2), (3, 1)]:
        assert f"指标 {target} 时差 {margin} 家以内" in legend
    assert "五分之一" in legend and "向上取整" in legend
    assert "最差" in legend  # a county's overall status


def test_the_overall_status_shows_on_the_chart_and_the_county_page(client, users, world):
    client.force_login(users["leader"])
    html = client.get(reverse("dashboards:home")).content.decode()
    chart = html.split('id="county-chart"')[1].split("</section>")[0]
    # 东海县: county rule 9 / 15 far; its dot shows the overall status, far.
    assert re.search(r'<span class="dot status-far" title="差距较大"></span>东海县', chart)
    html = client.get(reverse("dashboards:region_detail", args=[DONGHAI])).content.decode()
    overall = html.split('id="overall-status"')[1].split("</p>")[0]
    assert 'class="badge status-far"' in overall
