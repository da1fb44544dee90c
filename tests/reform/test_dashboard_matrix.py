"""The dashboards' matrix cases, checked here until the shared runner (issue 4) exists."""

import pytest

from tests.builders import make_pilot, make_user
from tests.matrix.cases_dashboards import CASES


@pytest.fixture
def world(users, plan_year):
    from reform.models import Region

    make_pilot(plan_year, tier="county")
    return {
        "plan_year": plan_year,
        "county": Region.objects.get(code="320722"),
        "township": Region.objects.get(code="320722001"),
    }


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["url"])
def test_every_role_gets_what_the_matrix_says(client, users, world, case):
    from django.urls import reverse

    url = reverse(case["url"], args=case["args"](world))
    for role, expected in case["get"].items():
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        assert client.get(url).status_code == expected, (role, url)
        post = client.post(url)
        assert post.status_code == (302 if role == "anonymous" else 405), (role, url)


def test_an_inactive_user_is_sent_to_sign_in(client, users, world):
    user = make_user("gone", role="leader")
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get("/").status_code == 302
