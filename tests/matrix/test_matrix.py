"""Runs the permission matrix (see tests/matrix/__init__.py for the case format)."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.matrix import ROLES, all_cases, build_world, expected_post, project_url_names

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _client(users: dict, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    return client


def _check(client: Client, method: str, url: str, data: dict) -> tuple[int, str]:
    response = client.get(url) if method == "get" else client.post(url, data)
    return response.status_code, response.get("Location", "")


def _run(users, world, case, role, method) -> str | None:
    """One check; returns a failure line or None."""
    expected = case["get"] if method == "get" else expected_post(case)
    want = expected[role]
    url = reverse(case["url"], args=case.get("args", lambda w: [])(world))
    data = case["data"](world) if method == "post" and "data" in case else {}
    try:
        with transaction.atomic():
            status, location = _check(_client(users, role), method, url, data)
            raise _Rollback
    except _Rollback:
        pass
    except Exception as error:  # noqa: BLE001 - reported as a failed check
        return f"{case['url']} {method.upper()} as {role}: raised {error!r}"
    if status != want:
        return f"{case['url']} {method.upper()} {url} as {role}: expected {want}, got {status}"
    if role == "anonymous" and status == 302 and not location.startswith(reverse("login")):
        return f"{case['url']} {method.upper()} as anonymous: redirected to {location}"
    return None


def test_every_url_answers_each_role_as_the_matrix_says(users, plan_year):
    world = build_world(plan_year)
    failures = [
        failure
        for case in all_cases()
        for role in ROLES
        for method in ("get", "post")
        if (failure := _run(users, world, case, role, method))
    ]
    assert not failures, "\n".join(failures)


def test_every_project_url_has_a_case():
    covered = {case["url"] for case in all_cases()}
    missing = sorted(project_url_names() - covered)
    assert not missing, f"URLs without a row in the permission matrix: {missing}"


def test_every_case_names_every_role():
    for case in all_cases():
        for key in ("get", "post"):
            expected = case.get(key)
            if expected is not None:
                assert set(expected) == set(ROLES), f"{case['url']} {key}: {sorted(expected)}"
