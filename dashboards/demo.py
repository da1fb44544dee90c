"""Deterministic demo data: enterprises, pilots in every tier, cluster members, demo accounts.

Everything made here is demo data. Parks that no source confirms are created with is_demo=True
and say so on the pages. The same seed gives the same data.
"""

import datetime
import heapq
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, GuidanceStation
from demonstration.demo import seed_pairing_demo, seed_selection_demo
from pilots.models import Enterprise, Pilot, PilotPlan
from pilots.snapshots import grow_snapshots, snapshot_rows, take_snapshot
from promotion.demo import seed_promotion_demo
from reform.creditcode import ALPHABET, make_credit_code
from reform.industries import industry_q
from reform.models import Industry, Park, PlanYear, Region, User
from reform.reference import load_all_reference
from reform.services import plan_year_create

CURRENT_YEAR = 2026
PREVIOUS_YEAR = 2025

# Development zones named by the NBS township-level codes; their level is a demo assumption.
DEMO_PARKS = [
    ("连云经济技术开发区", "320703", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("海州经济开发区", "320706", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("赣榆经济开发区", "320707", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("赣榆海洋经济开发区", "320707", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.UNKNOWN),
    ("江苏东海经济开发区", "320722", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("灌云经济开发区", "320723", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("灌云临港产业区", "320723", Park.Kind.INDUSTRIAL_PARK, Park.ParkLevel.UNKNOWN),
    ("灌南经济开发区", "320724", Park.Kind.DEVELOPMENT_ZONE, Park.ParkLevel.PROVINCIAL),
    ("灌南县食用菌产业园", "320724", Park.Kind.INDUSTRIAL_PARK, Park.ParkLevel.MUNICIPAL),
    ("东海县水晶产业园", "320722", Park.Kind.INDUSTRIAL_PARK, Park.ParkLevel.MUNICIPAL),
]
DEMO_SOURCE = "演示数据：园区级别未经来源核实 (demo data: level not confirmed by a source)"

# County-tier pilots per county for the current year: (counted, of them in zones, proposed).
# Chosen so that some counties meet both rules, some one, some neither.
COUNTY_PROFILE = {
    "320703": (15, 8, 2),
    "320706": (16, 7, 3),
    "320707": (12, 5, 4),
    "320722": (18, 9, 1),
    "320723": (9, 3, 5),
    "320724": (14, 8, 2),
    "320771": (17, 12, 0),
}
CITY_COUNTED, CITY_PROPOSED = 27, 5

BRAND = list("恒华瑞金海天新东中宏盛泰康鑫达远通源润嘉和信诚德隆丰晶辰宇航正昌益汇联科创")
# The demo's industries: GB/T 4754-2017 classes with the core-industry tag they often carry
# here ("" for none), and words for enterprise names.
DEMO_INDUSTRIES = [
    ("2614", "petrochemicals", ["石化", "化工", "新材料化工"]),
    ("2511", "petrochemicals", ["炼化", "石化"]),
    ("2720", "new_medicine", ["制药", "医药", "药业"]),
    ("2761", "new_medicine", ["生物医药", "生物科技"]),
    ("3091", "new_materials", ["碳纤维", "复合材料", "新材料"]),
    ("2651", "new_materials", ["新材料", "高分子材料"]),
    ("3825", "new_energy", ["光伏", "新能源"]),
    ("4415", "new_energy", ["风电", "新能源"]),
    ("3511", "high_end_equipment", ["重工", "装备制造"]),
    ("3734", "high_end_equipment", ["船舶装备", "智能装备"]),
    ("0142", "", ["菌业", "食用菌", "菌菇科技"]),
    ("0412", "", ["水产", "渔业"]),
    ("1311", "", ["粮油", "米业"]),
    ("1431", "", ["食品"]),
    ("3099", "", ["水晶", "石英", "硅微粉", "水晶制品"]),
    ("3921", "", ["通信", "电子"]),
    ("3411", "", ["锅炉", "机械"]),
    ("4710", "", ["建设", "建工"]),
    ("5532", "", ["港务", "物流"]),
    ("5191", "", ["再生资源"]),
    ("6513", "", ["软件", "信息科技"]),
    ("6210", "", ["餐饮"]),
    ("7291", "", ["旅行社", "文旅"]),
    ("8411", "", ["医院"]),
]
TRADE = {code: words for code, _tag, words in DEMO_INDUSTRIES}
CORE_TAG = {code: tag for code, tag, _words in DEMO_INDUSTRIES}
# Trade words of county lists that no GB/T entry matches: the demo's 待归类 enterprises.
UNCLASSIFIED_TEXTS = ["海产品干制", "水晶饰品加工", "电商服务", "菌菇深加工"]
UNCLASSIFIED_SHARE = 0.03
SUFFIX = ["有限公司", "股份有限公司", "集团有限公司", "科技有限公司"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙朱马胡郭林何高罗郑梁谢宋唐许韩冯邓曹彭曾")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玲")
ROADS = ["人民路", "海连路", "朝阳路", "解放路", "工业大道", "开发大道", "振兴路", "港城大道"]
OWNERSHIP_WEIGHTS = [
    (Enterprise.Ownership.PRIVATE, 54),
    (Enterprise.Ownership.STATE_OWNED, 9),
    (Enterprise.Ownership.STATE_CONTROLLED, 5),
    (Enterprise.Ownership.FOREIGN, 5),
    (Enterprise.Ownership.MIXED, 10),
    (Enterprise.Ownership.COLLECTIVE, 5),
    (Enterprise.Ownership.HK_MACAO_TAIWAN, 3),
    (Enterprise.Ownership.INDIVIDUAL, 4),
    (Enterprise.Ownership.OTHER, 5),
]
# Of the mixed-ownership enterprises, the share the state controls (so the demo has both).
MIXED_STATE_CONTROLLED = 0.4
ORG_VALUES = {char: int(char, 36) for char in ALPHABET}
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body: str) -> str:
    """An 8-character organisation code body with its GB 11714 check character."""
    check = 11 - sum(ORG_VALUES[c] * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def ownership_of(rng: random.Random, control_rng: random.Random) -> dict:
    """A kind of ownership and, for mixed ownership, whether the state controls it.

    The answer comes from its own random stream, so the rest of the demo stays as it was.
    """
    kind = weighted(rng, OWNERSHIP_WEIGHTS)
    controls = None
    if kind == Enterprise.Ownership.MIXED:
        controls = control_rng.random() < MIXED_STATE_CONTROLLED
    return {"ownership": kind, "state_controls": controls}


@dataclass
class DemoResult:
    enterprises: int
    pilots: int
    users: list[tuple[str, str, str]]


class DemoBuilder:
    def __init__(self, *, seed: int = 2026):
        self.rng = random.Random(seed)
        self.control_rng = random.Random(seed + 1)
        self.codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))

    def credit_code(self, county_code: str) -> str:
        while True:
            body = "".join(self.rng.choice(ALPHABET[:10] + ALPHABET[10:]) for _ in range(8))
            code = make_credit_code("91" + county_code + org_code(body))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def person(self) -> tuple[str, str]:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        phone = "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9))
        return name, phone

    def enterprise_name(self, county: Region, industry: Industry | None, text: str = "") -> str:
        rng = self.rng
        place = county.name.removesuffix("县").removesuffix("区")
        if county.kind == Region.Kind.FUNCTIONAL_ZONE or rng.random() < 0.35:
            place = "连云港"
        if industry is None:
            trade = text[:2]
        else:
            trade = rng.choice(TRADE.get(industry.code, [industry.name[:4]]))
        brand = rng.choice(BRAND) + rng.choice(BRAND)
        return f"{place}{brand}{trade}{rng.choice(SUFFIX)}"

    def make_enterprises(
        self,
        count: int,
        counties: list[Region],
        townships: dict,
        parks: dict,
        industries: list[Industry],
    ) -> list[Enterprise]:
        rng = self.rng
        by_code = {i.code: i for i in industries}
        core = [by_code[code] for code, tag, _words in DEMO_INDUSTRIES if tag and code in by_code]
        industries = [by_code[code] for code, _t, _w in DEMO_INDUSTRIES if code in by_code]
        county_weights = [3 if c.kind == Region.Kind.FUNCTIONAL_ZONE else 2 for c in counties]
        made = []
        for index in range(count):
            county = (
                counties[index % len(counties)]
                if index < len(counties) * 40
                else (rng.choices(counties, weights=county_weights)[0])
            )
            # Cluster themes are common in their home counties, core industries everywhere.
            roll = rng.random()
            if county.code == "320722" and roll < 0.2:
                industry = by_code.get("3099") or rng.choice(industries)
            elif county.code == "320724" and roll < 0.2:
                industry = by_code.get("0142") or rng.choice(industries)
            elif county.code == "320771" and roll < 0.25:
                industry = by_code.get("2720") or rng.choice(industries)
            elif roll < 0.55:
                industry = rng.choice(core)
            else:
                industry = rng.choice(industries)
            text = ""
            if rng.random() < UNCLASSIFIED_SHARE:
                industry, text = None, rng.choice(UNCLASSIFIED_TEXTS)
            tag = CORE_TAG.get(industry.code, "") if industry is not None else ""
            township = rng.choice(townships[county.pk])
            county_parks = parks.get(county.pk, [])
            park = rng.choice(county_parks) if county_parks and rng.random() < 0.35 else None
            employees = int(rng.lognormvariate(4.3, 1.1))
            contact, phone = self.person()
            made.append(
                Enterprise(
                    name=self.enterprise_name(county, industry, text),
                    credit_code=self.credit_code(county.code),
                    county=county,
                    township=township,
                    park=park,
                    industry=industry,
                    industry_text=text,
                    core_industry=tag,
                    **ownership_of(rng, self.control_rng),
                    employee_count=max(employees, 3),
                    is_leading=employees > 400 and rng.random() < 0.5,
                    chain_position=rng.choice(["", "", "upstream", "downstream"]),
                    is_industry_education=rng.random() < 0.05,
                    contact_name=contact,
                    contact_phone=phone,
                    address=f"{county.name}{township.name}{rng.choice(ROADS)}{rng.randint(1, 999)}号",  # noqa: E501
                )
            )
        return made


def ensure_reference() -> None:
    load_all_reference()


def ensure_plan_years() -> dict[int, PlanYear]:
    years = {}
    for year in (PREVIOUS_YEAR, CURRENT_YEAR):
        plan_year = PlanYear.objects.filter(year=year).first() or plan_year_create(
            year=year, title=f"{year}年度产改试点"
        )
        years[year] = plan_year
    if not PlanYear.objects.filter(is_current=True).exists():
        PlanYear.objects.filter(year=CURRENT_YEAR).update(is_current=True)
    return years


def ensure_demo_parks() -> None:
    counties = {r.code: r for r in Region.objects.filter(level=Region.Level.COUNTY)}
    for name, county_code, kind, level in DEMO_PARKS:
        if county_code in counties:
            Park.objects.get_or_create(
                name=name,
                defaults={
                    "county": counties[county_code],
                    "kind": kind,
                    "level": level,
                    "source": DEMO_SOURCE,
                    "is_demo": True,
                },
            )


DEMO_PASSWORD_SUFFIX = "-demo-2026"
DEMO_USERS = [
    # username, role, region code, full name
    ("admin", User.Role.ADMIN, None, "系统管理员"),
    ("city", User.Role.CITY_STAFF, None, "市总工会 王芳"),
    ("donghai", User.Role.COUNTY, "320722", "东海县总工会 李强"),
    ("niushan", User.Role.TOWNSHIP, "320722001", "牛山街道 张敏"),
    ("leader", User.Role.LEADER, None, "市总工会领导"),
]


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """One account per role; passwords are reset to the printed demo values."""
    result = []
    for username, role, region_code, full_name in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.region = Region.objects.get(code=region_code) if region_code else None
        user.first_name = full_name
        user.is_staff = user.is_superuser = role == User.Role.ADMIN
        user.is_active = True
        password = username + DEMO_PASSWORD_SUFFIX
        user.set_password(password)
        user.save()
        result.append((username, password, str(User.Role(role).label)))
    return result


class PilotPlanner:
    """Chooses enterprises for pilots so that the quota picture is mixed but believable."""

    def __init__(self, rng: random.Random, enterprises: list[Enterprise]):
        self.rng = rng
        self.used: set[int] = set()
        self.by_county = defaultdict(list)
        self.by_county_zone = defaultdict(list)
        self.by_township = defaultdict(list)
        zone_parks = {p.pk for p in Park.objects.all() if p.counts_as_development_zone}
        for enterprise in enterprises:
            self.by_county[enterprise.county_id].append(enterprise)
            self.by_township[enterprise.township_id].append(enterprise)
            if enterprise.park_id in zone_parks:
                self.by_county_zone[enterprise.county_id].append(enterprise)
        self.all = enterprises

    def take(self, pool: list[Enterprise], count: int, *, prefer_large: bool = False):
        if prefer_large:
            pool = heapq.nsmallest(
                count * 3 + len(self.used),
                pool,
                key=lambda e: (-e.is_leading, -e.employee_count, e.pk),
            )
        candidates = [e for e in pool if e.pk not in self.used]
        if prefer_large:
            candidates = candidates[: count * 3]
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        self.used.update(e.pk for e in chosen)
        return chosen


def counted_status(rng: random.Random) -> str:
    # Demonstration units come from the selection rounds' namings only (demonstration/demo.py);
    # the draw stays so that the rest of the demo data does not change.
    rng.random()
    return Pilot.Status.CONFIRMED


def plan_pilots(rng, enterprises, plan_year, *, scale: float, townships, registered_by):
    planner = PilotPlanner(rng, enterprises)
    pilots = []

    def add(chosen, tier, status):
        for enterprise in chosen:
            pilots.append(
                Pilot(
                    enterprise=enterprise,
                    plan_year=plan_year,
                    tier=tier,
                    status=status() if callable(status) else status,
                    own_plan="",
                    registered_by=registered_by,
                )
            )

    def scaled(n):
        return round(n * scale)

    city_pool = planner.all
    add(
        planner.take(city_pool, scaled(CITY_COUNTED), prefer_large=True),
        Pilot.Tier.CITY,
        lambda: counted_status(rng),
    )
    add(
        planner.take(city_pool, scaled(CITY_PROPOSED), prefer_large=True),
        Pilot.Tier.CITY,
        Pilot.Status.PROPOSED,
    )
    add(planner.take(city_pool, scaled(2)), Pilot.Tier.CITY, Pilot.Status.WITHDRAWN)

    for county_id, pool in planner.by_county.items():
        code = next(e.county.code for e in pool[:1])
        counted, in_zone, proposed = COUNTY_PROFILE.get(code, (rng.randint(8, 17), 6, 2))
        zone_pool = planner.by_county_zone[county_id]
        zone_ids = {e.pk for e in zone_pool}
        outside = [e for e in pool if e.pk not in zone_ids]
        add(
            planner.take(zone_pool, scaled(in_zone)), Pilot.Tier.COUNTY, lambda: counted_status(rng)
        )
        add(
            planner.take(outside, scaled(counted - in_zone)),
            Pilot.Tier.COUNTY,
            lambda: counted_status(rng),
        )
        add(planner.take(pool, scaled(proposed)), Pilot.Tier.COUNTY, Pilot.Status.PROPOSED)

    for township in townships:
        pool = planner.by_township[township.pk]
        weights = [0, 1, 2, 2, 3, 3, 3, 4, 5] if township.is_administrative else [0, 0, 1]
        counted = scaled(rng.choice(weights))
        add(planner.take(pool, counted), Pilot.Tier.TOWNSHIP, lambda: counted_status(rng))
        add(
            planner.take(pool, rng.choice([0, 0, 1, 2])), Pilot.Tier.TOWNSHIP, Pilot.Status.PROPOSED
        )
        if rng.random() < 0.1:
            add(planner.take(pool, 1), Pilot.Tier.TOWNSHIP, Pilot.Status.WITHDRAWN)
    return pilots


@transaction.atomic
def seed_demo(*, enterprises: int = 3000, seed: int = 2026) -> DemoResult:
    ensure_reference()
    years = ensure_plan_years()
    ensure_demo_parks()
    users = ensure_demo_users()
    builder = DemoBuilder(seed=seed)
    rng = builder.rng

    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("code"))
    township_list = list(Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code"))
    townships = defaultdict(list)
    for township in township_list:
        townships[township.parent_id].append(township)
    parks = defaultdict(list)
    for park in Park.objects.order_by("name"):
        parks[park.county_id].append(park)
    industries = list(Industry.objects.order_by("order", "code"))

    made = builder.make_enterprises(enterprises, counties, townships, parks, industries)
    # The demo's records were "registered" by the city staff account, and their history says so.
    registrar = User.objects.get(username="city")
    created = bulk_create_with_history(
        made, Enterprise, batch_size=2000, default_user=registrar, default_change_reason="seed_demo"
    )
    # bulk_create returns primary keys on PostgreSQL and on SQLite 3.35 or newer.
    if created and created[0].pk is None:
        raise RuntimeError("seed_demo needs SQLite 3.35 or newer (or PostgreSQL).")
    pilots = plan_pilots(
        rng,
        created,
        years[CURRENT_YEAR],
        scale=1.0,
        townships=township_list,
        registered_by=registrar,
    )
    pilots += plan_pilots(
        rng,
        created,
        years[PREVIOUS_YEAR],
        scale=0.7,
        townships=township_list,
        registered_by=registrar,
    )
    bulk_create_with_history(
        pilots, Pilot, batch_size=2000, default_user=registrar, default_change_reason="seed_demo"
    )

    seed_clusters_and_stations(rng, years[CURRENT_YEAR])
    seed_plans(rng, years[CURRENT_YEAR], registrar)
    seed_promotion_demo(plan_year=years[CURRENT_YEAR], seed=seed)
    # A finished selection round last year, this year's in review, and the reviewers.
    users += seed_selection_demo(
        previous=years[PREVIOUS_YEAR], current=years[CURRENT_YEAR], seed=seed
    )
    # Pairings: 大手牵小手 this year, 示范带试点 led by last year's named units (issue 12).
    seed_pairing_demo(previous=years[PREVIOUS_YEAR], current=years[CURRENT_YEAR], seed=seed)
    seed_snapshots(previous=years[PREVIOUS_YEAR], current=years[CURRENT_YEAR])
    return DemoResult(enterprises=len(created), pilots=len(pilots), users=users)


def seed_snapshots(*, previous: PlanYear, current: PlanYear) -> None:
    """Weekly progress snapshots, so that the trend lines of the overview and the county pages
    have a past to draw: the previous plan year's all year, this year's from 1 January to
    today, each growing evenly to the year's figures (the demo's pilots have no history of
    their own)."""
    today = timezone.localdate()
    spans = [(previous, datetime.date(previous.year, 12, 31))]
    if today.year == current.year:
        spans.append((current, today))
    for plan_year, last in spans:
        take_snapshot(plan_year, last)
        grow_snapshots(
            plan_year,
            datetime.date(plan_year.year, 1, 1),
            last - datetime.timedelta(days=1),
            like=snapshot_rows(plan_year, last),
            step_days=7,
        )


def seed_clusters_and_stations(rng: random.Random, plan_year: PlanYear) -> None:
    for cluster in Cluster.objects.select_related("industry", "county"):
        members = Enterprise.objects.filter(
            industry_q(cluster.industry.code), county=cluster.county
        )
        cluster.members.add(*members.order_by("pk")[:40])
    for park in Park.objects.order_by("name"):
        if not park.counts_as_development_zone:
            continue
        contact, phone = DemoBuilder(seed=park.pk).person()
        station, _created = GuidanceStation.objects.get_or_create(
            name=f"{park.name}产改指导站",
            defaults={
                "park": park,
                "contact_name": contact,
                "contact_phone": phone,
                "founded_on": datetime.date(2024, rng.randint(1, 12), rng.randint(1, 28)),
            },
        )
        pilots = Pilot.objects.filter(plan_year=plan_year, enterprise__park=park)
        station.pilots.add(*pilots)


PLAN_GOALS = [
    "建立职工技能等级认定制度，年内新增高技能人才{n}名。",
    "完善劳模和工匠人才创新工作室，开展技术攻关项目{n}项。",
    "健全职工代表大会制度，落实厂务公开，年内召开职代会{n}次。",
    "畅通产业工人职业发展通道，推行“技能+学历”双提升，年内{n}人取得学历提升。",
]
PLAN_MEASURES = [
    "与职业院校共建实训基地；每季度开展岗位练兵和技能竞赛。",
    "设立职工创新专项资金；实行师带徒结对，签订带徒协议。",
    "将技能等级与薪酬挂钩；建立首席技师制度。",
]


def seed_plans(rng: random.Random, plan_year: PlanYear, registrar: User) -> None:
    """Own plans (一企一策) for most counted pilots; some are left without, as in real life."""
    plans = []
    counted = Pilot.objects.filter(plan_year=plan_year, status__in=Pilot.COUNTED_STATUSES)
    for pilot in counted.order_by("pk"):
        if rng.random() < 0.7:
            plans.append(
                PilotPlan(
                    pilot=pilot,
                    goals=rng.choice(PLAN_GOALS).format(n=rng.randint(2, 30)),
                    measures=rng.choice(PLAN_MEASURES),
                    target_date=datetime.date(plan_year.year, 12, 31),
                    updated_by=registrar,
                )
            )
    bulk_create_with_history(
        plans, PilotPlan, batch_size=2000, default_user=registrar, default_change_reason="seed_demo"
    )
