"""A park's page, and park names linked to it outside the dashboards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import GuidanceStation
from reform.models import Park
from reform.services import plan_year_create
from tests.builders import make_enterprise, make_pilot, make_zone, region
from tests.clusters.conftest import login

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {row.record.name for row in response.context["table"].page.object_list}


@pytest.fixture
def park(users, plan_year):
    """A provincial development zone of 东海县 with pilots of every status, in two townships."""
    zone = make_zone("320722", name="东海测试开发区", level="provincial")
    niushan, shiliu = "320722001", "320722002"
    make_pilot(plan_year, tier="county", status="confirmed", park=zone, township=niushan, name="甲")
    make_pilot(
        plan_year, tier="county", status="demonstration", park=zone, township=shiliu, name="乙"
    )
    make_pilot(
        plan_year, tier="township", status="confirmed", park=zone, township=niushan, name="丙"
    )
    make_pilot(plan_year, tier="county", status="proposed", park=zone, township=shiliu, name="丁")
    make_pilot(plan_year, tier="county", status="withdrawn", park=zone, township=niushan, name="戊")
    make_enterprise(park=zone, township=niushan, name="己")  # not a pilot
    # Last year's pilot is not this year's.
    make_pilot(plan_year_create(year=2025), tier="county", park=zone, township=niushan, name="庚")
    return zone


def test_the_park_page_says_what_the_park_is_and_what_is_in_it(client, users, park):
    GuidanceStation.objects.create(name="东海测试开发区产改指导站", park=park)
    response = login(client, users["city"]).get(park.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "开发区" in text and "省级" in text
    assert f'<a href="{region("320722").get_absolute_url()}?year=2026">东海县</a>' in text
    assert "计入" in text and "不计入" not in text  # a provincial development zone counts
    station = GuidanceStation.objects.get()
    assert f'<a href="{station.get_absolute_url()}?year=2026">{station.name}</a>' in text
    figures = response.context["figures"]
    # counted: 甲 (county, confirmed), 乙 (county, demonstration), 丙 (township, confirmed)
    assert figures == {
        "enterprises": 7,
        "counted": 3,
        "county_tier": 2,
        "proposed": 1,
        "withdrawn": 1,
    }
    assert names(response) == {"甲", "乙", "丙", "丁", "戊", "己", "庚"}
    # Pilots first, by tier (county, then township), then the enterprises without one.
    tiers = [row.record.pilot_tier for row in response.context["table"].page.object_list]
    assert tiers == ["county"] * 4 + ["township"] + [""] * 2


def test_a_township_official_sees_the_parks_enterprises_of_their_township(client, users, park):
    response = login(client, users["township"]).get(park.get_absolute_url())
    assert names(response) == {"甲", "丙", "戊", "己", "庚"}
    assert response.context["figures"] == {
        "enterprises": 5,
        "counted": 2,
        "county_tier": 1,
        "proposed": 0,
        "withdrawn": 1,
    }
    assert "仅显示牛山街道的企业。" in response.text


def test_an_enterprise_of_another_county_is_not_counted_in_the_park(client, users, plan_year, park):
    # Data someone broke by hand: the park lies in 东海县, the enterprise in 灌南县.
    make_pilot(plan_year, county="320724", township=None, park=park, name="外县企业")
    response = login(client, users["city"]).get(park.get_absolute_url())
    assert "外县企业" not in names(response)
    assert response.context["figures"]["counted"] == 3


def test_a_park_that_does_not_count_says_so_and_offers_to_found_a_station(client, users, plan_year):
    park = Park.objects.create(
        name="东海测试工业园", county=region("320722"), kind="industrial_park", level="municipal"
    )
    county = login(client, users["county"]).get(park.get_absolute_url())
    assert "不计入" in county.text
    assert f'href="{reverse("clusters:station_create")}?park={park.pk}"' in county.text
    assert "本园区暂无您管辖范围内的企业。" in county.text  # the empty table says so
    township = login(client, users["township"]).get(park.get_absolute_url())
    assert f"?park={park.pk}" not in township.text


def test_pilot_tiers_link_the_pilot(client, users, park):
    pilot = park.enterprises.get(name="甲").pilots.get(plan_year__year=2026)
    response = login(client, users["county"]).get(park.get_absolute_url())
    assert f'<a href="{pilot.get_absolute_url()}">县级</a>' in response.text


def test_park_names_link_to_the_park_page_outside_the_dashboards(client, users, park):
    station = GuidanceStation.objects.create(name="东海测试开发区产改指导站", park=park)
    enterprise = park.enterprises.get(name="甲")
    pilot = enterprise.pilots.get(plan_year__year=2026)
    link = f'<a href="{park.get_absolute_url()}'
    client = login(client, users["county"])
    pages = [
        reverse("clusters:park_list"),
        reverse("clusters:station_list"),
        station.get_absolute_url(),
        enterprise.get_absolute_url(),
        pilot.get_absolute_url(),
        reverse("pilots:enterprise_list"),
        reverse("pilots:pilot_list"),
    ]
    for url in pages:
        assert link in client.get(url).text, url


def test_the_park_page_query_count_does_not_grow_with_the_data(client, users, plan_year):
    park = make_zone("320722", name="东海查询数开发区")
    GuidanceStation.objects.create(name="东海查询数指导站", park=park)
    client = login(client, users["township"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(park.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    statuses = ["confirmed", "proposed", "demonstration", "withdrawn"]
    for number in range(4):
        make_pilot(plan_year, status=statuses[number % 4], park=park)
    small = queries()
    for number in range(40):
        make_pilot(plan_year, status=statuses[number % 4], park=park)
        make_enterprise(park=park)
    assert queries() == small
