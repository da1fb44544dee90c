"""The three industry clusters the work plan names, from fixtures/clusters.csv. Idempotent."""

from django.db import transaction

from clusters.models import Cluster
from reform.models import Industry, Region
from reform.reference import read_fixture


@transaction.atomic
def load_clusters() -> int:
    counties = {r.code: r for r in Region.objects.filter(level=Region.Level.COUNTY)}
    industries = {i.code: i for i in Industry.objects.all()}
    created_count = 0
    for row in read_fixture("clusters.csv"):
        _cluster, created = Cluster.objects.get_or_create(
            name=row["name"],
            defaults={
                "county": counties[row["county_code"]],
                "industry": industries[row["industry_code"]],
                "description": row["description"],
            },
        )
        created_count += created
    return created_count
