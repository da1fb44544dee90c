from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusters.models import ClusterMembership, GuidanceStation
from pilots.models import PilotPlan
from tests.builders import make_enterprise, make_pilot
from tests.clusters.conftest import login


def cluster_url(cluster, name="cluster_detail"):
    return reverse(f"clusters:{name}", args=[cluster.pk])


# Scopes -----------------------------------------------------------------------------------


def test_county_official_lists_only_their_countys_clusters(client, users, crystal, plan_year):
    response = login(client, users["county"]).get(reverse("clusters:cluster_list"))
    names = [row.record.name for row in response.context["table"].rows]
    assert names == ["东海水晶产业集群"]


def test_leader_lists_every_cluster(client, users, crystal, plan_year):
    response = login(client, users["leader"]).get(reverse("clusters:cluster_list"))
    assert len(response.context["table"].rows) == 3


def test_another_countys_cluster_is_not_found(client, users, mushrooms, plan_year):
    response = login(client, users["county"]).get(cluster_url(mushrooms))
    assert response.status_code == 404


def test_township_official_reads_their_countys_cluster_but_cannot_change_it(
    client, users, crystal, plan_year
):
    login(client, users["township"])
    page = client.get(cluster_url(crystal))
    assert page.status_code == 200
    assert not page.context["can_edit"]
    assert b"add-members" not in page.content
    response = client.post(
        cluster_url(crystal, "cluster_member_add"),
        {"codes": make_enterprise().credit_code, "step": "confirm"},
    )
    assert response.status_code == 403
    assert not ClusterMembership.objects.exists()


def test_leader_cannot_add_members(client, users, crystal, plan_year):
    enterprise = make_enterprise()
    response = login(client, users["leader"]).post(
        cluster_url(crystal, "cluster_member_add"),
        {"codes": enterprise.credit_code, "step": "confirm"},
    )
    assert response.status_code == 403
    assert not ClusterMembership.objects.exists()


# The cluster page --------------------------------------------------------------------------


def test_cluster_page_counts_member_pilots_per_tier(client, users, crystal, plan_year):
    city = make_pilot(plan_year, tier="city")
    county = make_pilot(plan_year, tier="county", status="proposed")
    withdrawn = make_pilot(plan_year, tier="county", status="withdrawn")
    plain = make_enterprise(is_industry_education=True)
    crystal.members.add(city.enterprise, county.enterprise, withdrawn.enterprise, plain)
    make_pilot(plan_year, tier="township")  # not a member

    response = login(client, users["county"]).get(cluster_url(crystal))

    figures = response.context["figures"]
    assert figures["member_count"] == 4
    assert (figures["city_pilots"], figures["county_pilots"], figures["township_pilots"]) == (
        1,
        1,
        0,
    )
    assert figures["counted_pilots"] == 1
    assert figures["industry_education_count"] == 1


def test_member_table_filters_by_tier_and_non_pilots(client, users, crystal, plan_year):
    pilot = make_pilot(plan_year, tier="city")
    plain = make_enterprise()
    crystal.members.add(pilot.enterprise, plain)
    login(client, users["county"])

    city = client.get(cluster_url(crystal), {"pilot_tier": "city"})
    assert [r.record.enterprise for r in city.context["table"].rows] == [pilot.enterprise]
    none = client.get(cluster_url(crystal), {"pilot_tier": "none"})
    assert [r.record.enterprise for r in none.context["table"].rows] == [plain]


def test_cluster_page_lists_stations_serving_its_members(
    client, users, crystal, donghai_station, plan_year
):
    pilot = make_pilot(plan_year)
    crystal.members.add(pilot.enterprise)
    donghai_station.pilots.add(pilot)
    response = login(client, users["county"]).get(cluster_url(crystal))
    assert response.context["stations"] == [donghai_station]


# Adding and removing members ---------------------------------------------------------------


def test_pasted_codes_are_previewed_then_added_on_confirm(client, users, crystal, plan_year):
    first, second = make_enterprise(), make_enterprise()
    codes = f"{first.credit_code}\n{second.credit_code}\n123"
    login(client, users["county"])

    preview = client.post(
        cluster_url(crystal, "cluster_member_add"), {"codes": codes, "step": "preview"}
    )
    assert preview.status_code == 200
    assert "123" in dict(preview.context["preview"].problems)
    assert not ClusterMembership.objects.exists()

    confirm = client.post(
        cluster_url(crystal, "cluster_member_add"), {"codes": codes, "step": "confirm"}
    )
    assert confirm.status_code == 302
    assert set(crystal.members.all()) == {first, second}
    assert set(ClusterMembership.objects.values_list("added_by", flat=True)) == {users["county"].pk}


def test_confirm_revalidates_and_skips_an_enterprise_moved_out_of_scope(
    client, users, crystal, plan_year
):
    enterprise = make_enterprise()
    login(client, users["county"])
    client.post(
        cluster_url(crystal, "cluster_member_add"),
        {"codes": enterprise.credit_code, "step": "preview"},
    )
    # Between preview and confirm the enterprise is moved to another county.
    enterprise.county_id = users["other_county"].region_id
    enterprise.township = None
    enterprise.save()
    client.post(
        cluster_url(crystal, "cluster_member_add"),
        {"codes": enterprise.credit_code, "step": "confirm"},
    )
    assert not ClusterMembership.objects.exists()


def test_a_tampered_selection_outside_the_county_adds_nothing(client, users, crystal, plan_year):
    inside = make_enterprise()
    outside = make_enterprise(county="320724", township=None)
    response = login(client, users["county"]).post(
        cluster_url(crystal, "cluster_member_add"),
        {"enterprises": [inside.pk, outside.pk], "step": "confirm"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "不在您的管辖范围内" in response.content.decode()
    assert not ClusterMembership.objects.exists()


def test_search_finds_enterprises_in_scope_by_name_or_code(client, users, crystal, plan_year):
    mine = make_enterprise(name="东海晶莹水晶有限公司")
    make_enterprise(name="灌南晶莹水晶有限公司", county="320724", township=None)
    login(client, users["county"])
    by_name = client.get(cluster_url(crystal, "cluster_member_add"), {"q": "晶莹"})
    assert by_name.context["results"] == [mine]
    by_code = client.get(cluster_url(crystal, "cluster_member_add"), {"q": mine.credit_code[-8:]})
    assert by_code.context["results"] == [mine]


def test_removal_asks_for_confirmation_first(client, users, crystal, plan_year):
    enterprise = make_enterprise()
    crystal.members.add(enterprise)
    login(client, users["county"])
    url = cluster_url(crystal, "cluster_member_remove")

    ask = client.post(url, {"enterprises": [enterprise.pk]})
    assert ask.status_code == 200
    assert crystal.members.count() == 1

    done = client.post(url, {"enterprises": [enterprise.pk], "step": "confirm"})
    assert done.status_code == 302
    assert crystal.members.count() == 0


# Stations ----------------------------------------------------------------------------------


def test_county_official_founds_a_station_in_their_park(client, users, donghai_zone):
    response = login(client, users["county"]).post(
        reverse("clusters:station_create"),
        {"name": "新指导站", "park": donghai_zone.pk, "contact_name": "王芳"},
    )
    station = GuidanceStation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == station.get_absolute_url()
    assert station.park == donghai_zone


def test_founding_a_station_in_another_countys_park_says_why(client, users, guannan_zone):
    response = login(client, users["county"]).post(
        reverse("clusters:station_create"), {"name": "越界指导站", "park": guannan_zone.pk}
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    assert not GuidanceStation.objects.exists()


def test_station_create_offers_only_the_users_parks(client, users, donghai_zone, guannan_zone):
    response = login(client, users["county"]).get(reverse("clusters:station_create"))
    choices = [value for value, _label in response.context["form"].fields["park"].choices]
    assert donghai_zone.pk in choices
    assert guannan_zone.pk not in choices


def test_station_page_shows_plans_and_confirmed_share(client, users, donghai_station, plan_year):
    confirmed = make_pilot(plan_year, status="confirmed")
    proposed = make_pilot(plan_year, status="proposed")
    PilotPlan.objects.create(pilot=confirmed, goals="建立职工技能等级评价体系")
    donghai_station.pilots.add(confirmed, proposed)

    response = login(client, users["township"]).get(donghai_station.get_absolute_url())

    assert response.status_code == 200
    assert response.context["figures"]["confirmed_percent"] == 50
    assert response.context["figures"]["without_plan"] == 1
    assert "建立职工技能等级评价体系" in response.content.decode()

    no_plan = client.get(donghai_station.get_absolute_url(), {"has_plan": "no"})
    assert [r.record for r in no_plan.context["table"].rows] == [proposed]


def test_station_page_shows_legacy_free_text_plan(client, users, donghai_station, plan_year):
    pilot = make_pilot(plan_year)
    pilot.own_plan = "旧的一企一策文字"
    pilot.save()
    donghai_station.pilots.add(pilot)
    response = login(client, users["county"]).get(donghai_station.get_absolute_url())
    assert "旧的一企一策文字" in response.content.decode()


def test_assigning_pilots_offers_only_the_parks_county(client, users, donghai_station, plan_year):
    inside = make_pilot(plan_year)
    outside = make_pilot(plan_year, county="320724", township=None)
    url = reverse("clusters:station_pilot_assign", args=[donghai_station.pk])
    login(client, users["city"])

    page = client.get(url)
    offered = set(page.context["form"].fields["pilots"].queryset)
    assert offered == {inside}

    refused = client.post(url, {"pilots": [inside.pk, outside.pk]})
    assert refused.status_code == 200
    assert not donghai_station.pilots.exists()

    saved = client.post(url, {"pilots": [inside.pk]})
    assert saved.status_code == 302
    assert list(donghai_station.pilots.all()) == [inside]


def test_park_list_says_which_parks_have_a_station(client, users, donghai_station, plan_year):
    from tests.builders import make_zone

    empty = make_zone("320722", name="东海无站园区")
    make_pilot(plan_year, park=empty)
    response = login(client, users["county"]).get(
        reverse("clusters:park_list"), {"has_station": "no"}
    )
    parks = {row.record: row.record for row in response.context["table"].rows}
    assert empty in parks
    assert donghai_station.park not in parks
    assert parks[empty].pilot_total == 1
    assert "Found a station" in response.content.decode() or "设立" in response.content.decode()


# Exports -----------------------------------------------------------------------------------


def _sheet_rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_member_export_has_the_pages_columns(client, users, crystal, plan_year):
    pilot = make_pilot(plan_year, tier="county", chain_position="downstream", is_leading=True)
    crystal.members.add(pilot.enterprise)
    login(client, users["county"])
    page = client.get(cluster_url(crystal))
    headers = [str(c.header) for c in page.context["table"].columns if c.name != "select"]

    rows = _sheet_rows(client.get(cluster_url(crystal, "cluster_member_export")))

    assert rows[0] == headers
    assert len(rows) == 2
    assert pilot.enterprise.name in rows[1]
    assert pilot.enterprise.credit_code in rows[1]
    assert {"下游", "县级"} <= set(rows[1])


def test_member_export_applies_the_pages_filters(client, users, crystal, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    crystal.members.add(pilot.enterprise, make_enterprise())
    rows = _sheet_rows(
        login(client, users["county"]).get(
            cluster_url(crystal, "cluster_member_export"), {"pilot_tier": "county"}
        )
    )
    assert len(rows) == 2


def test_station_pilot_export_has_the_pages_columns(client, users, donghai_station, plan_year):
    pilot = make_pilot(plan_year)
    PilotPlan.objects.create(pilot=pilot, goals="目标", measures="措施")
    donghai_station.pilots.add(pilot)
    login(client, users["leader"])
    page = client.get(donghai_station.get_absolute_url())
    headers = [str(c.header) for c in page.context["table"].columns if c.name != "edit"]
    rows = _sheet_rows(
        client.get(reverse("clusters:station_pilot_export", args=[donghai_station.pk]))
    )
    assert rows[0] == headers
    assert rows[1][0] == pilot.enterprise.name
    assert "目标" in rows[1] and "措施" in rows[1]


def test_export_of_another_countys_cluster_is_not_found(client, users, mushrooms, plan_year):
    response = login(client, users["county"]).get(cluster_url(mushrooms, "cluster_member_export"))
    assert response.status_code == 404


# The pilot's own plan ----------------------------------------------------------------------


def test_plan_is_written_then_changed_with_history(client, users, plan_year, donghai_station):
    pilot = make_pilot(plan_year, tier="township")
    url = reverse("pilots:pilot_plan_edit", args=[pilot.pk])
    login(client, users["township"])
    back = donghai_station.get_absolute_url()

    first = client.post(
        url, {"goals": "目标一", "measures": "", "target_date": "2026-12-31", "next": back}
    )
    assert first.status_code == 302
    assert first["Location"] == back
    client.post(url, {"goals": "目标二", "measures": "措施", "target_date": ""})

    plan = PilotPlan.objects.get(pilot=pilot)
    assert plan.goals == "目标二"
    assert plan.target_date is None
    assert plan.updated_by == users["township"]
    assert plan.history.count() == 2


def test_plan_edit_refuses_an_outside_redirect(client, users, plan_year):
    pilot = make_pilot(plan_year)
    response = login(client, users["county"]).post(
        reverse("pilots:pilot_plan_edit", args=[pilot.pk]),
        {"goals": "目标", "next": "https://evil.example/"},
    )
    assert response["Location"] == pilot.get_absolute_url()


@pytest.mark.parametrize(("role", "status"), [("other_county", 404), ("leader", 403)])
def test_plan_edit_is_refused_outside_scope_and_to_leaders(client, users, plan_year, role, status):
    pilot = make_pilot(plan_year)
    response = login(client, users[role]).post(
        reverse("pilots:pilot_plan_edit", args=[pilot.pk]), {"goals": "目标"}
    )
    assert response.status_code == status
    assert not PilotPlan.objects.exists()


def test_moving_a_station_to_another_countys_park_says_why(
    client, users, donghai_station, guannan_zone
):
    response = login(client, users["county"]).post(
        reverse("clusters:station_edit", args=[donghai_station.pk]),
        {"name": donghai_station.name, "park": guannan_zone.pk},
    )
    assert response.status_code == 200
    assert "不在您的管辖范围内" in response.content.decode()
    donghai_station.refresh_from_db()
    assert donghai_station.park.county.code == "320722"


def test_station_list_counts_pilots_without_a_plan(client, users, donghai_station, plan_year):
    with_plan, without = make_pilot(plan_year), make_pilot(plan_year)
    withdrawn = make_pilot(plan_year, status="withdrawn")
    PilotPlan.objects.create(pilot=with_plan, goals="目标")
    donghai_station.pilots.add(with_plan, without, withdrawn)
    response = login(client, users["county"]).get(reverse("clusters:station_list"))
    station = response.context["table"].rows[0].record
    assert (station.pilot_total, station.without_plan) == (2, 1)


def test_township_official_gets_links_only_to_pilots_of_their_township(
    client, users, donghai_station, plan_year
):
    mine = make_pilot(plan_year, township="320722001")
    neighbour = make_pilot(plan_year, township="320722101")
    donghai_station.pilots.add(mine, neighbour)
    html = login(client, users["township"]).get(donghai_station.get_absolute_url()).content
    assert mine.get_absolute_url().encode() in html
    assert neighbour.get_absolute_url().encode() not in html
    assert reverse("pilots:pilot_plan_edit", args=[neighbour.pk]).encode() not in html


def test_a_county_official_reads_a_city_tier_pilots_plan_but_cannot_change_it(
    client, users, plan_year, donghai_station
):
    city_tier = make_pilot(plan_year, tier="city")
    county_tier = make_pilot(plan_year, tier="county")
    for pilot in (city_tier, county_tier):
        PilotPlan.objects.create(pilot=pilot, goals=f"{pilot.tier}目标")
    donghai_station.pilots.add(city_tier, county_tier)
    login(client, users["county"])

    station = client.get(donghai_station.get_absolute_url()).text
    assert "city目标" in station and "county目标" in station
    assert reverse("pilots:pilot_plan_edit", args=[city_tier.pk]) not in station
    assert reverse("pilots:pilot_plan_edit", args=[county_tier.pk]) in station

    pilot_page = client.get(city_tier.get_absolute_url()).text
    assert "city目标" in pilot_page
    assert reverse("pilots:pilot_plan_edit", args=[city_tier.pk]) not in pilot_page

    edit = reverse("pilots:pilot_plan_edit", args=[city_tier.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"goals": "改写"}).status_code == 403
    assert PilotPlan.objects.get(pilot=city_tier).goals == "city目标"
