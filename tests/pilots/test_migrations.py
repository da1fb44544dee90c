"""The data migrations of the place rule and the ownership groups, forward and back."""

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reform.creditcode import make_credit_code

PARK_BEFORE = [("reform", "0001_initial"), ("pilots", "0004_import_batch_link_counts")]
PARK_AFTER = [("reform", "0003_park_county_required")]
OWNERSHIP_BEFORE = [("pilots", "0004_import_batch_link_counts")]
OWNERSHIP_AFTER = [("pilots", "0007_enterprise_state_control_constraint")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def make_world(apps):
    Region = apps.get_model("reform", "Region")
    Industry = apps.get_model("reform", "Industry")
    city = Region.objects.create(code="320700", name="连云港市", level="city", kind="city")
    counties = {
        code: Region.objects.create(
            code=code, name=name, level="county", kind="county", parent=city
        )
        for code, name in (("320722", "东海县"), ("320724", "灌南县"), ("320771", "开发区"))
    }
    industry = Industry.objects.create(code="materials", name="新材料", sector="secondary")
    return counties, industry


def enterprise(apps, county, industry, number, **fields):
    Enterprise = apps.get_model("pilots", "Enterprise")
    return Enterprise.objects.create(
        name=f"企业{number}",
        credit_code=make_credit_code(f"91{county.code}MA000{number:04d}"),
        county=county,
        industry=industry,
        **{"ownership": "private"} | fields,
    )


@pytest.mark.django_db(transaction=True)
def test_parks_get_the_county_of_their_enterprises_and_the_bonded_zone_goes():
    try:
        apps = migrate(PARK_BEFORE)
        counties, industry = make_world(apps)
        Park = apps.get_model("reform", "Park")
        bonded = Park.objects.create(name="连云港综合保税区", kind="other", level="national")
        used = Park.objects.create(name="东海某园区", kind="industrial_park")
        placed = Park.objects.create(
            name="灌南园区", kind="industrial_park", county=counties["320724"]
        )
        for number in range(2):
            enterprise(apps, counties["320722"], industry, number, park=used)

        apps = migrate(PARK_AFTER)
        Park = apps.get_model("reform", "Park")
        assert dict(Park.objects.values_list("pk", "county__code")) == {
            used.pk: "320722",
            placed.pk: "320724",
        }
        assert not Park.objects.filter(pk=bonded.pk).exists()
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_park_whose_county_cannot_be_told_stops_the_migration_by_name():
    try:
        apps = migrate(PARK_BEFORE)
        counties, industry = make_world(apps)
        Park = apps.get_model("reform", "Park")
        torn = Park.objects.create(name="跨县园区", kind="industrial_park")
        enterprise(apps, counties["320722"], industry, 1, park=torn)
        enterprise(apps, counties["320724"], industry, 2, park=torn)
        with pytest.raises(CommandError) as error:
            migrate(PARK_AFTER)
        assert f"跨县园区 (id {torn.pk}): its enterprises lie in 2 county-level units" in str(
            error.value
        )
        # Nothing changed; once an administrator has set the county, the migration runs.
        torn.refresh_from_db()
        assert torn.county_id is None
        Park.objects.filter(pk=torn.pk).update(county=counties["320722"])
        apps.get_model("pilots", "Enterprise").objects.filter(county=counties["320724"]).update(
            park=None
        )
        migrate(PARK_AFTER)
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_ownership_moves_into_the_groups_forward_and_back():
    try:
        apps = migrate(OWNERSHIP_BEFORE)
        counties, industry = make_world(apps)
        county = counties["320722"]
        old = {
            kind: enterprise(apps, county, industry, number, ownership=kind).pk
            for number, kind in enumerate(
                ["state_owned", "state_controlled", "mixed", "collective", "private", "other"]
            )
        }

        apps = migrate(OWNERSHIP_AFTER)
        Enterprise = apps.get_model("pilots", "Enterprise")
        # Mixed ownership gets "no": it was counted as non-public so far. Every kind is kept.
        assert {
            pk: (ownership, controls)
            for pk, ownership, controls in Enterprise.objects.values_list(
                "pk", "ownership", "state_controls"
            )
        } == {
            old["state_owned"]: ("state_owned", None),
            old["state_controlled"]: ("state_controlled", None),
            old["mixed"]: ("mixed", False),
            old["collective"]: ("collective", None),
            old["private"]: ("private", None),
            old["other"]: ("other", None),
        }
        county = apps.get_model("reform", "Region").objects.get(code="320722")
        industry = apps.get_model("reform", "Industry").objects.get()
        new = {
            "mixed_state": enterprise(
                apps, county, industry, 10, ownership="mixed", state_controls=True
            ).pk,
            "hk": enterprise(apps, county, industry, 11, ownership="hk_macao_taiwan").pk,
            "individual": enterprise(apps, county, industry, 12, ownership="individual").pk,
        }

        apps = migrate(OWNERSHIP_BEFORE)
        Enterprise = apps.get_model("pilots", "Enterprise")
        back = dict(Enterprise.objects.values_list("pk", "ownership"))
        # Back into the old kinds that counted each the same way.
        assert back == {
            **{pk: kind for kind, pk in old.items()},
            new["mixed_state"]: "state_controlled",
            new["hk"]: "foreign",
            new["individual"]: "private",
        }
    finally:
        migrate(latest())
