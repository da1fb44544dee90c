"""Demo cases and media reports: every state of the workflow, a year of coverage.

Deterministic for a seed (report dates are clamped to today, so that none lies in the future).
Photos are drawn with Pillow and stored through reform.files like any upload: re-encoded,
without metadata, with a thumbnail. Everything is recorded in the history under the demo
account that would have done it.
"""

import datetime
import io
import random
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from simple_history.utils import bulk_create_with_history

from pilots.models import Pilot
from promotion.models import (
    Case,
    CaseDimension,
    CasePilot,
    MediaReport,
    Programme,
    ReportCase,
    ReportPilot,
)
from promotion.services import case_attachments_add, place_of
from reform.files import PHOTO_KINDS, check_upload
from reform.models import Dimension, PlanYear, User

# (title, summary, paragraphs) per dimension; {name} is the enterprise.
WRITE_UPS = {
    Dimension.POLITICAL: [
        (
            "党建带工建，职代会开到生产一线",
            "{name}把职工代表大会延伸到车间班组，职工提案办结率达到百分之百。",
            [
                "{name}坚持党建带工建，把产业工人队伍建设改革列入党委年度重点工作，"
                "党政主要负责人任产改工作领导小组组长。",
                "企业健全以职工代表大会为基本形式的民主管理制度，在车间设立职代会工作组，"
                "厂务公开栏延伸到班组，职工关心的薪酬、安全、培训事项按季度公开。",
                "一年来，职工代表提出合理化提案四十余件，全部办结答复，职工满意度明显提升。",
            ],
        ),
        (
            "思想引领凝聚产业工人奋进力量",
            "{name}开设“产业工人大讲堂”，把思想政治引领融入技能培训和班组建设。",
            [
                "{name}组建由劳模、工匠组成的宣讲队，深入车间讲政策、讲技术、讲故事。",
                "企业把思想政治工作与班组建设结合，评选“党员先锋岗”和“工人先锋号”，"
                "职工主人翁意识不断增强。",
            ],
        ),
    ],
    Dimension.EMPOWERMENT: [
        (
            "“师带徒”跑出技能人才成长加速度",
            "{name}推行导师带徒制度，签订带徒协议，徒弟出师率和技能等级明显提升。",
            [
                "{name}从一线选拔技术骨干担任导师，与徒弟签订带徒协议，明确培养目标和考核标准。",
                "企业对出师合格的师徒给予奖励，把带徒成效与导师评优、晋升挂钩。",
                "一年来新增高级工以上技能人才三十余名，一线班组长全部具备中级工以上技能等级。",
            ],
        ),
        (
            "技能等级认定打通职工成长通道",
            "{name}开展企业自主技能等级认定，把技能等级与薪酬、岗位晋升挂钩。",
            [
                "{name}获批开展职业技能等级自主评价，围绕主要工种建立评价标准。",
                "企业建立首席技师制度，技能人才可沿管理、技术、技能三条通道发展。",
            ],
        ),
    ],
    Dimension.ACHIEVEMENT: [
        (
            "劳模创新工作室攻关破解生产难题",
            "{name}依托劳模创新工作室开展技术攻关，年内完成攻关项目十余项。",
            [
                "{name}以劳模名字命名创新工作室，面向生产难题开展“揭榜挂帅”。",
                "工作室成员来自不同班组，形成了“发现问题—集体攻关—成果推广”的工作机制。",
                "年内完成技术攻关和工艺改进项目十余项，获得实用新型专利多项，创效数百万元。",
            ],
        ),
        (
            "劳动竞赛激发职工创新创效活力",
            "{name}围绕重点项目开展岗位练兵和劳动竞赛，以赛促学、以赛促干。",
            [
                "{name}每季度组织岗位练兵和技能比武，竞赛结果与评先评优挂钩。",
                "职工合理化建议经评审后立即实施，成果转化率明显提高。",
            ],
        ),
    ],
    Dimension.RIGHTS: [
        (
            "集体协商让职工共享发展成果",
            "{name}开展工资集体协商，建立工资正常增长机制，职工收入稳步提高。",
            [
                "{name}工会代表职工与企业开展工资集体协商，签订工资专项集体合同。",
                "协商明确了一线职工工资增长幅度和技能津贴标准，职工共享企业发展成果。",
            ],
        ),
        (
            "职工服务驿站打通服务“最后一米”",
            "{name}在厂区建设职工服务驿站，提供休息、学习、心理咨询等服务。",
            [
                "{name}建成职工服务驿站和爱心母婴室，配备阅览、休息、健身设施。",
                "工会定期开展心理疏导、健康体检和困难职工帮扶，职工归属感明显增强。",
            ],
        ),
    ],
}
RETURN_COMMENT = "请补充具体数据（如培训人次、技能等级提升人数）和两张活动现场照片后再报送。"

# (outlet, kind, level) of the outlets that covered the demo pilots.
OUTLETS = [
    ("人民日报", MediaReport.OutletKind.MAINSTREAM, MediaReport.Level.NATIONAL),
    ("工人日报", MediaReport.OutletKind.UNION, MediaReport.Level.NATIONAL),
    ("中工网", MediaReport.OutletKind.UNION, MediaReport.Level.NATIONAL),
    ("新华日报", MediaReport.OutletKind.MAINSTREAM, MediaReport.Level.PROVINCIAL),
    ("江苏工人报", MediaReport.OutletKind.UNION, MediaReport.Level.PROVINCIAL),
    ("交汇点新闻", MediaReport.OutletKind.NEW_MEDIA, MediaReport.Level.PROVINCIAL),
    ("连云港日报", MediaReport.OutletKind.MAINSTREAM, MediaReport.Level.CITY),
    ("苍梧晚报", MediaReport.OutletKind.MAINSTREAM, MediaReport.Level.CITY),
    ("连云港发布", MediaReport.OutletKind.NEW_MEDIA, MediaReport.Level.CITY),
    ("连云港工会微信公众号", MediaReport.OutletKind.UNION, MediaReport.Level.CITY),
    ("东海县融媒体中心", MediaReport.OutletKind.MAINSTREAM, MediaReport.Level.COUNTY),
]
HEADLINES = [
    "{short}：产业工人队伍建设改革见行见效",
    "技能强企 匠心筑梦——走进{short}",
    "{short}职工创新工作室里的“金点子”",
    "从学徒到工匠：{short}的人才成长之路",
    "{short}：集体协商让职工腰包鼓起来",
]
# example.com is reserved for examples (RFC 2606): no demo link points at a real outlet.
DEMO_LINK = "https://news.example.com"
# County-level units the demo's reports leave out, so that the dashboards show units in red.
UNCOVERED_COUNTIES = ("320723", "320771")


@dataclass
class PromotionDemoResult:
    cases: int
    reports: int
    programmes: int


def demo_photo(rng: random.Random, *, width: int = 1200, height: int = 800) -> bytes:
    """A made-up "photo": sky, a factory hall and people, in the colours of a seed."""
    sky = (rng.randint(150, 200), rng.randint(190, 225), rng.randint(225, 250))
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    ground = height * 2 // 3
    draw.rectangle([0, ground, width, height], fill=(rng.randint(90, 130),) * 3)
    for _hall in range(rng.randint(2, 4)):
        left = rng.randint(0, width - 300)
        top = rng.randint(height // 4, ground - 80)
        colour = (rng.randint(170, 230), rng.randint(60, 120), rng.randint(50, 90))
        draw.rectangle([left, top, left + rng.randint(200, 420), ground], fill=colour)
    for _person in range(rng.randint(3, 7)):
        x = rng.randint(40, width - 40)
        colour = rng.choice([(30, 60, 140), (200, 120, 20), (40, 120, 60)])
        draw.rectangle([x - 18, ground - 10, x + 18, ground + 90], fill=colour)
        draw.ellipse([x - 16, ground - 46, x + 16, ground - 14], fill=(235, 200, 170))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _save(record, user: User, reason: str = "seed_promotion_demo") -> None:
    record._history_user = user
    record._change_reason = reason
    record.save()


def _case(rng: random.Random, pilot: Pilot, dimension: str, *, status: str, author: User) -> Case:
    title, summary, paragraphs = rng.choice(WRITE_UPS[dimension])
    name = pilot.enterprise.name
    county_id, township_id = place_of([pilot])
    year = pilot.plan_year.year
    moment = timezone.make_aware(datetime.datetime(year, rng.randint(3, 9), rng.randint(1, 28), 10))
    case = Case(
        title=f"{name}：{title}",
        plan_year=pilot.plan_year,
        summary=summary.format(name=name),
        text="\n\n".join(p.format(name=name) for p in paragraphs),
        status=status,
        author=author,
        county_id=county_id,
        township_id=township_id,
    )
    if status != Case.Status.DRAFT:
        case.submitted_at = moment
    if status in Case.COLLECTED_STATUSES:
        case.selected_at = moment + datetime.timedelta(days=10)
    if status == Case.Status.PUBLISHED:
        case.published_at = moment + datetime.timedelta(days=20)
    _save(case, author)
    # Written some days before it was submitted (created_at is set on insert).
    Case.objects.filter(pk=case.pk).update(created_at=moment - datetime.timedelta(days=7))
    bulk_create_with_history([CasePilot(case=case, pilot=pilot)], CasePilot, default_user=author)
    extra = rng.choice([d for d in Dimension.values if d != dimension])
    links = [CaseDimension(case=case, dimension=dimension)]
    if rng.random() < 0.4:
        links.append(CaseDimension(case=case, dimension=extra))
    bulk_create_with_history(links, CaseDimension, default_user=author)
    if status != Case.Status.DRAFT:
        photos = [
            check_upload(SimpleUploadedFile(f"现场{n}.jpg", demo_photo(rng)), kinds=PHOTO_KINDS)
            for n in range(1, rng.randint(2, 3))
        ]
        case_attachments_add(case=case, files=photos, user=author)
    return case


def _writer(pilot: Pilot, accounts: dict[str, User], city: User) -> User:
    """The demo account of the pilot's township or county, else the city's."""
    enterprise = pilot.enterprise
    for region_id in (enterprise.township_id, enterprise.county_id):
        for user in accounts.values():
            if user.region_id == region_id:
                return user
    return city


def seed_promotion_demo(*, plan_year: PlanYear, seed: int = 2026) -> PromotionDemoResult:
    """Cases in every state (and a previous year's published ones), a column and a programme,
    and a year of media reports across outlets. Needs the demo accounts and pilots."""
    rng = random.Random(seed)
    city = User.objects.get(username="city")
    accounts = {u.username: u for u in User.objects.filter(username__in=["donghai", "niushan"])}
    counted = Pilot.objects.filter(status__in=Pilot.COUNTED_STATUSES).select_related(
        "enterprise__county", "plan_year"
    )
    pilots = list(counted.filter(plan_year=plan_year).order_by("pk"))
    covered = [p for p in pilots if p.enterprise.county.code not in UNCOVERED_COUNTIES]
    # The demo's township and county accounts have drafts of their own to work on (any pilot
    # of theirs that is not withdrawn: a small demo may have no counted one there).
    active = (
        Pilot.objects.filter(plan_year=plan_year)
        .exclude(status=Pilot.Status.WITHDRAWN)
        .select_related("enterprise__county", "plan_year")
        .order_by("pk")
    )
    own = []
    niushan_id = accounts["niushan"].region_id if "niushan" in accounts else None
    if niushan_id:
        own += list(active.filter(enterprise__township_id=niushan_id)[:1])
    if "donghai" in accounts:
        own += list(
            active.filter(enterprise__county_id=accounts["donghai"].region_id).exclude(
                enterprise__township_id=niushan_id
            )[:1]
        )

    S = Case.Status
    plan = [(S.DRAFT, 3), (S.SUBMITTED, 3), (S.SELECTED, 3), (S.PUBLISHED, 7)]
    others = [p for p in covered if p not in own]
    chosen = own + rng.sample(others, sum(n for _s, n in plan) - len(own))
    dimensions = list(Dimension.values)
    cases, index = [], 0
    for status, count in plan:
        for _n in range(count):
            pilot = chosen[index]
            author = _writer(pilot, accounts, city)
            dimension = dimensions[index % len(dimensions)]
            cases.append(_case(rng, pilot, dimension, status=status, author=author))
            index += 1
    returned = cases[1]
    returned.return_comment, returned.returned_by = RETURN_COMMENT, city
    returned.returned_at = timezone.now()
    _save(returned, city, reason="case:return")

    previous = list(counted.filter(plan_year__year=plan_year.year - 1).order_by("pk"))
    for n, pilot in enumerate(rng.sample(previous, min(3, len(previous)))):
        cases.append(_case(rng, pilot, dimensions[n], status=S.PUBLISHED, author=city))

    start = datetime.date(plan_year.year, 1, 1)
    column = Programme(
        name="产改进行时",
        kind=Programme.Kind.COLUMN,
        outlet="连云港日报",
        starts_on=start,
        created_by=city,
    )
    programme = Programme(
        name="工匠风采",
        kind=Programme.Kind.PROGRAMME,
        outlet="连云港广播电视台",
        starts_on=datetime.date(plan_year.year, 3, 1),
        ends_on=datetime.date(plan_year.year, 12, 31),
        created_by=city,
    )
    for record in (column, programme):
        _save(record, city)

    reports = _seed_reports(rng, plan_year, covered, cases, column, programme, city)
    return PromotionDemoResult(cases=len(cases), reports=reports, programmes=2)


def _seed_reports(rng, plan_year, pilots, cases, column, programme, city) -> int:
    today = timezone.localdate()
    published = [c for c in cases if c.status == Case.Status.PUBLISHED and c.plan_year == plan_year]
    made = 0
    for month in range(1, 11):
        for _n in range(rng.randint(2, 5)):
            day = min(datetime.date(plan_year.year, month, rng.randint(1, 28)), today)
            outlet, kind, level = rng.choice(OUTLETS)
            form, belongs = rng.choice(
                [
                    (MediaReport.Form.NEWS, None),
                    (MediaReport.Form.FEATURE, None),
                    (MediaReport.Form.VIDEO, None),
                    (MediaReport.Form.NEWS, None),
                ]
            )
            if rng.random() < 0.2:
                outlet, kind, level = "连云港日报", MediaReport.OutletKind.MAINSTREAM, "city"
                form, belongs = MediaReport.Form.COLUMN_EPISODE, column
            elif month >= 3 and rng.random() < 0.15:
                outlet, kind, level = "连云港广播电视台", MediaReport.OutletKind.MAINSTREAM, "city"
                form, belongs = MediaReport.Form.BROADCAST, programme
            about_case = rng.choice(published) if published and rng.random() < 0.3 else None
            pilot = about_case.pilots.first() if about_case else rng.choice(pilots)
            short = pilot.enterprise.name.removesuffix("有限公司").removesuffix("股份")
            report = MediaReport(
                title=rng.choice(HEADLINES).format(short=short),
                outlet=outlet,
                outlet_kind=kind,
                level=level,
                form=form,
                published_on=day,
                programme=belongs,
                link=f"{DEMO_LINK}/{plan_year.year}/{month:02d}/{rng.randint(1000, 9999)}.html",
                recorded_by=city,
            )
            report.county_id, report.township_id = place_of([pilot])
            _save(report, city)
            bulk_create_with_history(
                [ReportPilot(report=report, pilot=pilot)], ReportPilot, default_user=city
            )
            if about_case:
                bulk_create_with_history(
                    [ReportCase(report=report, case=about_case)], ReportCase, default_user=city
                )
            made += 1
    return made
