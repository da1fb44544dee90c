"""The two Scope additions for county-level records (parks, clusters, stations)."""

import pytest
from django.http import Http404

from clusters.models import Cluster
from reform.scopes import get_county_record_in_scope, scope_for


def _names(user):
    return set(
        scope_for(user)
        .filter_county_records(Cluster.objects.all(), county="county")
        .values_list("name", flat=True)
    )


def test_county_and_township_officials_read_their_countys_records(users):
    assert _names(users["county"]) == {"东海水晶产业集群"}
    assert _names(users["township"]) == {"东海水晶产业集群"}
    assert _names(users["other_county"]) == {"灌南县菌菇产业集群"}
    assert len(_names(users["leader"])) == 3


def test_only_writers_above_township_level_change_county_records(users):
    donghai = users["county"].region_id
    guannan = users["other_county"].region_id
    assert scope_for(users["county"]).allows_county_write(county_id=donghai)
    assert not scope_for(users["county"]).allows_county_write(county_id=guannan)
    assert not scope_for(users["township"]).allows_county_write(county_id=donghai)
    assert not scope_for(users["leader"]).allows_county_write(county_id=donghai)
    assert scope_for(users["city"]).allows_county_write(county_id=guannan)


def test_a_record_outside_the_scope_is_not_found(users):
    mushrooms = Cluster.objects.get(name="灌南县菌菇产业集群")
    with pytest.raises(Http404):
        get_county_record_in_scope(
            Cluster.objects.all(), scope_for(users["county"]), county="county", pk=mushrooms.pk
        )
