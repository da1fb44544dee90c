"""Bounded requests: every page of the project, driven with bad query values, answers within
bounds (reform/paging.py): never a 500, never more rows than LIST_MAX_PER_PAGE.

The pages come from the permission matrix (every URL the administrator reads), so a new page
is covered as soon as it has its matrix row; the parameters are the numeric ones of the project
plus every filter the page's own filterset declares.
"""

import pytest
from django.core.paginator import Page
from django.test import Client
from django.urls import reverse

from reform.paging import MAX_INT, int_param, page_number, page_size
from tests.matrix import all_cases, build_world

pytestmark = pytest.mark.django_db

NUMERIC_PARAMS = [
    "page",
    "per_page",
    "year",
    "plan_year",
    "county",
    "township",
    "park",
    "industry",
    "cluster",
    "exclude",
]
# Negative, not a number, a float's spelling, beyond bigint, a digit int() reads but no database.
BAD_VALUES = ["-1", "abc", "1e9", "99999999999999999999", "٣"]
KNOWN_LISTS = {
    "pilots:pilot_list",
    "pilots:enterprise_list",
    "pilots:import_list",
    "pilots:import_detail",
    "clusters:cluster_list",
    "clusters:cluster_detail",
    "clusters:station_list",
    "clusters:station_detail",
    "clusters:park_list",
    "clusters:park_detail",
}


@pytest.fixture
def world(users, plan_year):
    return build_world(plan_year)


@pytest.fixture
def admin(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def readable_pages(world) -> list[tuple[str, str]]:
    """(URL name, URL) of every page the administrator reads, from the permission matrix."""
    pages = {}
    for case in all_cases():
        if case["get"].get("admin") == 200:
            url = reverse(case["url"], args=case.get("args", lambda w: [])(world))
            pages[url] = case["url"]
    return [(name, url) for url, name in pages.items()]


def shown_page(response) -> Page | None:
    """The page of rows a list page shows (a django-tables2 table's, or a plain paginator's)."""
    context = response.context
    if context is None:
        return None
    table = context.get("table")
    if table is not None and getattr(table, "page", None) is not None:
        return table.page
    page = context.get("page")
    return page if isinstance(page, Page) else None


def filter_names(response) -> list[str]:
    filterset = response.context.get("filter") if response.context is not None else None
    return list(filterset.filters) if filterset is not None else []


def _check(response, url: str, params: dict, cap: int) -> str | None:
    if response.status_code not in (200, 400):
        return f"{url} {params}: {response.status_code}"
    page = shown_page(response)
    if page is not None and len(page.object_list) > cap:
        return f"{url} {params}: {len(page.object_list)} rows"
    return None


def test_every_page_answers_bad_query_values_without_an_error(admin, world, settings):
    cap = settings.LIST_MAX_PER_PAGE
    failures = []
    lists = set()
    for name, url in readable_pages(world):
        plain = admin.get(url)
        assert plain.status_code == 200, url
        if shown_page(plain) is not None:
            lists.add(name)
        params = [p for p in dict.fromkeys(NUMERIC_PARAMS + filter_names(plain)) if p != "year"]
        for value in BAD_VALUES:
            # A bad year is refused (400) before anything else is read: alone.
            failures.append(_check(admin.get(url, {"year": value}), url, {"year": value}, cap))
            # Every other parameter at once; where one of them is refused too and might hide
            # another's error, each one alone.
            together = dict.fromkeys(params, value)
            response = admin.get(url, together)
            if response.status_code == 400:
                failures += [
                    _check(admin.get(url, {param: value}), url, {param: value}, cap)
                    for param in params
                ]
            else:
                failures.append(_check(response, url, together, cap))
    assert [failure for failure in failures if failure] == []
    # The discovery found the lists (so the row checks above ran on them).
    assert lists >= KNOWN_LISTS


def test_every_list_caps_the_page_size(admin, world, settings):
    settings.LIST_MAX_PER_PAGE = 3
    lists = set()
    for name, url in readable_pages(world):
        first = shown_page(admin.get(url))
        if first is None:
            continue
        lists.add(name)
        total = first.paginator.count
        for asked in ("4", "1000000", "99999999999999999999"):
            page = shown_page(admin.get(url, {"per_page": asked}))
            assert len(page.object_list) == min(3, total), (url, asked)
        # A size within the cap is honoured.
        page = shown_page(admin.get(url, {"per_page": "2"}))
        assert len(page.object_list) == min(2, total), url
        # Not a size: the default one, first page.
        for asked in ("-5", "0", "abc"):
            page = shown_page(admin.get(url, {"per_page": asked}))
            assert (page.number, len(page.object_list)) == (1, len(first.object_list)), url
    assert lists >= KNOWN_LISTS


def test_the_pilot_list_shows_at_most_the_cap(admin, world, settings):
    settings.LIST_MAX_PER_PAGE = 3
    url = reverse("pilots:pilot_list")
    # The world's pilots of the current year: the core's two, the pilots matrix's two and the
    # pairing matrix's small pilot that is in no pairing.
    assert shown_page(admin.get(url)).paginator.count == 5
    page = shown_page(admin.get(url, {"per_page": "1000000"}))
    assert (len(page.object_list), page.paginator.num_pages) == (3, 2)


def test_a_page_past_the_end_shows_the_last_page(admin, world):
    url = reverse("pilots:enterprise_list")
    total = shown_page(admin.get(url)).paginator.count
    for asked in ("7", "99999999999999999999"):
        page = shown_page(admin.get(url, {"per_page": "2", "page": asked}))
        assert page.number == (total + 1) // 2
    for asked in ("-1", "0", "abc", "1e9"):
        assert shown_page(admin.get(url, {"per_page": "2", "page": asked})).number == 1


def test_a_bad_year_is_a_bad_request_and_an_unknown_one_not_found(admin, world):
    for value in ("soon", "-1", "0", "10000", "99999999999999999999", "2026.0"):
        assert admin.get("/", {"year": value}).status_code == 400, value
    assert admin.get("/", {"year": "1999"}).status_code == 404
    assert admin.get("/", {"year": "2026"}).status_code == 200


def test_a_bad_county_gives_empty_choices(admin, world):
    url = reverse("pilots:region_choices")
    for value in ("abc", "-1", "99999999999999999999", "٣"):
        assert admin.get(url, {"county": value}).json() == {"townships": [], "parks": []}
    choices = admin.get(url, {"county": world["county"].pk}).json()
    assert world["township"].pk in [township["id"] for township in choices["townships"]]


def test_a_bad_filter_value_lists_nothing_and_says_why(admin, world):
    response = admin.get(
        reverse("pilots:enterprise_list"),
        {"county": "99999999999999999999"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert shown_page(response).paginator.count == 0
    assert response.context["filter"].errors["county"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("-3", -3),
        ("0", 0),
        (str(MAX_INT), MAX_INT),
        (str(MAX_INT + 1), None),
        ("1e9", None),
        ("2.5", None),
        ("1_000", None),
        ("٣", None),
        ("１", None),  # a full-width one
        ("", None),
        (None, None),
    ],
)
def test_int_param_reads_only_whole_numbers_a_database_holds(value, expected):
    assert int_param(value) == expected


def test_page_size_and_number_fall_back_to_sensible_values(rf, settings):
    settings.LIST_MAX_PER_PAGE = 200
    sizes = {"": 25, "10": 10, "010": 10, "200": 200, "201": 200, "9" * 40: 200}
    sizes |= {"0": 25, "000": 25, "-4": 25, "x": 25, "3.0": 25, "٣": 25}
    for asked, expected in sizes.items():
        assert page_size(rf.get("/", {"per_page": asked}), 25) == expected, asked
    numbers = {"": 1, "3": 3, "0": 1, "-2": 1, "abc": 1, "1e3": 1, "9" * 40: MAX_INT}
    for asked, expected in numbers.items():
        assert page_number(rf.get("/", {"page": asked})) == expected, asked
