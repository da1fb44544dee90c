"""The header's search: enterprises and their pilots by name or credit code, inside the scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.selectors import SEARCH_LIMIT
from reform.services import plan_year_create
from tests.builders import make_enterprise, make_pilot

pytestmark = pytest.mark.django_db

SEARCH = "/pilots/search/"


def found(response) -> list[str]:
    return [enterprise.name for enterprise in response.context["results"]]


def found_set(response) -> set[str]:
    return set(found(response))


@pytest.fixture
def world(plan_year):
    last_year = plan_year_create(year=2025)
    crystal = make_enterprise(name="东海晶亮ABC水晶有限公司", township="320722001")
    return {
        "crystal": crystal,
        "crystal_pilot": make_pilot(plan_year, tier="township", enterprise=crystal),
        "old_pilot": make_pilot(
            last_year, tier="county", name="东海往年水晶有限公司", township="320722002"
        ),
        "other_township": make_enterprise(name="东海石榴水晶有限公司", township="320722002"),
        "guannan": make_enterprise(county="320724", township=None, name="灌南水晶食品有限公司"),
    }


def test_it_finds_enterprises_by_part_of_the_name_inside_the_scope(as_user, world):
    assert found_set(as_user("city").get(SEARCH, {"q": "水晶"})) == {
        "东海往年水晶有限公司",
        "东海晶亮ABC水晶有限公司",
        "东海石榴水晶有限公司",
        "灌南水晶食品有限公司",
    }
    assert found_set(as_user("county").get(SEARCH, {"q": "水晶"})) == {
        "东海往年水晶有限公司",
        "东海晶亮ABC水晶有限公司",
        "东海石榴水晶有限公司",
    }
    assert found(as_user("township").get(SEARCH, {"q": "水晶"})) == ["东海晶亮ABC水晶有限公司"]
    assert found(as_user("other_county").get(SEARCH, {"q": "水晶"})) == ["灌南水晶食品有限公司"]


def test_the_text_is_normalised_as_in_the_lists(as_user, world):
    # Full-width letters and spaces, as pasted from a document, and lower case.
    response = as_user("county").get(SEARCH, {"q": "  ａｂｃ水晶 "})
    assert found(response) == ["东海晶亮ABC水晶有限公司"]
    assert response.context["query"] == "abc水晶"
    listed = as_user("county").get(reverse("pilots:enterprise_list"), {"q": "ａｂｃ水晶"})
    assert [row.record.name for row in listed.context["table"].page.object_list] == [
        "东海晶亮ABC水晶有限公司"
    ]


def test_it_finds_a_credit_code_whole_or_in_part_in_any_case(as_user, world):
    code = world["crystal"].credit_code
    spaced = f"{code[:6]} {code[6:12]} {code[12:]}".lower()
    for query in (code, code.lower(), spaced, code[-8:].lower()):
        assert found(as_user("county").get(SEARCH, {"q": query})) == [world["crystal"].name], query


def test_a_county_official_never_finds_another_countys_enterprise(as_user, world):
    code = world["guannan"].credit_code
    response = as_user("county").get(SEARCH, {"q": code})
    assert found(response) == []
    assert "没有找到" in response.text and code in response.text
    assert world["guannan"].name not in response.text
    # Nor a township official an enterprise of another township of the county.
    other = as_user("township").get(SEARCH, {"q": world["other_township"].credit_code})
    assert found(other) == []


def test_results_link_the_enterprise_and_its_pilot_of_the_current_year(as_user, world):
    response = as_user("county").get(SEARCH, {"q": "水晶"})
    text = response.text
    crystal, pilot = world["crystal"], world["crystal_pilot"]
    assert f'<a href="{crystal.get_absolute_url()}">{crystal.name}</a>' in text
    assert f'<a href="{pilot.get_absolute_url()}">乡镇级</a>' in text
    # Last year's pilot is not this year's: that enterprise shows as not a pilot.
    assert world["old_pilot"].get_absolute_url() not in text
    assert text.count("非试点企业") == 2
    assert "找到 3 家企业。" in text


def test_exact_matches_come_first(as_user, plan_year):
    make_enterprise(name="连云港中复连众复合材料集团有限公司")
    make_enterprise(name="中复")
    make_enterprise(name="中复神鹰碳纤维有限公司")
    assert found(as_user("county").get(SEARCH, {"q": "中复"})) == [
        "中复",
        "中复神鹰碳纤维有限公司",
        "连云港中复连众复合材料集团有限公司",
    ]


def test_results_are_capped_with_a_way_to_see_them_all(as_user, plan_year):
    for number in range(SEARCH_LIMIT + 2):
        make_enterprise(name=f"批量搜索企业{number:03d}有限公司")
    response = as_user("county").get(SEARCH, {"q": "批量搜索"})
    assert len(found(response)) == SEARCH_LIMIT
    assert response.context["total"] == SEARCH_LIMIT + 2
    assert "共找到 52 家企业，这里显示前 50 家" in response.text
    listed = as_user("county").get(response.context["all_url"])
    assert listed.context["table"].paginator.count == SEARCH_LIMIT + 2


def test_an_empty_search_asks_for_a_name_and_looks_nothing_up(as_user, world):
    response = as_user("county").get(SEARCH, {"q": "   "})
    assert found(response) == [] and response.context["total"] == 0
    assert "请输入企业名称或信用代码的全部或一部分。" in response.text


def test_every_page_has_the_search_box_for_signed_in_users(as_user, client, world):
    for url in ("/", reverse("pilots:pilot_list"), reverse("clusters:park_list")):
        text = as_user("township").get(url).text
        assert re.search(r'<form class="header-search" action="/pilots/search/"', text), url
    assert "header-search" not in client.get("/accounts/login/").text


def test_the_search_query_count_does_not_grow_with_the_data(as_user, plan_year):
    client = as_user("county")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(SEARCH, {"q": "查询数"}).status_code == 200
        return len(context.captured_queries)

    for _ in range(3):
        make_pilot(plan_year, tier="county", name=f"查询数企业{_}有限公司")
    small = queries()
    for number in range(60):
        make_pilot(plan_year, tier="county", name=f"查询数大企业{number}有限公司")
    assert queries() == small
