"""Permission-matrix cases of clusters, guidance stations, parks and the pilot's own plan.

Clusters, stations and parks belong to a county-level unit as a whole: administrators, city
staff and leaders see all of them; county and township officials see those of their county
(other county → 404). Only administrators, city staff and the county's own officials change
them: township officials and leaders get 403. A pilot's plan is edited by whoever may edit the
pilot (township officials included, inside their township). Reviewers see no records of any
unit: empty lists, 404 on every record, 403 on a form that creates one (no write right).
"""

from clusters.models import Cluster, GuidanceStation
from reform.models import Park, Region
from tests.matrix import SIGNED_IN_200

ANON = "anonymous"
READ_ALL = SIGNED_IN_200
# A record of 东海县: its county reads it, another county gets 404.
READ_DONGHAI = {**READ_ALL, "other_county": 404, "reviewer": 404}
# A write page of a record of 东海县.
WRITE_DONGHAI = {
    ANON: 302,
    "admin": 200,
    "city": 200,
    "county": 200,
    "other_county": 404,
    "township": 403,
    "leader": 403,
    "reviewer": 404,
}


def _done(status: int) -> dict:
    """A successful write: `status` for the writers, refusals for the others."""
    return {**WRITE_DONGHAI, "admin": status, "city": status, "county": status}


def build(world: dict) -> None:
    donghai = Region.objects.get(code="320722")
    world["cluster"] = Cluster.objects.get(name="东海水晶产业集群")
    world["cluster"].members.add(world["enterprise"])
    world["park"] = Park.objects.create(
        name="矩阵测试开发区", county=donghai, kind="development_zone", level="provincial"
    )
    world["station"] = GuidanceStation.objects.create(name="矩阵测试指导站", park=world["park"])
    world["station"].pilots.add(world["pilot"])


CASES = [
    {
        "url": "clusters:cluster_list",
        "args": lambda w: [],
        "get": READ_ALL,
        "post": None,
    },
    {
        "url": "clusters:cluster_detail",
        "args": lambda w: [w["cluster"].pk],
        "get": READ_DONGHAI,
        "post": None,
    },
    {
        "url": "clusters:cluster_member_export",
        "args": lambda w: [w["cluster"].pk],
        "get": READ_DONGHAI,
        "post": None,
    },
    {
        # POST shows the preview (200); nothing is written without step=confirm.
        "url": "clusters:cluster_member_add",
        "args": lambda w: [w["cluster"].pk],
        "get": WRITE_DONGHAI,
        "post": _done(200),
        "data": lambda w: {"codes": w["enterprise"].credit_code, "step": "preview"},
    },
    {
        # POST shows the confirmation page (200); GET is not allowed.
        "url": "clusters:cluster_member_remove",
        "args": lambda w: [w["cluster"].pk],
        "get": {**{role: 405 for role in READ_ALL}, ANON: 302},
        "post": _done(200),
        "data": lambda w: {"enterprises": [w["enterprise"].pk]},
    },
    {
        "url": "clusters:station_list",
        "args": lambda w: [],
        "get": READ_ALL,
        "post": None,
    },
    {
        "url": "clusters:station_detail",
        "args": lambda w: [w["station"].pk],
        "get": READ_DONGHAI,
        "post": None,
    },
    {
        "url": "clusters:station_pilot_export",
        "args": lambda w: [w["station"].pk],
        "get": READ_DONGHAI,
        "post": None,
    },
    {
        # Founding in a park of 东海县: another county's official gets the form back with a
        # message (200), nothing is created.
        "url": "clusters:station_create",
        "args": lambda w: [],
        "get": {**WRITE_DONGHAI, "other_county": 200, "reviewer": 403},
        "post": {**_done(302), "other_county": 200, "reviewer": 403},
        "data": lambda w: {"name": "矩阵新指导站", "park": w["park"].pk},
    },
    {
        "url": "clusters:station_edit",
        "args": lambda w: [w["station"].pk],
        "get": WRITE_DONGHAI,
        "post": _done(302),
        "data": lambda w: {"name": "矩阵测试指导站（改）", "park": w["park"].pk},
    },
    {
        "url": "clusters:station_pilot_assign",
        "args": lambda w: [w["station"].pk],
        "get": WRITE_DONGHAI,
        "post": _done(302),
        "data": lambda w: {"pilots": [w["pilot"].pk]},
    },
    {
        "url": "clusters:park_list",
        "args": lambda w: [],
        "get": READ_ALL,
        "post": None,
    },
    {
        # A county-tier pilot in 牛山街道: the township official reads its plan (the pilot
        # page) but may not change it, as they may not change the pilot.
        "url": "pilots:pilot_plan_edit",
        "args": lambda w: [w["pilot"].pk],
        "get": WRITE_DONGHAI,
        "post": _done(302),
        "data": lambda w: {"goals": "矩阵测试目标", "measures": "", "target_date": ""},
    },
]
