"""Each user's own unit first: where signing in and the brand lead, and the way to the overview."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
DONGHAI = "/regions/320722/"  # 东海县, the county official's unit
NIUSHAN = "/regions/320722001/"  # 牛山街道, the township official's unit


def signed_in_at(role: str, *, next_url: str | None = None) -> str:
    """Sign in through the sign-in page and follow the redirects; the path it ends on."""
    client = Client()
    data = {"username": role, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    response = client.post(LOGIN, data, follow=True)
    assert response.status_code == 200
    return response.request["PATH_INFO"]


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("county", DONGHAI),
        ("other_county", "/regions/320724/"),  # 灌南县
        ("township", NIUSHAN),
        ("leader", "/"),
        ("city", "/"),
        ("admin", "/"),
    ],
)
def test_each_role_lands_on_its_own_unit_or_the_city_overview(users, plan_year, role, landing):
    assert signed_in_at(role) == landing
    client = Client()
    client.force_login(users[role])
    response = client.get(reverse("dashboards:landing"))
    assert (response.status_code, response.url) == (302, landing)


def test_visiting_the_site_address_signed_out_still_lands_on_the_own_unit(users, plan_year):
    # An anonymous visit to "/" is sent to sign in with next=/; the overview is not the goal.
    response = Client().get("/")
    assert response.url == f"{LOGIN}?next=/"
    assert signed_in_at("county", next_url="/") == DONGHAI
    assert signed_in_at("leader", next_url="/") == "/"


def test_a_page_asked_for_before_signing_in_is_kept(users, plan_year):
    assert signed_in_at("county", next_url="/pilots/") == "/pilots/"
    # Another site is never a destination.
    assert signed_in_at("county", next_url="https://example.org/") == DONGHAI


def test_the_brand_leads_to_the_landing_page_and_the_overview_is_one_click_away(users, plan_year):
    client = Client()
    client.force_login(users["township"])
    page = client.get(NIUSHAN).text
    assert '<a class="brand" href="/start/">' in page
    # The own unit is the first entry of the navigation, marked as the current page there;
    # the city overview is the next one.
    assert f'<a href="{NIUSHAN}" class="own-unit active">牛山街道</a>' in page
    assert '<a href="/" id="nav-city-overview" class="">全市总览</a>' in page
    overview = client.get("/").text
    assert '<a href="/" id="nav-city-overview" class="active">全市总览</a>' in overview
    assert f'<a href="{NIUSHAN}" class="own-unit">牛山街道</a>' in overview


def test_city_wide_roles_have_no_own_unit_entry(users, plan_year):
    client = Client()
    client.force_login(users["leader"])
    page = client.get("/").text
    assert "own-unit" not in page
    assert 'id="nav-city-overview"' in page
