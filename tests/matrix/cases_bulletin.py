"""Permission matrix rows of the bulletin (dashboards/bulletin_views.py).

City staff, administrators and leaders read it and download its .docx; county and township
officials and reviewers get 403 (it ranks every county). Issuing it and editing its wording
are city work: leaders get 403 too.
"""

from tests.matrix import ROLES

READ = {role: 403 for role in ROLES} | {"anonymous": 302, "admin": 200, "city": 200, "leader": 200}
WRITE_FORM = READ | {"leader": 403}
# Issuing today's bulletin redirects back to it; saving the wording redirects to the form.
WRITE = WRITE_FORM | {"admin": 302, "city": 302}
NO_GET = {role: 302 if role == "anonymous" else 405 for role in ROLES}


def _wording(world: dict) -> dict:
    from dashboards.bulletin import default_wording
    from dashboards.models import BulletinWording

    wording = default_wording()
    return {name: getattr(wording, name) for name in BulletinWording.TEXTS}


CASES = [
    {"url": "dashboards:bulletin", "get": READ, "post": None},
    {"url": "dashboards:bulletin_docx", "get": READ, "post": None},
    {
        "url": "dashboards:bulletin_issue",
        "get": NO_GET,
        "post": WRITE,
        "data": lambda w: {"year": w["plan_year"].year},
    },
    {"url": "dashboards:bulletin_wording", "get": WRITE_FORM, "post": WRITE, "data": _wording},
]
