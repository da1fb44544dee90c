"""Demo data of the selection: a finished round for the previous plan year and a round of the
current year in its review phase, with reviewer accounts. Deterministic (same seed, same data).

The workflow runs through the services (so every rule holds); the phases are moved along the
way so that each step happens inside its phase, and the finished round's dates are set to
those of its year at the end. Scores are written in bulk: there are a few thousand.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from demonstration import services
from demonstration.models import (
    PHASES,
    Application,
    Assignment,
    Naming,
    Objection,
    Phase,
    RoundPhase,
    RubricIndicator,
    Score,
    SelectionRound,
    day_start,
)
from pilots.models import Pilot
from reform.models import PlanYear, Region, User

DEMO_PASSWORD_SUFFIX = "-demo-2026"
# username, full name, own county-level unit (None: an outside expert)
DEMO_REVIEWERS = [
    ("reviewer1", "陈立新", None),
    ("reviewer2", "刘文华", "320722"),
    ("reviewer3", "孙晓梅", "320724"),
    ("reviewer4", "周建国", "320706"),
    ("reviewer5", "吴海燕", "320707"),
    ("reviewer6", "郑光明", "320723"),
    ("reviewer7", "马丽娟", "320771"),
    ("reviewer8", "许志强", None),
]
SELF_ASSESSMENT = {
    "political": "建立健全党组织和工会组织，坚持党建带工建；每年召开职工代表大会，落实厂务公开，"
    "职工参与企业民主管理渠道畅通。",
    "empowerment": "年度培训投入{n}万元，覆盖一线职工；推行技能等级自主评价，建立“技能+学历”"
    "双提升通道；签订导师带徒协议{m}对。",
    "achievement": "组织岗位练兵和技能竞赛{m}场次；建成劳模和工匠人才创新工作室，年内完成技术"
    "攻关和合理化建议{n}项，转化成果显著。",
    "rights": "签订工资专项集体合同，开展工资集体协商；安全生产标准化达标；建设职工之家、"
    "爱心母婴室，年内帮扶困难职工{m}人次。",
}


def ensure_demo_reviewers() -> list[tuple[str, str, str]]:
    """The reviewer accounts; passwords are reset to the printed demo values."""
    result = []
    for username, full_name, county_code in DEMO_REVIEWERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = User.Role.REVIEWER
        user.region = Region.objects.get(code=county_code) if county_code else None
        user.first_name = full_name
        user.is_staff = user.is_superuser = False
        user.is_active = True
        password = username + DEMO_PASSWORD_SUFFIX
        user.set_password(password)
        user.save()
        result.append((username, password, str(User.Role.REVIEWER.label)))
    return result


def _open(round: SelectionRound, phase: str) -> None:
    """Place the phases so that `phase` is open now (seeding only: no history)."""
    now = timezone.now()
    index = PHASES.index(phase)
    for position, name in enumerate(PHASES):
        opens = now + datetime.timedelta(days=10 * (position - index) - 5)
        RoundPhase.objects.filter(round=round, phase=name).update(
            opens_at=opens, closes_at=opens + datetime.timedelta(days=10)
        )


def _set_days(round: SelectionRound, days: dict) -> None:
    for phase, (first, last) in days.items():
        RoundPhase.objects.filter(round=round, phase=phase).update(
            opens_at=day_start(first), closes_at=day_start(last + datetime.timedelta(days=1))
        )


def _applicants(rng: random.Random, plan_year: PlanYear, per_county: int, city: int):
    """Confirmed pilots to apply: some county- and township-tier ones of every county-level
    unit, the largest first, and some city-tier ones."""
    pilots = list(
        Pilot.objects.filter(plan_year=plan_year, status=Pilot.Status.CONFIRMED)
        .select_related("enterprise__county")
        .order_by("-enterprise__employee_count", "pk")
    )
    chosen, by_county = [], {}
    for pilot in pilots:
        if pilot.tier == Pilot.Tier.CITY:
            continue
        bucket = by_county.setdefault(pilot.enterprise.county_id, [])
        if len(bucket) < per_county:
            bucket.append(pilot)
    for bucket in by_county.values():
        chosen += bucket
    chosen += [p for p in pilots if p.tier == Pilot.Tier.CITY][:city]
    rng.shuffle(chosen)
    return chosen


def _apply(round, pilots, *, user, rng, drafts: int = 0) -> list[Application]:
    applications = []
    dimensions = list(round.dimensions.order_by("order"))
    for index, pilot in enumerate(pilots):
        application = services.application_open(round=round, pilot=pilot, user=user)
        texts = {
            d.pk: SELF_ASSESSMENT.get(d.key, "").format(n=rng.randint(12, 90), m=rng.randint(6, 40))
            for d in dimensions
        }
        if index < drafts:
            texts = dict(list(texts.items())[:2])  # half written, never submitted
        services.application_save(
            application=application, texts=texts, new_files={}, removed_files=set(), user=user
        )
        if index >= drafts:
            services.application_submit(application=application, user=user)
        applications.append(application)
    return applications


def _recommend(round, *, user) -> None:
    """Every unit recommends up to its quota, the larger enterprises first."""
    units: dict[int | None, list[Application]] = {}
    for application in round.applications.filter(
        status=Application.Status.SUBMITTED
    ).select_related("pilot__enterprise__county"):
        key = (
            None
            if application.pilot.tier == Pilot.Tier.CITY
            else application.pilot.enterprise.county_id
        )
        units.setdefault(key, []).append(application)
    counties = {r.pk: r for r in Region.objects.filter(level=Region.Level.COUNTY)}
    for county_id, applications in sorted(units.items(), key=lambda item: item[0] or 0):
        applications.sort(key=lambda a: (-a.pilot.enterprise.employee_count, a.pk))
        quota = services.quota_for(round, county_id)
        decisions = [
            services.Decision(
                application_id=a.pk,
                recommend=index < quota,
                order=index + 1 if index < quota else None,
                opinion="经县区总工会审核，材料真实，同意推荐。" if index < quota else "",
            )
            for index, a in enumerate(applications)
        ]
        services.recommendation_save(
            round=round,
            county=counties.get(county_id) if county_id else None,
            decisions=decisions,
            user=user,
        )


def _score(round, rng: random.Random, *, share: float = 1.0) -> None:
    """Scores for `share` of the assignments (submitted), written in bulk."""
    indicators = list(
        RubricIndicator.objects.filter(dimension__round=round).order_by("dimension__order", "order")
    )
    quality = {}
    scores, submitted = [], []
    for assignment in Assignment.objects.filter(application__round=round).order_by("pk"):
        if rng.random() > share:
            continue
        level = quality.setdefault(assignment.application_id, rng.uniform(0.62, 0.93))
        for indicator in indicators:
            fraction = min(1.0, max(0.3, rng.gauss(level, 0.06)))
            points = Decimal(round_half(float(indicator.max_points) * fraction))
            scores.append(Score(assignment=assignment, indicator=indicator, points=points))
        submitted.append(assignment.pk)
    reviewer_of = dict(Assignment.objects.filter(pk__in=submitted).values_list("pk", "reviewer_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=set(reviewer_of.values()))}
    for score in scores:
        score._history_user = users[reviewer_of[score.assignment_id]]
    bulk_create_with_history(scores, Score, batch_size=2000, default_change_reason="seed_demo")
    Assignment.objects.filter(pk__in=submitted).update(
        status=Assignment.Status.SUBMITTED,
        submitted_at=timezone.now(),
        comment="材料翔实，成效明显。",
    )


def round_half(value: float) -> float:
    return round(value * 2) / 2


def _round(plan_year: PlanYear, *, user: User, name: str, **fields) -> SelectionRound:
    existing = SelectionRound.objects.filter(plan_year=plan_year).first()
    if existing:
        return existing
    return services.round_create(
        plan_year=plan_year,
        fields={"name": name, "notice_contact": "市总工会组织部 0518-85800000", **fields},
        phase_days=services.default_phase_days(timezone.localdate()),
        user=user,
    )


@transaction.atomic
def seed_selection_demo(
    *, previous: PlanYear, current: PlanYear, seed: int = 2026
) -> list[tuple[str, str, str]]:
    """Both rounds and the reviewer accounts; returns the accounts (user, password, role)."""
    rng = random.Random(seed)
    reviewers_out = ensure_demo_reviewers()
    city = User.objects.get(username="city")
    reviewers = list(User.objects.filter(role=User.Role.REVIEWER, username__startswith="reviewer"))
    reviewers.sort(key=lambda u: u.username)
    if not SelectionRound.objects.filter(plan_year=previous).exists():
        _finished_round(previous, city=city, reviewers=reviewers, rng=rng)
    if not SelectionRound.objects.filter(plan_year=current).exists():
        _round_in_review(current, city=city, reviewers=reviewers, rng=rng)
    return reviewers_out


def _finished_round(plan_year, *, city, reviewers, rng) -> SelectionRound:
    year = plan_year.year
    round = _round(
        plan_year,
        user=city,
        name=f"{year}年度产改示范单位评选",
        units_to_name=10,
        default_quota=3,
        city_quota=3,
    )
    _open(round, Phase.APPLICATION)
    _apply(round, _applicants(rng, plan_year, 4, 4), user=city, rng=rng)
    _open(round, Phase.RECOMMENDATION)
    _recommend(round, user=city)
    services.reviewers_set(round=round, reviewers=reviewers, user=city)
    _open(round, Phase.REVIEW)
    services.assignments_auto(round=round, user=city)
    _score(round, rng)
    _open(round, Phase.NOTICE)
    round.refresh_from_db()
    services.notice_prepare(round=round, user=city)
    services.notice_publish(round=round, user=city)
    entry = round.notice_entries.order_by("position").last()
    objection = services.objection_record(
        round=round,
        entry=entry,
        objector="匿名来信",
        content="反映该企业劳动合同签订不规范。",
        received_at=timezone.now(),
        user=city,
    )
    services.objection_handle(
        objection=objection,
        handling="经市总工会会同县区总工会实地核查，劳动合同签订率100%，反映情况不属实。",
        outcome=Objection.Outcome.REJECTED,
        user=city,
    )
    _open(round, Phase.NAMING)
    round.refresh_from_db()
    services.naming_run(round=round, user=city)
    # Its own year's dates, now that every step is done.
    days = {
        Phase.APPLICATION: (datetime.date(year, 3, 1), datetime.date(year, 3, 31)),
        Phase.RECOMMENDATION: (datetime.date(year, 4, 1), datetime.date(year, 4, 15)),
        Phase.REVIEW: (datetime.date(year, 4, 16), datetime.date(year, 5, 15)),
        Phase.NOTICE: (datetime.date(year, 5, 20), datetime.date(year, 5, 26)),
        Phase.NAMING: (datetime.date(year, 5, 27), datetime.date(year, 6, 30)),
    }
    _set_days(round, days)
    moment = day_start(datetime.date(year, 5, 20)) + datetime.timedelta(hours=9)
    SelectionRound.objects.filter(pk=round.pk).update(
        notice_published_at=moment, rubric_adopted_at=moment - datetime.timedelta(days=40)
    )
    Objection.objects.filter(round=round).update(
        received_at=moment + datetime.timedelta(days=2),
        handled_at=moment + datetime.timedelta(days=4),
    )
    Naming.objects.filter(round=round).update(named_on=datetime.date(year, 6, 3))
    Application.objects.filter(round=round).update(
        submitted_at=day_start(datetime.date(year, 3, 25)),
        recommended_at=day_start(datetime.date(year, 4, 12)),
    )
    Assignment.objects.filter(application__round=round).update(
        submitted_at=day_start(datetime.date(year, 5, 10))
    )
    return round


def _round_in_review(plan_year, *, city, reviewers, rng) -> SelectionRound:
    round = _round(
        plan_year,
        user=city,
        name=f"{plan_year.year}年度产改示范单位评选",
        units_to_name=12,
        default_quota=3,
        city_quota=4,
    )
    _open(round, Phase.APPLICATION)
    _apply(round, _applicants(rng, plan_year, 5, 5), user=city, rng=rng, drafts=2)
    _open(round, Phase.RECOMMENDATION)
    _recommend(round, user=city)
    services.reviewers_set(round=round, reviewers=reviewers, user=city)
    _open(round, Phase.REVIEW)
    services.assignments_auto(round=round, user=city)
    _score(round, rng, share=0.55)
    # The review runs from five days ago for three weeks; the notice and naming follow.
    today = timezone.localdate()
    start = today - datetime.timedelta(days=45)
    _set_days(
        round,
        {
            Phase.APPLICATION: (start, start + datetime.timedelta(days=24)),
            Phase.RECOMMENDATION: (
                start + datetime.timedelta(days=25),
                start + datetime.timedelta(days=39),
            ),
            Phase.REVIEW: (today - datetime.timedelta(days=5), today + datetime.timedelta(days=15)),
            Phase.NOTICE: (
                today + datetime.timedelta(days=18),
                today + datetime.timedelta(days=24),
            ),
            Phase.NAMING: (
                today + datetime.timedelta(days=25),
                today + datetime.timedelta(days=45),
            ),
        },
    )
    return round


# Pairings (结对共建) ---------------------------------------------------------------------------

PAIRING_GOALS = [
    "围绕资源共享、信息互通、文化互融、工作互促，开展技能培训、岗位练兵和职工服务共建。",
    "发挥龙头企业带动作用，帮助结对企业健全工会组织、建立职代会和厂务公开制度。",
    "共建劳模和工匠人才创新工作室，联合开展技术攻关和合理化建议活动。",
]
ENDED_SUMMARIES = [
    "结对目标如期完成：共建培训基地1个，开展联合培训3期。",
    "示范引领作用明显，结对企业工会组织和民主管理制度全面建立。",
]
ACTIVITY_TEXTS = {
    "exchange": "双方工会座谈交流产改经验，梳理下一步共建清单。",
    "study": "组织结对企业职工代表到牵头企业参观学习职工之家和创新工作室建设。",
    "training": "牵头企业技能大师为结对企业一线职工开展专项技能培训。",
    "joint": "联合举办岗位练兵和劳动技能竞赛，共同开展职工文体活动。",
    "sharing": "共享培训基地和实训设备，开放职工书屋和心理咨询服务。",
}


def demo_activity_photo(rng: random.Random) -> bytes:
    """A made-up photo of an activity: a room, a table and people, in the colours of a seed."""
    import io

    from PIL import Image, ImageDraw

    wall = (rng.randint(200, 240), rng.randint(200, 235), rng.randint(180, 220))
    image = Image.new("RGB", (960, 640), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle([120, 380, 840, 460], fill=(rng.randint(110, 150), 80, 50))
    for index in range(rng.randint(4, 8)):
        x = 160 + index * 90
        colour = rng.choice([(30, 60, 140), (180, 40, 40), (40, 120, 60)])
        draw.rectangle([x - 22, 300, x + 22, 390], fill=colour)
        draw.ellipse([x - 20, 250, x + 20, 290], fill=(235, 200, 170))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _activities(pairing, *, days: list[datetime.date], user: User, rng: random.Random) -> None:
    from demonstration.services.pairing import activity_record
    from reform.files import CheckedFile, FileKind

    for index, day in enumerate(days):
        kind = list(ACTIVITY_TEXTS)[(pairing.pk + index) % len(ACTIVITY_TEXTS)]
        photos = []
        if index % 2 == 0:
            photos = [CheckedFile(name="活动照片.jpg", kind=FileKind.JPEG,
                                  content=demo_activity_photo(rng))]  # fmt: skip
        activity_record(pairing=pairing, user=user, held_on=day, kind=kind,
                        participants=f"双方工会负责人、职工代表{rng.randint(10, 60)}人",
                        summary=ACTIVITY_TEXTS[kind], files=photos)  # fmt: skip


def _small_pilots_by_county(plan_year: PlanYear) -> dict[int, list[Pilot]]:
    from demonstration.models import SMALL_EMPLOYEE_LIMIT

    by_county: dict[int, list[Pilot]] = {}
    pilots = (
        Pilot.objects.filter(
            plan_year=plan_year, enterprise__employee_count__lt=SMALL_EMPLOYEE_LIMIT
        )
        .exclude(status__in=[Pilot.Status.WITHDRAWN, Pilot.Status.DEMONSTRATION])
        .select_related("enterprise")
        .order_by("enterprise__county__code", "pk")
    )
    for pilot in pilots:
        by_county.setdefault(pilot.enterprise.county_id, []).append(pilot)
    return by_county


def seed_pairing_demo(*, previous: PlanYear, current: PlanYear, seed: int = 2026) -> int:
    """Pairings of both kinds, active, dormant and ended, with activities and photos, written
    through the services (so every rule holds). 大手牵小手 this year; 示范带试点 led by the
    units the previous year's round named (this year's round has not named any yet)."""
    from demonstration.models import Pairing
    from demonstration.services.pairing import lead_qualifies_big, pairing_create, pairing_end
    from pilots.models import Enterprise

    rng = random.Random(seed + 12)
    city = User.objects.get(username="city")
    today = timezone.localdate()
    made = 0
    large = Enterprise.objects.filter(employee_count__gte=300).order_by("-employee_count", "pk")
    leads = [enterprise for enterprise in large[:60] if lead_qualifies_big(enterprise)]
    by_county = _small_pilots_by_county(current)
    # This year, 大手牵小手: in each county-level unit an active, a dormant and an ended pairing.
    for index, (_county, pilots) in enumerate(sorted(by_county.items())):
        for shape in ("active", "dormant", "ended"):
            size = rng.randint(1, 3)
            partners, pilots[:] = pilots[:size], pilots[size:]
            if not partners or not leads:
                break
            lead = leads[(index * 3 + len(pilots)) % len(leads)]
            if any(p.enterprise_id == lead.pk for p in partners):
                continue
            starts = today - datetime.timedelta(days=rng.randint(150, 280))
            pairing = pairing_create(user=city, plan_year=current, kind=Pairing.Kind.BIG_SMALL,
                                     lead=lead, partners=partners, starts_on=starts,
                                     goals=rng.choice(PAIRING_GOALS))  # fmt: skip
            if shape == "active":
                days = [today - datetime.timedelta(days=d) for d in (120, 60, 12)]
            else:
                days = [starts + datetime.timedelta(days=d) for d in (10, 35)]
            _activities(pairing, days=[d for d in days if d >= starts], user=city, rng=rng)
            if shape == "ended":
                ends_on = starts + datetime.timedelta(days=40)
                pairing_end(pairing=pairing, user=city, ends_on=ends_on,
                            closing_summary=ENDED_SUMMARIES[0])  # fmt: skip
            made += 1
    # Last year, 示范带试点: named demonstration units lead pilots of their county.
    units = list(
        Pilot.objects.filter(plan_year=previous, status=Pilot.Status.DEMONSTRATION)
        .select_related("enterprise")
        .order_by("pk")[:6]
    )
    earlier = _small_pilots_by_county(previous)
    for index, unit in enumerate(units):
        partners = earlier.get(unit.enterprise.county_id, [])[:2]
        earlier[unit.enterprise.county_id] = earlier.get(unit.enterprise.county_id, [])[2:]
        partners = [p for p in partners if p.enterprise_id != unit.enterprise_id]
        if not partners:
            continue
        starts = datetime.date(previous.year, 4, 1) + datetime.timedelta(days=index * 7)
        pairing = pairing_create(user=city, plan_year=previous, kind=Pairing.Kind.DEMONSTRATION,
                                 lead=unit.enterprise, partners=partners, starts_on=starts,
                                 goals=rng.choice(PAIRING_GOALS))  # fmt: skip
        days = [starts + datetime.timedelta(days=d) for d in (20, 75, 150)]
        _activities(pairing, days=days, user=city, rng=rng)
        if index % 2:
            pairing_end(pairing=pairing, user=city, ends_on=datetime.date(previous.year, 12, 20),
                        closing_summary=ENDED_SUMMARIES[1])  # fmt: skip
        made += 1
    return made
