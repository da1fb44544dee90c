"""Every list and detail page runs a fixed number of queries: the data grows tenfold between two
measurements and the count stays the same."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from promotion.models import Case, MediaReport
from promotion.services import case_attachments_add
from reform.files import check_upload
from tests.builders import make_pilot
from tests.promotion.builders import make_case, make_programme, make_report, photo_upload

pytestmark = pytest.mark.django_db
# Published first, so that even the small measurement has cards in the library.
STATUSES = [Case.Status.PUBLISHED, Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.SELECTED]


@pytest.fixture
def subject(users, plan_year, niushan_pilot):
    """The records the detail pages show; grow() adds to them."""
    case = make_case(plan_year, [niushan_pilot], status=Case.Status.SELECTED)
    programme = make_programme()
    report = make_report(pilots=[niushan_pilot], cases=[case], programme=programme)
    return {"case": case, "report": report, "programme": programme, "pilot": niushan_pilot}


def grow(n: int, subject: dict, plan_year, users) -> None:
    """n more cases (every state, photos, several pilots and dimensions) and reports."""
    photo = check_upload(photo_upload(size=(40, 30)))
    for i in range(n):
        pilot = make_pilot(plan_year, county="320722", township="320722001")
        other = make_pilot(plan_year, county="320724", township=None)
        case = make_case(
            plan_year,
            [pilot, other, subject["pilot"]],
            status=STATUSES[i % 4],
            dimensions=["rights", "political", "empowerment"][: 1 + i % 3],
        )
        case_attachments_add(case=case, files=[photo], user=users["city"])
        make_report(
            pilots=[pilot, subject["pilot"]],
            cases=[case, subject["case"]],
            programme=subject["programme"],
            published_on=datetime.date(2026, 1 + i % 10, 1 + i % 27),
        )
        subject["case"].pilot_links.create(pilot=pilot)
        subject["report"].pilot_links.create(pilot=other)
    case_attachments_add(case=subject["case"], files=[photo], user=users["city"])


def count_queries(client, url: str) -> int:
    """The page's queries, leaving out reads of stored files' bytes: with the database storage
    (FILE_STORAGE=database) a document that embeds N photos reads N files, as it must."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return sum(1 for query in context.captured_queries if "reform_storedfile" not in query["sql"])


PAGES = {
    "case_list": lambda s: reverse("promotion:case_list"),
    "case_library": lambda s: reverse("promotion:case_library"),
    "case_library_filtered": lambda s: (
        reverse("promotion:case_library")
        + f"?q=技能&dimension=rights&tier=county&industry=C&county="
        f"{s['pilot'].enterprise.county_id}&plan_year=2026"
    ),
    "case_detail": lambda s: s["case"].get_absolute_url(),
    "case_print": lambda s: reverse("promotion:case_print", args=[s["case"].pk]),
    "case_history": lambda s: reverse("promotion:case_history", args=[s["case"].pk]),
    "case_create": lambda s: reverse("promotion:case_create"),
    "case_edit": lambda s: reverse("promotion:case_edit", args=[s["case"].pk]),
    "case_collection": lambda s: reverse("promotion:case_collection"),
    "report_list": lambda s: reverse("promotion:report_list"),
    "report_list_filtered": lambda s: (
        reverse("promotion:report_list")
        + f"?county={s['pilot'].enterprise.county_id}&year=2026&outlet_kind=mainstream"
    ),
    "report_export": lambda s: reverse("promotion:report_export"),
    "report_detail": lambda s: s["report"].get_absolute_url(),
    "report_edit": lambda s: reverse("promotion:report_edit", args=[s["report"].pk]),
    "report_history": lambda s: reverse("promotion:report_history", args=[s["report"].pk]),
    "report_create": lambda s: reverse("promotion:report_create"),
    "programme_list": lambda s: reverse("promotion:programme_list"),
    "programme_detail": lambda s: s["programme"].get_absolute_url(),
    "pilot_detail": lambda s: s["pilot"].get_absolute_url(),
}


# The collection and the editing of a selected case are the city's: measured for city staff.
CITY_PAGES = {"case_collection", "case_edit"}


@pytest.mark.parametrize(
    ("page", "role"),
    [
        (page, role)
        for page in PAGES
        for role in ("county", "city")
        if role == "city" or page not in CITY_PAGES
    ],
)
def test_page_query_count_does_not_grow_with_data(client, users, plan_year, subject, page, role):
    client.force_login(users[role])
    url = PAGES[page](subject)
    grow(2, subject, plan_year, users)
    small = count_queries(client, url)
    grow(18, subject, plan_year, users)
    large = count_queries(client, url)
    assert small == large, f"{page}: {small} queries with little data, {large} with 10x"
    assert MediaReport.objects.count() == 21
