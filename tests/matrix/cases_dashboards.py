"""Permission matrix cases of the dashboards: aggregates, so every signed-in user sees them.

Pages without contact data answer 200 to every role, the county of another official included;
they have no POST (405 for signed-in users, the sign-in redirect for anonymous visitors).
"""

from tests.matrix import SIGNED_IN_200

EVERYONE_SIGNED_IN = SIGNED_IN_200

CASES = [
    {"url": "dashboards:home", "args": lambda w: [], "get": EVERYONE_SIGNED_IN, "post": None},
    {
        "url": "dashboards:region_detail",
        "args": lambda w: [w["county"].code],
        "get": EVERYONE_SIGNED_IN,
        "post": None,
    },
    {
        "url": "dashboards:region_detail",
        "args": lambda w: [w["township"].code],
        "get": EVERYONE_SIGNED_IN,
        "post": None,
    },
]

# Keeping today's snapshot (POST only): administrators; everyone else 403, nothing kept.
CASES.append(
    {
        "url": "dashboards:snapshot_now",
        "args": lambda w: [],
        "get": {role: 405 for role in SIGNED_IN_200} | {"anonymous": 302},
        "post": {role: 403 for role in SIGNED_IN_200} | {"admin": 302, "anonymous": 302},
        "data": lambda w: {"year": str(w["plan_year"].year)},
    }
)
