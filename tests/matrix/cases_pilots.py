"""Permission matrix rows for enterprises and pilots.

Reviewers see no records of any unit: the lists are empty (200), every record answers 404,
forms that create a record answer 403 (no write right, like leaders).
"""

from reform.models import Industry
from tests.builders import make_enterprise, make_pilot, next_credit_code
from tests.matrix import SIGNED_IN_200

READ = SIGNED_IN_200
# A record in 东海县 / 牛山街道: the other county's official gets 404.
IN_SCOPE_READ = READ | {"other_county": 404, "reviewer": 404}
# Changing a county-tier pilot: not township officials, not leaders.
COUNTY_PILOT_WRITE = {
    "anonymous": 302,
    "admin": 302,
    "city": 302,
    "county": 302,
    "other_county": 404,
    "township": 403,
    "leader": 403,
    "reviewer": 404,
}
FORM_GET = IN_SCOPE_READ | {"leader": 403}
SAVED = {
    "anonymous": 302,
    "admin": 302,
    "city": 302,
    "county": 302,
    "other_county": 404,
    "township": 302,
    "leader": 403,
    "reviewer": 404,
}


# A city-tier pilot in 东海县 / 牛山街道: the county and township officials read it and its own
# plan, but only the city (and administrators) change either.
CITY_PILOT_READ = IN_SCOPE_READ
CITY_PILOT_FORM = {
    "anonymous": 302,
    "admin": 200,
    "city": 200,
    "county": 403,
    "other_county": 404,
    "township": 403,
    "leader": 403,
    "reviewer": 404,
}
CITY_PILOT_WRITE = CITY_PILOT_FORM | {"admin": 302, "city": 302}
# A township-tier pilot in 牛山街道: its township official changes it and its plan too.
TOWNSHIP_PILOT_FORM = CITY_PILOT_FORM | {"county": 200, "township": 200}
TOWNSHIP_PILOT_WRITE = CITY_PILOT_WRITE | {"county": 302, "township": 302}


def build(world: dict) -> None:
    world["free_enterprise"] = make_enterprise(
        county="320722", township="320722001", name="矩阵无试点企业有限公司"
    )
    world["industry"] = Industry.objects.get(code="3091")
    world["unclassified"] = make_enterprise(
        county="320722", industry=None, industry_text="矩阵本地行业", name="矩阵待归类企业有限公司"
    )
    world["city_pilot"] = make_pilot(
        world["plan_year"], tier="city", county="320722", township="320722001"
    )
    world["township_pilot"] = make_pilot(
        world["plan_year"], tier="township", county="320722", township="320722001"
    )


def plan_data(world: dict) -> dict:
    return {"goals": "矩阵测试目标", "measures": "", "target_date": ""}


def enterprise_data(world: dict, **changes) -> dict:
    data = {
        "name": "矩阵新登记企业有限公司",
        "credit_code": next_credit_code("320722"),
        "county": world["county"].pk,
        "township": world["township"].pk,
        "park": "",
        "industry": world["industry"].code,
        "ownership": "private",
        "employee_count": 150,
        "chain_position": "",
        "contact_name": "张三",
        "contact_phone": "13800000000",
        "address": "",
    }
    return data | changes


def edit_data(world: dict) -> dict:
    enterprise = world["enterprise"]
    return enterprise_data(
        world, name=enterprise.name, credit_code=enterprise.credit_code, version=1
    )


def pilot_data(world: dict, **changes) -> dict:
    data = {
        "plan_year": world["plan_year"].pk,
        "tier": "county",
        "status": "confirmed",
        "own_plan": "一企一策",
        "version": 1,
    }
    return data | changes


def _export(name: str, fmt: str) -> dict:
    return {"url": name, "args": lambda w: [fmt], "get": READ, "post": None}


# The unclassified industries (待归类) are the administrators' alone.
ADMIN_ONLY = {role: 403 for role in READ} | {"anonymous": 302, "admin": 200}


CASES = [
    {
        "url": "pilots:industry_unclassified",
        "get": ADMIN_ONLY,
        "post": None,
    },
    {
        "url": "pilots:industry_classify",
        "get": {role: 302 if role == "anonymous" else 405 for role in READ},
        "post": ADMIN_ONLY | {"admin": 302},
        "data": lambda w: {"text": "矩阵本地行业", "industry": "13"},
    },
    {"url": "pilots:pilot_list", "get": READ, "post": None},
    _export("pilots:pilot_export", "xlsx"),
    _export("pilots:pilot_export", "csv"),
    {
        "url": "pilots:pilot_detail",
        "args": lambda w: [w["pilot"].pk],
        "get": IN_SCOPE_READ,
        "post": None,
    },
    {
        "url": "pilots:pilot_edit",
        "args": lambda w: [w["pilot"].pk],
        "get": IN_SCOPE_READ | {"township": 403, "leader": 403},
        "post": COUNTY_PILOT_WRITE,
        "data": pilot_data,
    },
    {
        "url": "pilots:pilot_status",
        "args": lambda w: [w["pilot"].pk],
        "get": {role: 302 if role == "anonymous" else 405 for role in READ},
        "post": COUNTY_PILOT_WRITE,
        "data": lambda w: {"status": "withdrawn", "version": 1},
    },
    {
        "url": "pilots:pilot_history",
        "args": lambda w: [w["pilot"].pk],
        "get": IN_SCOPE_READ,
        "post": None,
    },
    {
        "url": "pilots:pilot_create",
        "args": lambda w: [w["free_enterprise"].pk],
        "get": FORM_GET,
        "post": SAVED,
        "data": lambda w: pilot_data(w, tier="township", status="proposed"),
    },
    {"url": "pilots:enterprise_list", "get": READ, "post": None},
    _export("pilots:enterprise_export", "xlsx"),
    _export("pilots:enterprise_export", "csv"),
    {
        "url": "pilots:enterprise_detail",
        "args": lambda w: [w["enterprise"].pk],
        "get": IN_SCOPE_READ,
        "post": None,
    },
    {
        # A new enterprise in 东海县 / 牛山街道: the other county's official is refused by the
        # form (200, errors shown, nothing saved), the leader by the view.
        "url": "pilots:enterprise_create",
        "get": READ | {"leader": 403, "reviewer": 403},
        "post": SAVED | {"other_county": 200, "reviewer": 403},
        "data": enterprise_data,
    },
    {
        "url": "pilots:enterprise_edit",
        "args": lambda w: [w["enterprise"].pk],
        "get": FORM_GET,
        "post": SAVED,
        "data": edit_data,
    },
    {
        "url": "pilots:enterprise_history",
        "args": lambda w: [w["enterprise"].pk],
        "get": IN_SCOPE_READ,
        "post": None,
    },
    {"url": "pilots:enterprise_check", "get": READ | {"reviewer": 404}, "post": None},
    {"url": "pilots:region_choices", "get": READ, "post": None},
    # Rights on a pilot's own plan are the rights on the pilot (Scope.allows_pilot_write).
    {
        "url": "pilots:pilot_detail",
        "args": lambda w: [w["city_pilot"].pk],
        "get": CITY_PILOT_READ,
        "post": None,
    },
    {
        "url": "pilots:pilot_edit",
        "args": lambda w: [w["city_pilot"].pk],
        "get": CITY_PILOT_FORM,
        "post": CITY_PILOT_WRITE,
        "data": lambda w: pilot_data(w, tier="city"),
    },
    {
        "url": "pilots:pilot_plan_edit",
        "args": lambda w: [w["city_pilot"].pk],
        "get": CITY_PILOT_FORM,
        "post": CITY_PILOT_WRITE,
        "data": plan_data,
    },
    {
        "url": "pilots:pilot_plan_edit",
        "args": lambda w: [w["township_pilot"].pk],
        "get": TOWNSHIP_PILOT_FORM,
        "post": TOWNSHIP_PILOT_WRITE,
        "data": plan_data,
    },
]
