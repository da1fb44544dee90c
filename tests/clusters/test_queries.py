"""Every list and detail page runs a fixed number of queries, however much data there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import GuidanceStation
from pilots.models import PilotPlan
from tests.builders import make_enterprise, make_pilot, make_zone
from tests.clusters.conftest import login


def grow(n, *, cluster, station, plan_year):
    """n more members (pilots at every tier, some with plans), parks and stations."""
    tiers = ["city", "county", "township"]
    statuses = ["confirmed", "proposed", "demonstration", "withdrawn"]
    for i in range(n):
        pilot = make_pilot(plan_year, tier=tiers[i % 3], status=statuses[i % 4], park=station.park)
        cluster.members.add(pilot.enterprise, make_enterprise(is_leading=i % 2 == 0))
        station.pilots.add(pilot)
        if i % 2:
            PilotPlan.objects.create(pilot=pilot, goals=f"目标{i}")
        park = make_zone("320722")
        GuidanceStation.objects.create(name=f"指导站{park.pk}", park=park)
        make_pilot(plan_year, park=park)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "page",
    [
        "cluster_list",
        "cluster_detail",
        "cluster_member_export",
        "station_list",
        "station_detail",
        "station_pilot_export",
        "park_list",
    ],
)
@pytest.mark.parametrize("role", ["county", "city"])
def test_page_query_count_does_not_grow_with_data(
    client, users, crystal, donghai_station, plan_year, page, role
):
    args = {
        "cluster_detail": [crystal.pk],
        "cluster_member_export": [crystal.pk],
        "station_detail": [donghai_station.pk],
        "station_pilot_export": [donghai_station.pk],
    }.get(page, [])
    url = reverse(f"clusters:{page}", args=args)
    login(client, users[role])

    grow(3, cluster=crystal, station=donghai_station, plan_year=plan_year)
    small = count_queries(client, url)
    grow(30, cluster=crystal, station=donghai_station, plan_year=plan_year)
    large = count_queries(client, url)

    assert small == large, f"{page}: {small} queries with little data, {large} with 10x"


def test_member_add_search_query_count_is_fixed(client, users, crystal, plan_year):
    login(client, users["county"])
    url = reverse("clusters:cluster_member_add", args=[crystal.pk]) + "?q=测试"
    for _ in range(3):
        make_enterprise()
    small = count_queries(client, url)
    for _ in range(27):
        make_enterprise()
    assert count_queries(client, url) == small
