"""The move from a plain M2M to ClusterMembership keeps every member, both ways."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reform.creditcode import make_credit_code

BEFORE = [("clusters", "0001_initial")]
AFTER = [("clusters", "0002_add_cluster_membership_with_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_membership_migration_keeps_the_members_forward_and_back():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
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
        industry = Industry.objects.create(code="crystal", name="水晶", sector="secondary")
        cluster = Cluster.objects.create(name="东海水晶产业集群", county=county, industry=industry)
        members = [
            Enterprise.objects.create(
                name=f"企业{i}",
                credit_code=make_credit_code(f"91320722MA00000{i:02d}"),
                county=county,
                industry=industry,
                ownership="private",
            )
            for i in range(3)
        ]
        cluster.members.add(*members)

        apps = migrate(AFTER)
        Membership = apps.get_model("clusters", "ClusterMembership")
        assert set(Membership.objects.values_list("enterprise_id", flat=True)) == {
            e.pk for e in members
        }

        apps = migrate(BEFORE)
        Cluster = apps.get_model("clusters", "Cluster")
        assert set(Cluster.objects.get().members.values_list("pk", flat=True)) == {
            e.pk for e in members
        }
    finally:
        migrate(latest)
