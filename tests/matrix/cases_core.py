"""Permission matrix rows for reform's own pages: health check, sign-in and sign-out."""

from tests.matrix import SIGNED_IN_200

ALL_200 = SIGNED_IN_200
SIGNED_IN_302 = {role: 302 for role in ALL_200} | {"anonymous": 200}
EVERYONE = {role: None for role in ALL_200}

CASES = [
    # home and region_detail: see cases_dashboards.py.
    {"url": "healthz", "get": dict.fromkeys(EVERYONE, 200), "post": dict.fromkeys(EVERYONE, 405)},
    # Signed-in users are sent on from the sign-in page.
    {"url": "login", "get": SIGNED_IN_302, "post": SIGNED_IN_302},
    # Signing out is POST only; it answers everyone with a redirect to the sign-in page.
    {"url": "logout", "get": dict.fromkeys(EVERYONE, 405), "post": dict.fromkeys(EVERYONE, 302)},
]
