from collections import Counter

from clusters.models import Cluster
from clusters.reference import load_clusters
from reform.models import Industry, Park, Region
from reform.reference import load_core_reference


def test_it_loads_every_region_of_the_city(reference):
    levels = Counter(Region.objects.values_list("level", flat=True))
    assert levels == {"city": 1, "county": 7, "township": 109}
    assert Region.objects.count() == 117


def test_township_kinds_follow_the_statistics_codes(reference):
    kinds = Counter(Region.objects.filter(level="township").values_list("kind", flat=True))
    assert kinds == {"street": 30, "town": 55, "township": 5, "other": 19}
    assert Region.objects.get(code="320771").kind == "functional_zone"
    assert Region.objects.get(code="320722").kind == "county"
    assert Region.objects.get(code="320703").kind == "district"


def test_every_region_sits_in_its_parent(reference):
    for township in Region.objects.filter(level="township").select_related("parent"):
        assert township.code.startswith(township.parent.code)
        assert township.parent.level == "county"


def test_it_loads_the_sourced_parks_industries_and_clusters(reference):
    assert set(Park.objects.values_list("name", flat=True)) == {
        "连云港经济技术开发区",
        "连云港高新技术产业开发区",
        "东海高新技术产业开发区",
    }
    # Every park lies in one county-level unit (the bonded zone spans two: not loaded).
    assert set(Park.objects.values_list("name", "county__code")) == {
        ("连云港经济技术开发区", "320771"),
        ("连云港高新技术产业开发区", "320706"),
        ("东海高新技术产业开发区", "320722"),
    }
    assert Park.objects.get(name="东海高新技术产业开发区").counts_as_development_zone
    assert set(Industry.objects.filter(is_core=True).values_list("name", flat=True)) == {
        "石化",
        "新医药",
        "新材料",
        "新能源",
        "高端装备制造",
    }
    assert set(Industry.objects.values_list("sector", flat=True)) == {
        "primary",
        "secondary",
        "tertiary",
    }
    assert set(Cluster.objects.values_list("name", "county__code")) == {
        ("东海水晶产业集群", "320722"),
        ("灌南县菌菇产业集群", "320724"),
        ("开发区医药产业集群", "320771"),
    }


def test_loading_twice_changes_nothing(reference):
    before = list(Region.objects.values_list("pk", "code", "name", "parent_id", "kind"))
    assert load_core_reference() == {"regions": 0, "parks": 0, "industries": 0}
    assert load_clusters() == 0
    assert list(Region.objects.values_list("pk", "code", "name", "parent_id", "kind")) == before
    assert Cluster.objects.count() == 3


def test_a_park_row_without_a_county_level_unit_is_refused(reference):
    import pytest

    from reform.reference import load_parks

    row = {"name": "跨县园区", "level": "national", "kind": "other", "source": ""}
    row["county_name"] = ""
    with pytest.raises(ValueError, match="跨县园区"):
        load_parks([row])
    assert not Park.objects.filter(name="跨县园区").exists()
