from collections import Counter

import pytest
from django.db.models import Count

from clusters.models import Cluster
from clusters.reference import load_clusters
from reform.industry_codes import sector_of
from reform.models import Industry, Park, Region
from reform.reference import load_core_reference, load_industries, read_fixture


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
    assert set(Cluster.objects.values_list("name", "county__code", "industry__code")) == {
        ("东海水晶产业集群", "320722", "30"),
        ("灌南县菌菇产业集群", "320724", "0142"),
        ("开发区医药产业集群", "320771", "27"),
    }


def test_it_loads_all_of_gbt4754_2017_with_its_hierarchy(reference):
    counts = dict(Industry.objects.values_list("level").annotate(n=Count("pk")).order_by())
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}
    rice = Industry.objects.select_related("parent__parent__parent").get(code="1311")
    assert (rice.name, rice.level) == ("稻谷加工", "class")
    assert [rice.parent.code, rice.parent.parent.code, rice.parent.parent.parent.code] == [
        "131",
        "13",
        "C",
    ]
    assert Industry.objects.filter(level="section", parent__isnull=False).count() == 0
    assert Industry.objects.exclude(level="section").filter(parent__isnull=True).count() == 0
    # Sections come before their divisions in the standard's order.
    assert list(Industry.objects.values_list("code", flat=True)[:3]) == ["A", "01", "011"]


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("A", "primary"),
        ("0111", "primary"),
        ("04", "primary"),
        ("05", "tertiary"),  # 农、林、牧、渔专业及辅助性活动
        ("0541", "tertiary"),
        ("06", "secondary"),
        ("11", "tertiary"),  # 开采专业及辅助性活动
        ("1311", "secondary"),
        ("43", "tertiary"),  # 金属制品、机械和设备修理业
        ("4390", "tertiary"),
        ("42", "secondary"),
        ("D", "secondary"),
        ("4710", "secondary"),  # E 建筑业
        ("50", "secondary"),
        ("51", "tertiary"),  # F
        ("T", "tertiary"),
        ("9700", "tertiary"),
    ],
)
def test_the_sector_follows_the_nbs_rule(code, sector):
    assert sector_of(code) == sector


def test_the_rule_agrees_with_every_row_of_the_file_and_nobody_types_a_sector(reference):
    rows = read_fixture("gbt4754_2017.csv")
    assert len(rows) == 1971
    assert all(sector_of(row["code"]) == row["sector"] for row in rows)
    stored = dict(Industry.objects.values_list("code", "sector"))
    assert all(stored[row["code"]] == row["sector"] for row in rows)
    # Saving derives it again, whatever was set.
    entry = Industry.objects.get(code="0541")
    entry.sector = "primary"
    entry.save()
    entry.refresh_from_db()
    assert entry.sector == "tertiary"


def test_a_row_whose_sector_contradicts_the_rule_stops_the_load(reference):
    rows = [
        {"code": "05", "level": "division", "name": "x", "parent_code": "A", "sector": "primary"}
    ]
    with pytest.raises(ValueError, match="NBS rule"):
        load_industries(rows)
    assert Industry.objects.get(code="05").name == "农、林、牧、渔专业及辅助性活动"


def test_loading_twice_changes_nothing(reference):
    before = list(Region.objects.values_list("pk", "code", "name", "parent_id", "kind"))
    assert load_core_reference() == {"regions": 0, "parks": 0, "industries": 0}
    assert load_clusters() == 0
    assert list(Region.objects.values_list("pk", "code", "name", "parent_id", "kind")) == before
    assert Cluster.objects.count() == 3


def test_a_park_row_without_a_county_level_unit_is_refused(reference):
    from reform.reference import load_parks

    row = {"name": "跨县园区", "level": "national", "kind": "other", "source": ""}
    row["county_name"] = ""
    with pytest.raises(ValueError, match="跨县园区"):
        load_parks([row])
    assert not Park.objects.filter(name="跨县园区").exists()
