"""Permission-matrix cases of pairings (结对共建) and their activities.

The world's pairing has the core world's pilot (东海县 · 牛山街道) as its partner and a
state-owned lead of 灌南县: it is placed in 牛山街道, so the officials of 东海县 and 牛山街道
write it, the other county's official (灌南县) gets 404 although the lead is theirs — a lead
is shown by name only, never its area's records. Leaders read and change nothing (403).
Reviewers see nothing of any unit: the lists are empty for them, every pairing answers 404.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from demonstration.models import ActivityAttachment
from reform.files import thumbnail_bytes
from tests.demonstration.pairing_builders import (
    make_activity,
    make_pairing,
    small_pilot,
    state_lead,
)
from tests.matrix import SIGNED_IN_200
from tests.promotion.builders import photo_bytes

ANON = "anonymous"
READ_ALL = SIGNED_IN_200
READ_NIUSHAN = {**SIGNED_IN_200, "reviewer": 404, "other_county": 404}
WRITE_NIUSHAN = {
    ANON: 302,
    "admin": 200,
    "city": 200,
    "county": 200,
    "other_county": 404,
    "township": 200,
    "leader": 403,
    "reviewer": 404,
}
NEW_RECORD = {**{role: 200 for role in READ_ALL}, ANON: 302, "leader": 403, "reviewer": 403}


def _done(row: dict, status: int) -> dict:
    return {role: status if want == 200 and role != ANON else want for role, want in row.items()}


def _today() -> str:
    return timezone.localdate().isoformat()


def _pairing_data(world: dict, partner: str) -> dict:
    return {
        "plan_year": str(world["plan_year"].year),
        "kind": "big_small",
        "lead": world["pairing_lead"].pk,
        "partners": [world[partner].pk],
        "starts_on": "2026-01-05",
        "goals": "矩阵共建目标",
    }


def build(world: dict) -> None:
    year = world["plan_year"]
    world["pairing_lead"] = state_lead(name="矩阵国有集团有限公司")
    world["pairing"] = make_pairing(
        year, lead=world["pairing_lead"], partners=[world["pilot"]], starts_on=timezone.localdate()
    )
    # A small pilot of 牛山街道 in no pairing: the new pairings of the POST checks.
    world["pairing_free"] = small_pilot(year, name="矩阵小微企业有限公司")
    activity = make_activity(world["pairing"], timezone.localdate())
    data = photo_bytes(size=(64, 48))
    world["activity_photo"] = ActivityAttachment.objects.create(
        activity=activity,
        file=ContentFile(data, name="p.jpg"),
        thumbnail=ContentFile(thumbnail_bytes(data), name="t.jpg"),
        original_name="活动.jpg",
        kind="jpeg",
        size=len(data),
        sha256="0" * 64,
    )


CASES = [
    {"url": "demonstration:pairing_list", "get": READ_ALL, "post": None},
    {"url": "demonstration:pairing_export", "get": READ_ALL, "post": None},
    {"url": "demonstration:pairing_alone", "get": READ_ALL, "post": None},
    {
        # Another county's official may create pairings, but not with 东海县's pilot: the form
        # answers with a message (200) and nothing is saved.
        "url": "demonstration:pairing_create",
        "get": NEW_RECORD,
        "post": {**_done(NEW_RECORD, 302), "other_county": 200},
        "data": lambda w: _pairing_data(w, "pairing_free"),
    },
    {
        "url": "demonstration:pairing_detail",
        "args": lambda w: [w["pairing"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "demonstration:pairing_history",
        "args": lambda w: [w["pairing"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "demonstration:pairing_edit",
        "args": lambda w: [w["pairing"].pk],
        "get": WRITE_NIUSHAN,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: _pairing_data(w, "pilot") | {"starts_on": _today()},
    },
    {
        "url": "demonstration:pairing_end",
        "args": lambda w: [w["pairing"].pk],
        "get": WRITE_NIUSHAN,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: {"ends_on": _today(), "closing_summary": "矩阵总结"},
    },
    {
        "url": "demonstration:activity_create",
        "args": lambda w: [w["pairing"].pk],
        "get": WRITE_NIUSHAN,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: {
            "held_on": _today(),
            "kind": "exchange",
            "participants": "双方工会",
            "summary": "矩阵活动",
        },
    },
    {
        "url": "demonstration:activity_attachment",
        "args": lambda w: [w["pairing"].pk, w["activity_photo"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "demonstration:activity_thumbnail",
        "args": lambda w: [w["pairing"].pk, w["activity_photo"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
]
