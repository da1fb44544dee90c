import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from clusters import services
from clusters.models import ClusterMembership, GuidanceStation
from reform.creditcode import make_credit_code
from tests.builders import make_enterprise, make_pilot


def test_it_adds_members_with_who_and_when_in_history(crystal, users):
    enterprise = make_enterprise()
    added = services.cluster_members_add(
        cluster=crystal, enterprises=[enterprise], user=users["county"]
    )
    assert added == 1
    membership = ClusterMembership.objects.get(cluster=crystal, enterprise=enterprise)
    assert membership.added_by == users["county"]
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == users["county"]


def test_it_leaves_existing_members_alone(crystal, users):
    enterprise = make_enterprise()
    services.cluster_members_add(cluster=crystal, enterprises=[enterprise], user=users["city"])
    added = services.cluster_members_add(
        cluster=crystal, enterprises=[enterprise, enterprise], user=users["county"]
    )
    assert added == 0
    assert ClusterMembership.objects.get(enterprise=enterprise).added_by == users["city"]


def test_it_rejects_an_enterprise_outside_the_county_and_adds_none(crystal, users):
    inside = make_enterprise()
    outside = make_enterprise(county="320724", township=None)
    with pytest.raises(ValidationError) as error:
        services.cluster_members_add(
            cluster=crystal, enterprises=[inside, outside], user=users["county"]
        )
    assert outside.name in str(error.value)
    assert not ClusterMembership.objects.filter(cluster=crystal).exists()


def test_it_refuses_changes_to_another_countys_cluster(mushrooms, users):
    with pytest.raises(PermissionDenied):
        services.cluster_members_add(
            cluster=mushrooms, enterprises=[make_enterprise()], user=users["county"]
        )


def test_township_officials_and_leaders_cannot_change_clusters(crystal, users):
    enterprise = make_enterprise()
    for role in ("township", "leader"):
        with pytest.raises(PermissionDenied):
            services.cluster_members_add(
                cluster=crystal, enterprises=[enterprise], user=users[role]
            )


def test_it_records_removals_in_history(crystal, users):
    enterprise = make_enterprise()
    services.cluster_members_add(cluster=crystal, enterprises=[enterprise], user=users["county"])
    removed = services.cluster_members_remove(
        cluster=crystal, enterprises=[enterprise], user=users["city"]
    )
    assert removed == 1
    assert not ClusterMembership.objects.filter(cluster=crystal).exists()
    deletion = ClusterMembership.history.filter(enterprise_id=enterprise.pk).latest()
    assert deletion.history_type == "-"
    assert deletion.history_user == users["city"]


def test_preview_names_each_malformed_unknown_and_outside_code(crystal, users):
    good = make_enterprise()
    member = make_enterprise()
    services.cluster_members_add(cluster=crystal, enterprises=[member], user=users["county"])
    outside = make_enterprise(county="320724", township=None)
    unknown = make_credit_code("91320722MA0000001")
    malformed = good.credit_code[:-1] + ("0" if good.credit_code[-1] != "0" else "1")
    text = (
        f"{good.credit_code}\n{malformed}，{unknown} {outside.credit_code}\n\nabc\n"
        f"{member.credit_code}"
    )

    with translation.override("en"):
        preview = services.cluster_member_preview(
            cluster=crystal, user=users["county"], codes_text=text
        )

    assert preview.to_add == [good]
    assert preview.already == [member]
    named = dict(preview.problems)
    assert set(named) == {malformed, unknown, outside.credit_code, "abc"}
    assert "check character" in named[malformed]
    assert "No enterprise" in named[unknown]
    assert "outside your area" in named[outside.credit_code]
    assert ClusterMembership.objects.filter(cluster=crystal).count() == 1  # nothing written


def test_preview_accepts_lowercase_and_full_width_codes(crystal, users):
    enterprise = make_enterprise()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in enterprise.credit_code.lower())
    preview = services.cluster_member_preview(
        cluster=crystal, user=users["county"], codes_text=f"  {full_width}\t"
    )
    assert preview.to_add == [enterprise]
    assert not preview.problems


def test_it_refuses_to_found_a_station_in_another_countys_park(guannan_zone, users):
    with pytest.raises(ValidationError) as error:
        services.station_create(park=guannan_zone, name="越界的指导站", user=users["county"])
    assert guannan_zone.name in str(error.value)
    assert not GuidanceStation.objects.exists()


def test_station_pilots_must_lie_in_the_parks_county(donghai_station, plan_year, users):
    inside = make_pilot(plan_year)
    outside = make_pilot(plan_year, county="320724", township=None)
    with pytest.raises(ValidationError):
        services.station_pilots_set(
            station=donghai_station,
            plan_year=plan_year,
            pilots=[inside, outside],
            user=users["city"],
        )
    assert not donghai_station.pilots.exists()
    services.station_pilots_set(
        station=donghai_station, plan_year=plan_year, pilots=[inside], user=users["county"]
    )
    assert list(donghai_station.pilots.all()) == [inside]


def test_setting_station_pilots_keeps_other_years(donghai_station, plan_year, users):
    from reform.services import plan_year_create

    earlier = plan_year_create(year=2025)
    old = make_pilot(earlier)
    donghai_station.pilots.add(old)
    current = make_pilot(plan_year)
    added, removed = services.station_pilots_set(
        station=donghai_station, plan_year=plan_year, pilots=[current], user=users["county"]
    )
    assert (added, removed) == (1, 0)
    assert set(donghai_station.pilots.all()) == {old, current}


def test_preview_refuses_an_overlong_paste_without_reading_it(crystal, users):
    text = "\n".join(["91320722MA0000001X"] * (services.MAX_PASTED_CODES + 1))
    preview = services.cluster_member_preview(
        cluster=crystal, user=users["county"], codes_text=text
    )
    assert not preview.to_add
    assert len(preview.problems) == 1
