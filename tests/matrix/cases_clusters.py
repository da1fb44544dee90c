"""PLACEHOLDER rows for the foundation's cluster pages, so the matrix is complete on this branch.

The clusters area writes its own tests/matrix/cases_clusters.py; at the merge that file replaces
this one entirely.
"""

from clusters.models import Cluster, GuidanceStation
from reform.models import Park

READ = {
    "anonymous": 302,
    "admin": 200,
    "city": 200,
    "county": 200,
    "other_county": 200,
    "township": 200,
    "leader": 200,
}


def build(world: dict) -> None:
    world["cluster"] = Cluster.objects.order_by("pk").first()
    park = Park.objects.create(name="矩阵测试园区", kind="industrial_park", county=world["county"])
    world["station"] = GuidanceStation.objects.create(name="矩阵测试指导站", park=park)


CASES = [
    {"url": "clusters:cluster_list", "get": READ, "post": READ},
    {
        "url": "clusters:cluster_detail",
        "args": lambda w: [w["cluster"].pk],
        "get": READ,
        "post": READ,
    },
    {
        "url": "clusters:station_detail",
        "args": lambda w: [w["station"].pk],
        "get": READ,
        "post": READ,
    },
]
