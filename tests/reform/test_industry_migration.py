"""The move from the home-made list of 23 industries to GB/T 4754-2017 (reform 0007-0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reform.creditcode import make_credit_code

BEFORE = [
    ("reform", "0006_data_version"),
    ("pilots", "0011_progress_snapshots"),
    ("clusters", "0002_add_cluster_membership_with_history"),
]
AFTER = [("reform", "0009_industry_drop_old_fields")]

# The old list (fixtures/industries.csv before the change): code, name, sector, core.
OLD = [
    ("petrochemicals", "石化", "secondary", True),
    ("new_medicine", "新医药", "secondary", True),
    ("new_materials", "新材料", "secondary", True),
    ("new_energy", "新能源", "secondary", True),
    ("high_end_equipment", "高端装备制造", "secondary", True),
    ("agriculture", "种植养殖业", "primary", False),
    ("fungi", "食用菌种植", "primary", False),
    ("fishery", "渔业", "primary", False),
    ("agri_processing", "农副产品加工", "secondary", False),
    ("food", "食品制造", "secondary", False),
    ("crystal_silicon", "水晶及硅材料加工", "secondary", False),
    ("textiles", "纺织服装", "secondary", False),
    ("electronics", "电子信息制造", "secondary", False),
    ("machinery", "通用机械制造", "secondary", False),
    ("construction", "建筑业", "secondary", False),
    ("other_manufacturing", "其他制造业", "secondary", False),
    ("logistics", "港口物流", "tertiary", False),
    ("retail", "批发零售", "tertiary", False),
    ("software", "软件和信息技术服务", "tertiary", False),
    ("hospitality", "住宿餐饮", "tertiary", False),
    ("tourism", "文化旅游", "tertiary", False),
    ("health_services", "医疗健康服务", "tertiary", False),
    ("other_services", "其他服务业", "tertiary", False),
]
# Where each goes: (GB/T code and name, or None for 待归类; core-industry tag).
EXPECTED = {
    "石化": (("26", "化学原料和化学制品制造业"), "petrochemicals"),
    "新医药": (("27", "医药制造业"), "new_medicine"),
    "新材料": (("C", "制造业"), "new_materials"),
    "新能源": (("C", "制造业"), "new_energy"),
    "高端装备制造": (("C", "制造业"), "high_end_equipment"),
    "种植养殖业": (("A", "农、林、牧、渔业"), ""),
    "食用菌种植": (("0142", "食用菌种植"), ""),
    "渔业": (("04", "渔业"), ""),
    "农副产品加工": (("13", "农副食品加工业"), ""),
    "食品制造": (("14", "食品制造业"), ""),
    "水晶及硅材料加工": (("30", "非金属矿物制品业"), ""),
    "纺织服装": (("18", "纺织服装、服饰业"), ""),
    "电子信息制造": (("39", "计算机、通信和其他电子设备制造业"), ""),
    "通用机械制造": (("34", "通用设备制造业"), ""),
    "建筑业": (("E", "建筑业"), ""),
    "其他制造业": (("C", "制造业"), ""),
    "港口物流": (("G", "交通运输、仓储和邮政业"), ""),
    "批发零售": (("F", "批发和零售业"), ""),
    "软件和信息技术服务": (("65", "软件和信息技术服务业"), ""),
    "住宿餐饮": (("H", "住宿和餐饮业"), ""),
    "文化旅游": (("R", "文化、体育和娱乐业"), ""),
    "医疗健康服务": (("84", "卫生"), ""),
    "其他服务业": (None, ""),
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_every_old_industry_moves_to_its_gbt_entry_and_tag_and_nothing_is_lost():
    try:
        apps = migrate(BEFORE)
        Region = apps.get_model("reform", "Region")
        Industry = apps.get_model("reform", "Industry")
        Enterprise = apps.get_model("pilots", "Enterprise")
        Cluster = apps.get_model("clusters", "Cluster")
        city = Region.objects.create(code="320700", name="连云港市", level="city", kind="city")
        county = Region.objects.create(
            code="320722", name="东海县", level="county", kind="county", parent=city
        )
        old = {
            name: Industry.objects.create(
                code=code, name=name, sector=sector, is_core=core, order=number
            )
            for number, (code, name, sector, core) in enumerate(OLD)
        }
        # Made elsewhere, not in the list: kept as typed.
        old["本地特色行业"] = Industry.objects.create(
            code="local_trade", name="本地特色行业", sector="secondary"
        )
        enterprises = {
            name: Enterprise.objects.create(
                name=f"{name}企业",
                credit_code=make_credit_code(f"91320722MA{number:07d}"),
                county=county,
                industry=industry,
                ownership="private",
            ).pk
            for number, (name, industry) in enumerate(old.items())
        }
        crystal = Cluster.objects.create(
            name="东海水晶产业集群", county=county, industry=old["水晶及硅材料加工"]
        )

        apps = migrate(AFTER)
        Industry = apps.get_model("reform", "Industry")
        Enterprise = apps.get_model("pilots", "Enterprise")
        Cluster = apps.get_model("clusters", "Cluster")
        moved = {
            name: Enterprise.objects.select_related("industry").get(pk=pk)
            for name, pk in enterprises.items()
        }
        for name, (entry, tag) in EXPECTED.items():
            enterprise = moved[name]
            if entry is None:
                assert (enterprise.industry_id, enterprise.industry_text) == (None, name)
            else:
                assert (enterprise.industry.code, enterprise.industry.name) == entry, name
                assert enterprise.industry_text == ""
            assert enterprise.core_industry == tag, name
        local = moved["本地特色行业"]
        assert (local.industry_id, local.industry_text, local.core_industry) == (
            None,
            "本地特色行业",
            "",
        )
        # Sectors survive: the entry's derived sector is the old one's.
        for code, name, sector, _core in OLD:
            if moved[name].industry_id:
                assert moved[name].industry.sector == sector, code
        assert Cluster.objects.get(pk=crystal.pk).industry.code == "30"
        # The old rows are gone; the entries came with their ancestors (0142 → 014 → 01 → A).
        assert not Industry.objects.filter(level="").exists()
        chain = Industry.objects.get(code="0142")
        assert (chain.parent.code, chain.parent.parent.code, chain.parent.parent.parent.code) == (
            "014",
            "01",
            "A",
        )
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_no_entries_from_the_migration():
    """The standard itself comes from load_reference; the migration only moves what exists."""
    try:
        apps = migrate(BEFORE)
        apps = migrate(AFTER)
        assert apps.get_model("reform", "Industry").objects.count() == 0
    finally:
        migrate(latest())
