"""Permission matrix rows of the demonstration selection (demonstration/urls.py).

The world's round is in its review phase. The world's pilot (东海县, 牛山街道, county tier)
applied and was recommended; the reviewer (own unit 灌云县) is assigned to it. Who may what:

- rounds and applications are read by everyone who sees records; reviewers get 404 on every
  page but their queue, their score sheets and the evidence of what they score;
- what runs the selection (rounds, rubric, quotas, reviewers, assignments, notice, naming) is
  for city staff and administrators: other roles 403;
- scores, rankings and who reviews what: city staff, administrators, leaders; county and
  township officials 404 (outside their scope);
- an application is written by those who may change its pilot (the township official may
  read this county-tier one, not change it: 403); another county's official gets 404;
- a unit's recommendation page: that county's officials and the city's readers; township
  officials 404 (it lists other townships' pilots);
- the notice is public once published; the world's is not yet: 404 outside the city.

Actions refused by their phase or state answer as they would when allowed (a redirect with a
message, or the form again with it): the matrix checks who, the workflow tests check when.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demonstration import services
from demonstration.models import Naming, NoticeEntry, Objection, Phase
from reform.models import User
from reform.services import plan_year_create
from tests.demonstration.builders import make_reviewer, make_round, open_phase, write_application
from tests.matrix import ROLES, temporary_media

ANON = "anonymous"
EVERYONE_BUT_REVIEWER = {role: 200 for role in ROLES} | {ANON: 302, "reviewer": 404}
CITY_ONLY = {
    ANON: 302,
    "admin": 200,
    "city": 200,
    "county": 403,
    "other_county": 403,
    "township": 403,
    "leader": 403,
    "reviewer": 404,
}
CITY_READERS = {**CITY_ONLY, "county": 404, "other_county": 404, "township": 404, "leader": 200}
POST_ONLY = {role: 405 for role in ROLES} | {ANON: 302}
# The world's application (东海县, 牛山街道, county tier).
APPLICATION_READ = {**EVERYONE_BUT_REVIEWER, "other_county": 404}
APPLICATION_WRITE = {**APPLICATION_READ, "township": 403, "leader": 403}


def city(status: int) -> dict:
    """A change run by the city: `status` for city staff and administrators."""
    return {**CITY_ONLY, "admin": status, "city": status}


def build(world: dict) -> None:
    temporary_media()
    city_user = User.objects.get(username="city")
    county_user = User.objects.get(username="county")
    reviewer = User.objects.get(username="reviewer")
    round = make_round(world["plan_year"], user=city_user)
    application = services.application_open(round=round, pilot=world["pilot"], user=county_user)
    write_application(application, user=county_user)
    section = application.sections.first()
    services.application_save(
        application=application,
        texts={},
        new_files={
            section.dimension_id: [
                _checked("证明材料.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n")
            ]
        },
        removed_files=set(),
        user=county_user,
    )
    services.application_submit(application=application, user=county_user)
    other = services.application_open(round=round, pilot=world["other_pilot"], user=city_user)
    write_application(other, user=city_user)
    services.application_submit(application=other, user=city_user)
    open_phase(round, Phase.RECOMMENDATION)
    services.recommendation_save(
        round=round,
        county=world["county"],
        decisions=[services.Decision(application.pk, True, 1, "同意推荐")],
        user=county_user,
    )
    second = make_reviewer("matrix-reviewer-2", region="320706")
    services.reviewers_set(round=round, reviewers=[reviewer, second], user=city_user)
    open_phase(round, Phase.REVIEW)
    world["round"] = round
    world["application"] = application
    world["evidence"] = section.evidence.first()
    world["assignment"] = services.assignment_add(
        application=application, reviewer=reviewer, user=city_user
    )
    world["second_reviewer"] = second
    world["entry"] = NoticeEntry.objects.create(round=round, application=application, position=1)
    world["objection"] = Objection.objects.create(
        round=round, objector="群众来信", content="反映情况", received_at=timezone.now()
    )
    world["naming"] = Naming.objects.create(
        round=round, pilot=world["pilot"], application=application, named_on=timezone.localdate()
    )
    world["next_year"] = plan_year_create(year=2027)


def _checked(name: str, content: bytes):
    from reform.files import check_upload

    return check_upload(SimpleUploadedFile(name, content))


def _round(w):
    return [w["round"].pk]


def _application(w):
    return [w["application"].pk]


def _round_data(w) -> dict:
    day = datetime.date(2027, 3, 1)
    data = {
        "plan_year": w["next_year"].pk,
        "name": "2027年度产改示范单位评选",
        "units_to_name": 10,
        "default_quota": 3,
        "city_quota": 5,
        "reviewers_per_application": 5,
        "notice_days": 7,
        "notice_contact": "",
    }
    for phase, (first, last) in services.default_phase_days(day).items():
        data[f"{phase}_first"], data[f"{phase}_last"] = first.isoformat(), last.isoformat()
    return data


def _edit_data(w) -> dict:
    data = _round_data(w)
    del data["plan_year"]
    for phase, row in services.phases_of(w["round"]).items():
        data[f"{phase}_first"], data[f"{phase}_last"] = row.first_day, row.last_day
    return data


CASES = [
    # Rounds
    {"url": "demonstration:round_list", "get": EVERYONE_BUT_REVIEWER, "post": None},
    {"url": "demonstration:round_create", "get": CITY_ONLY, "post": city(302), "data": _round_data},
    {
        "url": "demonstration:round_detail",
        "args": _round,
        "get": EVERYONE_BUT_REVIEWER,
        "post": None,
    },
    {
        "url": "demonstration:round_edit",
        "args": _round,
        "get": CITY_ONLY,
        "post": city(302),
        "data": _edit_data,
    },
    {
        "url": "demonstration:round_phase",
        "args": lambda w: [w["round"].pk, "review"],
        "get": POST_ONLY,
        "post": city(302),
        "data": lambda w: {"action": "close"},
    },
    # The recommendation phase is over: the quotas are refused, the form comes back (200).
    {"url": "demonstration:round_quotas", "args": _round, "get": CITY_ONLY, "post": city(200)},
    # The review has started: the rubric is refused, the editor comes back (200).
    {"url": "demonstration:rubric_edit", "args": _round, "get": CITY_ONLY, "post": city(200)},
    # Applications
    {
        "url": "demonstration:application_list",
        "args": _round,
        "get": EVERYONE_BUT_REVIEWER,
        "post": None,
    },
    {
        # The form again (200): the pilot has applied already, and the phase is over.
        "url": "demonstration:application_create",
        "args": _round,
        "get": {**EVERYONE_BUT_REVIEWER, "leader": 403},
        "post": {**EVERYONE_BUT_REVIEWER, "leader": 403},
        "data": lambda w: {"pilot": w["pilot"].pk},
    },
    {
        "url": "demonstration:application_detail",
        "args": _application,
        "get": APPLICATION_READ,
        "post": None,
    },
    {
        # Recommended: no longer editable, the writers are sent back to the page (302).
        "url": "demonstration:application_edit",
        "args": _application,
        "get": {**APPLICATION_WRITE, "admin": 302, "city": 302, "county": 302},
        "post": {**APPLICATION_WRITE, "admin": 302, "city": 302, "county": 302},
    },
    {
        "url": "demonstration:application_submit",
        "args": _application,
        "get": POST_ONLY,
        "post": {**APPLICATION_WRITE, "admin": 302, "city": 302, "county": 302},
    },
    {
        "url": "demonstration:application_reopen",
        "args": _application,
        "get": POST_ONLY,
        "post": {**APPLICATION_WRITE, "admin": 302, "city": 302, "county": 302},
    },
    {
        # Also the reviewer assigned to the application.
        "url": "demonstration:evidence_download",
        "args": lambda w: [w["evidence"].pk],
        "get": {**APPLICATION_READ, "reviewer": 200},
        "post": None,
    },
    {
        # 东海县's page; the recommendation phase is over: the form comes back (200).
        "url": "demonstration:recommendation_edit",
        "args": lambda w: [w["round"].pk, "320722"],
        "get": {**APPLICATION_READ, "township": 404},
        "post": {**APPLICATION_READ, "township": 404, "leader": 403},
    },
    {
        "url": "demonstration:recommendation_edit",
        "args": lambda w: [w["round"].pk, "city"],
        "get": CITY_READERS,
        "post": {**CITY_READERS, "leader": 403},
    },
    # Review
    {
        "url": "demonstration:round_reviewers",
        "args": _round,
        "get": CITY_ONLY,
        "post": city(302),
        "data": lambda w: {"reviewers": [w["assignment"].reviewer_id, w["second_reviewer"].pk]},
    },
    {"url": "demonstration:assignment_auto", "args": _round, "get": POST_ONLY, "post": city(302)},
    {
        "url": "demonstration:assignment_add",
        "args": _round,
        "get": POST_ONLY,
        "post": city(302),
        "data": lambda w: {"application": w["application"].pk, "reviewer": w["second_reviewer"].pk},
    },
    {
        "url": "demonstration:assignment_remove",
        "args": lambda w: [w["assignment"].pk],
        "get": POST_ONLY,
        "post": city(302),
    },
    {"url": "demonstration:review_progress", "args": _round, "get": CITY_READERS, "post": None},
    {"url": "demonstration:ranking", "args": _round, "get": CITY_READERS, "post": None},
    {"url": "demonstration:ranking_export", "args": _round, "get": CITY_READERS, "post": None},
    {
        "url": "demonstration:review_queue",
        "get": {role: 404 for role in ROLES} | {ANON: 302, "reviewer": 200},
        "post": None,
    },
    {
        # Only the assigned reviewer; saving (not submitting) goes back to the sheet (302).
        "url": "demonstration:review_score",
        "args": lambda w: [w["assignment"].pk],
        "get": {role: 404 for role in ROLES} | {ANON: 302, "reviewer": 200},
        "post": {role: 404 for role in ROLES} | {ANON: 302, "reviewer": 302},
        "data": lambda w: {"comment": "材料翔实"},
    },
    # Notice (not yet published), objections, naming
    {"url": "demonstration:notice_detail", "args": _round, "get": CITY_READERS, "post": None},
    {"url": "demonstration:notice_docx", "args": _round, "get": CITY_READERS, "post": None},
    {"url": "demonstration:notice_prepare", "args": _round, "get": POST_ONLY, "post": city(302)},
    {
        "url": "demonstration:notice_entry_add",
        "args": _round,
        "get": POST_ONLY,
        "post": city(302),
        "data": lambda w: {"application": w["application"].pk, "reason": "增补"},
    },
    {
        # The review is not over: refused, the form comes back (200).
        "url": "demonstration:notice_entry_remove",
        "args": lambda w: [w["entry"].pk],
        "get": CITY_ONLY,
        "post": city(200),
        "data": lambda w: {"reason": "经核查不符合条件"},
    },
    {"url": "demonstration:notice_publish", "args": _round, "get": POST_ONLY, "post": city(302)},
    {
        # The notice is not published: refused, the form comes back (200).
        "url": "demonstration:objection_create",
        "args": _round,
        "get": CITY_ONLY,
        "post": city(200),
        "data": lambda w: {
            "entry": "",
            "objector": "匿名",
            "content": "反映问题",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    },
    {
        # A unit is named already: the objection can no longer change (200).
        "url": "demonstration:objection_edit",
        "args": lambda w: [w["objection"].pk],
        "get": CITY_ONLY,
        "post": city(200),
        "data": lambda w: {"handling": "经核实不属实", "outcome": "rejected"},
    },
    {"url": "demonstration:naming_create", "args": _round, "get": POST_ONLY, "post": city(302)},
    {
        "url": "demonstration:naming_revoke",
        "args": lambda w: [w["naming"].pk],
        "get": CITY_ONLY,
        "post": city(302),
        "data": lambda w: {"reason": "发生重大安全事故"},
    },
]
