"""Permission matrix rows of the candidates for a region's gap (pilots/candidate_views.py).

The page is for every signed-in user (the figures are aggregates; the list of enterprises is
narrowed to the scope: a reviewer's is empty). Proposing needs write rights (leaders and
reviewers: 403); for those who may write, a refusal (another county's official, a township
official and a county-tier pilot) is a message on the page they come back to, like a success.
"""

from tests.matrix import ROLES, SIGNED_IN_200

PROPOSE_GET = {role: 302 if role == "anonymous" else 405 for role in ROLES}
PROPOSE = {role: 302 for role in ROLES} | {"leader": 403, "reviewer": 403}


def _args(world: dict) -> list:
    return [world["county"].code, "county"]


def _data(world: dict) -> dict:
    return {"enterprise": world["free_enterprise"].pk, "year": world["plan_year"].year}


CASES = [
    {"url": "pilots:candidate_list", "args": _args, "get": SIGNED_IN_200, "post": None},
    {
        "url": "pilots:candidate_list",
        "args": lambda w: [w["township"].code, "township"],
        "get": SIGNED_IN_200,
        "post": None,
    },
    {
        "url": "pilots:candidate_propose",
        "args": _args,
        "get": PROPOSE_GET,
        "post": PROPOSE,
        "data": _data,
    },
]
