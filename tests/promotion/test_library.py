"""The case library (published cases, search and filters) and the year's Word collection."""

import io

import pytest
from django.urls import reverse
from docx import Document

from promotion.models import Case
from reform.files import check_upload
from reform.services import plan_year_create
from tests.builders import make_pilot
from tests.promotion.builders import make_case, photo_upload

pytestmark = pytest.mark.django_db
S = Case.Status


def library(client, query: str = "") -> list[str]:
    response = client.get(reverse("promotion:case_library") + query)
    assert response.status_code == 200
    return [case.title for case in response.context["object_list"]]


@pytest.fixture
def shelf(users, plan_year):
    """Published cases of different dimensions, counties, industries, tiers and years."""
    earlier = plan_year_create(year=2025)
    donghai_city = make_pilot(
        plan_year,
        tier="city",
        county="320722",
        township="320722001",
        industry="2720",
        core_industry="new_medicine",
    )
    guannan = make_pilot(
        plan_year, tier="county", county="320724", township=None, industry="0142", core_industry=""
    )
    old = make_pilot(
        earlier, tier="township", county="320722", township="320722001", industry="5532"
    )
    return {
        "skills": make_case(
            plan_year,
            [donghai_city],
            status=S.PUBLISHED,
            title="师带徒",
            dimensions=["empowerment"],
            text="导师带徒，签订带徒协议。",
        ),
        "rights": make_case(
            plan_year,
            [guannan],
            status=S.PUBLISHED,
            title="集体协商",
            dimensions=["rights", "political"],
            text="工资集体协商。",
        ),
        "old": make_case(
            earlier, [old], status=S.PUBLISHED, title="往年案例", dimensions=["achievement"]
        ),
        "draft": make_case(plan_year, [donghai_city], status=S.DRAFT, title="草稿"),
        "selected": make_case(plan_year, [guannan], status=S.SELECTED, title="已遴选"),
    }


def test_the_library_holds_published_cases_only(client, users, shelf):
    client.force_login(users["other_county"])
    assert sorted(library(client)) == sorted(["师带徒", "集体协商", "往年案例"])


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?q=带徒协议", ["师带徒"]),  # found in the text
        ("?q=集体", ["集体协商"]),  # in the title
        ("?dimension=political", ["集体协商"]),
        ("?county=COUNTY_320724", ["集体协商"]),
        # GB/T 4754-2017 sections: 2720 lies in C, 0142 in A, 5532 in G.
        ("?industry=C", ["师带徒"]),
        ("?industry=A", ["集体协商"]),
        ("?industry=G", ["往年案例"]),
        ("?tier=township", ["往年案例"]),
        ("?plan_year=2025", ["往年案例"]),
        ("?plan_year=2026&dimension=rights", ["集体协商"]),
    ],
)
def test_the_library_is_searched_and_filtered(client, users, shelf, query, titles):
    from reform.models import Region

    query = query.replace("COUNTY_320724", str(Region.objects.get(code="320724").pk))
    client.force_login(users["township"])
    assert library(client, query) == titles


def test_the_filters_stay_in_the_page_links(client, users, plan_year, niushan_pilot):
    for n in range(13):
        make_case(
            plan_year, [niushan_pilot], status=S.PUBLISHED, title=f"案例{n}", dimensions=["rights"]
        )
    client.force_login(users["leader"])
    page = client.get(reverse("promotion:case_library") + "?dimension=rights").content.decode()
    assert "?dimension=rights&amp;page=2" in page


def test_a_card_shows_the_first_photos_thumbnail(client, users, plan_year, niushan_pilot):
    from promotion.services import case_attachments_add

    case = make_case(plan_year, [niushan_pilot], status=S.PUBLISHED)
    case_attachments_add(case=case, files=[check_upload(photo_upload())], user=users["city"])
    client.force_login(users["other_county"])
    page = client.get(reverse("promotion:case_library")).content.decode()
    photo = case.attachments.get()
    assert reverse("promotion:case_thumbnail", args=[case.pk, photo.pk]) in page


# The collection -------------------------------------------------------------------------------


def read_docx(response) -> Document:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return Document(io.BytesIO(response.content))


def test_the_collection_holds_the_years_selected_and_published_cases(client, users, shelf):
    from promotion.services import case_attachments_add

    case_attachments_add(
        case=shelf["skills"], files=[check_upload(photo_upload())], user=users["city"]
    )
    client.force_login(users["leader"])
    response = client.get(reverse("promotion:case_collection") + "?year=2026")

    document = read_docx(response)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # Cover and contents, then the cases in county order: 东海县 before 灌南县.
    assert headings[:2] == ["目录", "1. 师带徒"]
    assert sorted(h.split(". ", 1)[1] for h in headings[2:]) == sorted(["已遴选", "集体协商"])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026年产改试点典型案例汇编" in text
    assert "草稿" not in headings and "往年案例" not in text
    assert "导师带徒，签订带徒协议。" in text
    facts = document.tables[0]
    assert facts.cell(0, 0).text == "企业"
    assert facts.cell(0, 1).text == shelf["skills"].pilots.get().enterprise.name
    assert facts.cell(1, 1).text == "东海县"
    assert facts.cell(2, 1).text == "赋能成长"
    assert len(document.inline_shapes) == 1  # the photo
    assert "filename*=UTF-8''2026" in response["Content-Disposition"]


def test_only_the_city_and_leaders_download_the_collection(client, users, shelf):
    for role, status in [
        ("city", 200),
        ("admin", 200),
        ("leader", 200),
        ("county", 403),
        ("township", 403),
    ]:
        client.force_login(users[role])
        response = client.get(reverse("promotion:case_collection"))
        assert response.status_code == status, role


def test_a_year_without_selected_cases_says_so(client, users, plan_year):
    plan_year_create(year=2024)
    client.force_login(users["city"])
    response = client.get(reverse("promotion:case_collection") + "?year=2024", follow=True)
    assert "2024 年度尚无遴选的案例" in response.content.decode()
    assert client.get(reverse("promotion:case_collection") + "?year=1999").status_code == 404
    assert client.get(reverse("promotion:case_collection") + "?year=abc").status_code == 400


def test_what_a_writer_typed_stays_plain_text_in_the_collection(
    client, users, plan_year, niushan_pilot
):
    make_case(
        plan_year,
        [niushan_pilot],
        status=S.SELECTED,
        title="标题\x07含控制符",
        text='=HYPERLINK("http://x")\n\n第二段',
    )
    client.force_login(users["city"])
    document = read_docx(client.get(reverse("promotion:case_collection")))
    texts = [p.text for p in document.paragraphs]
    assert "1. 标题含控制符" in texts
    assert '=HYPERLINK("http://x")' in texts
