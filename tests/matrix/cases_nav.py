"""Permission-matrix cases of issue 9's pages: the landing page, the search, a park's page.

The landing page sends everyone signed in on (302: their own unit or the city overview). The
search answers every signed-in user (it searches inside their scope). A park belongs to its
county-level unit as a whole: its county's officials (township officials included) and the
city-wide roles read it, another county's official gets 404.
"""

from reform.models import Park, Region
from tests.matrix import ROLES, SIGNED_IN_200

SIGNED_IN_302 = dict.fromkeys(ROLES, 302)
# A park of 灌南县: the 东海县 officials (county and township) get 404.
READ_GUANNAN = {**SIGNED_IN_200, "county": 404, "township": 404, "reviewer": 404}


def build(world: dict) -> None:
    world["guannan_park"] = Park.objects.create(
        name="矩阵灌南工业园", county=Region.objects.get(code="320724"), kind="industrial_park"
    )


CASES = [
    {"url": "dashboards:landing", "args": lambda w: [], "get": SIGNED_IN_302, "post": None},
    {"url": "pilots:search", "args": lambda w: [], "get": SIGNED_IN_200, "post": None},
    {
        # world["park"] (cases_clusters.py) lies in 东海县.
        "url": "clusters:park_detail",
        "args": lambda w: [w["park"].pk],
        "get": {**SIGNED_IN_200, "other_county": 404, "reviewer": 404},
        "post": None,
    },
    {
        "url": "clusters:park_detail",
        "args": lambda w: [w["guannan_park"].pk],
        "get": READ_GUANNAN,
        "post": None,
    },
]
