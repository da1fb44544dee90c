"""Permission-matrix cases of cases (典型案例), the case library and media reports.

The core world's pilot is of an enterprise in 东海县 · 牛山街道: its cases and reports are placed
there, so the county official of 东海县 and the township official of 牛山街道 are their writers;
the other county's official (灌南县) gets 404 on drafts and on writing pages of them. Published
cases are the library: every signed-in user reads them and their photos, while their files stay
inside the case's area. City staff (and administrators) move cases on; leaders read all and
change nothing (403). Media reports are read by every signed-in user. Reviewers see nothing of
any unit: the lists are empty for them and every record answers 404.
"""

from django.core.files.base import ContentFile

from promotion.models import Case, CaseAttachment
from reform.files import thumbnail_bytes
from tests.matrix import SIGNED_IN_200
from tests.promotion.builders import make_case, make_programme, make_report, photo_bytes

ANON = "anonymous"
# Lists: every signed-in user has the page (a reviewer's is empty).
READ_ALL = SIGNED_IN_200
# A record every signed-in user reads, but reviewers.
READ_PUBLIC = {**SIGNED_IN_200, "reviewer": 404}
# A record of 牛山街道 (东海县): the other county's official gets 404.
READ_NIUSHAN = {**READ_PUBLIC, "other_county": 404}
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
POST_ONLY = {**{role: 405 for role in READ_ALL}, ANON: 302}
# Writing a new record: every writer has the page, leaders do not.
NEW_RECORD = {**{role: 200 for role in READ_ALL}, ANON: 302, "leader": 403, "reviewer": 403}
CITY_ONLY = {
    ANON: 302,
    "admin": 200,
    "city": 200,
    "leader": 200,
    "county": 403,
    "other_county": 403,
    "township": 403,
    "reviewer": 403,
}


def _done(row: dict, status: int) -> dict:
    """A successful write for the roles that have 200 in `row`."""
    return {role: status if want == 200 and role != ANON else want for role, want in row.items()}


def _case_data(world: dict) -> dict:
    return {
        "title": "矩阵测试案例",
        "plan_year": str(world["plan_year"].year),
        "pilots": [world["pilot"].pk],
        "dimensions": ["rights"],
        "summary": "摘要",
        "text": "正文",
    }


def _report_data(world: dict) -> dict:
    return {
        "title": "矩阵测试报道",
        "outlet": "连云港日报",
        "outlet_kind": "mainstream",
        "level": "city",
        "form": "news",
        "published_on": "2026-01-05",
        "link": "https://example.com/a.html",
    }


def _photo(case: Case) -> CaseAttachment:
    data = photo_bytes(size=(64, 48))
    return CaseAttachment.objects.create(
        case=case,
        file=ContentFile(data, name="p.jpg"),
        thumbnail=ContentFile(thumbnail_bytes(data), name="t.jpg"),
        original_name="现场.jpg",
        kind="jpeg",
        size=len(data),
        sha256="0" * 64,
    )


def _document(case: Case) -> CaseAttachment:
    data = b"%PDF-1.4\n%%EOF\n"
    return CaseAttachment.objects.create(
        case=case,
        file=ContentFile(data, name="f.pdf"),
        original_name="材料.pdf",
        kind="pdf",
        size=len(data),
        sha256="0" * 64,
    )


def build(world: dict) -> None:
    year, pilot = world["plan_year"], world["pilot"]
    world["draft"] = make_case(year, [pilot], title="矩阵草稿案例")
    world["submitted"] = make_case(year, [pilot], status=Case.Status.SUBMITTED, title="矩阵已报送")
    world["selected"] = make_case(year, [pilot], status=Case.Status.SELECTED, title="矩阵已遴选")
    # A published case of 灌南县: the library, with a photo for all and a file for 灌南县 only.
    world["published"] = make_case(
        year, [world["other_pilot"]], status=Case.Status.PUBLISHED, title="矩阵已发布"
    )
    world["photo"] = _photo(world["published"])
    world["document"] = _document(world["published"])
    world["report"] = make_report(pilots=[pilot], title="矩阵测试报道")
    world["programme"] = make_programme(name="东海产改", county=world["county"])
    world["city_programme"] = make_programme(name="产改进行时")


CASES = [
    {"url": "promotion:case_list", "get": READ_ALL, "post": None},
    {"url": "promotion:case_library", "get": READ_ALL, "post": None},
    {
        # Another county's official may write, but not about 东海县's pilot: the form answers
        # with a message (200) and nothing is saved.
        "url": "promotion:case_create",
        "get": NEW_RECORD,
        "post": {**_done(NEW_RECORD, 302), "other_county": 200},
        "data": _case_data,
    },
    {
        "url": "promotion:case_detail",
        "args": lambda w: [w["draft"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "promotion:case_detail",
        "args": lambda w: [w["published"].pk],
        "get": READ_PUBLIC,
        "post": None,
    },
    {
        "url": "promotion:case_edit",
        "args": lambda w: [w["draft"].pk],
        "get": WRITE_NIUSHAN,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: {**_case_data(w), "version": w["draft"].version},
    },
    {
        # Submitted: the county-level unit is sent back to the case with a message (302),
        # nothing saved; the city edits.
        "url": "promotion:case_edit",
        "args": lambda w: [w["submitted"].pk],
        "get": {**WRITE_NIUSHAN, "county": 302, "township": 302},
        "post": {**_done(WRITE_NIUSHAN, 302)},
        "data": lambda w: {**_case_data(w), "version": w["submitted"].version},
    },
    {
        "url": "promotion:case_move",
        "args": lambda w: [w["draft"].pk],
        "get": POST_ONLY,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: {"move": "submit"},
    },
    {
        # Selecting is the city's: the county-level unit gets 403.
        "url": "promotion:case_move",
        "args": lambda w: [w["submitted"].pk],
        "get": POST_ONLY,
        "post": {**WRITE_NIUSHAN, "admin": 302, "city": 302, "county": 403, "township": 403},
        "data": lambda w: {"move": "select"},
    },
    {
        "url": "promotion:case_print",
        "args": lambda w: [w["draft"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "promotion:case_history",
        "args": lambda w: [w["draft"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {
        "url": "promotion:case_attachment",
        "args": lambda w: [w["published"].pk, w["photo"].pk],
        "get": READ_PUBLIC,
        "post": None,
    },
    {
        # A file (not a photo) of 灌南县's published case: inside 灌南县 only.
        "url": "promotion:case_attachment",
        "args": lambda w: [w["published"].pk, w["document"].pk],
        "get": {**READ_PUBLIC, "county": 404, "township": 404},
        "post": None,
    },
    {
        "url": "promotion:case_thumbnail",
        "args": lambda w: [w["published"].pk, w["photo"].pk],
        "get": READ_PUBLIC,
        "post": None,
    },
    {
        "url": "promotion:case_collection",
        "args": lambda w: [],
        "get": CITY_ONLY,
        "post": None,
    },
    {"url": "promotion:report_list", "get": READ_ALL, "post": None},
    {"url": "promotion:report_export", "get": READ_ALL, "post": None},
    {
        "url": "promotion:report_create",
        "get": NEW_RECORD,
        "post": _done(NEW_RECORD, 302),
        "data": _report_data,
    },
    {
        "url": "promotion:report_detail",
        "args": lambda w: [w["report"].pk],
        "get": READ_PUBLIC,
        "post": None,
    },
    {
        "url": "promotion:report_edit",
        "args": lambda w: [w["report"].pk],
        "get": WRITE_NIUSHAN,
        "post": _done(WRITE_NIUSHAN, 302),
        "data": lambda w: {
            **_report_data(w),
            "pilots": [w["pilot"].pk],
            "version": w["report"].version,
        },
    },
    {
        "url": "promotion:report_history",
        "args": lambda w: [w["report"].pk],
        "get": READ_NIUSHAN,
        "post": None,
    },
    {"url": "promotion:programme_list", "get": READ_ALL, "post": None},
    {
        "url": "promotion:programme_detail",
        "args": lambda w: [w["programme"].pk],
        "get": READ_PUBLIC,
        "post": None,
    },
    {
        # Columns are kept by the city or a county-level unit: townships and leaders get 403.
        "url": "promotion:programme_create",
        "get": {**NEW_RECORD, "township": 403},
        "post": {**_done(NEW_RECORD, 302), "township": 403},
        "data": lambda w: {
            "name": "矩阵新专栏",
            "kind": "column",
            "outlet": "苍梧晚报",
            "starts_on": "2026-02-01",
            "ends_on": "",
        },
    },
    {
        # 东海县's own column: the city and 东海县 change it; the other county gets 403.
        "url": "promotion:programme_edit",
        "args": lambda w: [w["programme"].pk],
        "get": {
            ANON: 302,
            "admin": 200,
            "city": 200,
            "county": 200,
            "other_county": 403,
            "township": 403,
            "leader": 403,
            "reviewer": 403,
        },
        "post": {
            ANON: 302,
            "admin": 302,
            "city": 302,
            "county": 302,
            "other_county": 403,
            "township": 403,
            "leader": 403,
            "reviewer": 403,
        },
        "data": lambda w: {
            "name": "东海产改（改）",
            "kind": "column",
            "outlet": "连云港日报",
            "starts_on": "2026-01-01",
            "ends_on": "",
        },
    },
]
