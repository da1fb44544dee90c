"""Runs tests/matrix/cases_clusters.py on its own, in the shared matrix format, so that the
cases are checked before (and besides) the project-wide matrix runner."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.builders import make_enterprise, make_pilot, region
from tests.matrix import cases_clusters

ROLES = ["anonymous", "admin", "city", "county", "other_county", "township", "leader"]


@pytest.fixture
def world(users, plan_year):
    enterprise = make_enterprise(county="320722", township="320722001")
    other = make_enterprise(county="320724", township=None)
    world = {
        "plan_year": plan_year,
        "county": region("320722"),
        "township": region("320722001"),
        "enterprise": enterprise,
        "other_enterprise": other,
        "pilot": make_pilot(plan_year, enterprise=enterprise, tier="county"),
        "other_pilot": make_pilot(plan_year, enterprise=other, tier="county"),
    }
    cases_clusters.build(world)
    return world


CHECKS = [
    (case["url"], index, method)
    for index, case in enumerate(cases_clusters.CASES)
    for method in ("get", "post")
]


@pytest.mark.parametrize(("name", "index", "method"), CHECKS)
def test_matrix(client, users, world, name, index, method):
    """Every role in turn, each request rolled back so that every role meets the same world."""
    case = cases_clusters.CASES[index]
    url = reverse(case["url"], args=case["args"](world))
    wrong = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        with transaction.atomic():
            if method == "get":
                expected = case["get"][role]
                response = client.get(url)
            else:
                expected = (
                    case["post"][role] if case["post"] else (302 if role == "anonymous" else 405)
                )
                response = client.post(url, case["data"](world) if "data" in case else {})
            transaction.set_rollback(True)
        if response.status_code != expected:
            wrong.append(f"{role}: {response.status_code} (expected {expected})")
        elif role == "anonymous" and expected == 302:
            assert reverse("login") in response["Location"]
    assert not wrong, f"{method.upper()} {name}: " + "; ".join(wrong)
