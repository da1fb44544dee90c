"""Sign-in, lock-out, sessions and user management by the administrator."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reform.models import User
from tests.builders import PASSWORD, region

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_no_user_exists_after_migrating():
    # No default administrator with a known password: accounts come from the demo or an admin.
    assert not User.objects.exists()


def test_five_failed_sign_ins_lock_that_user_on_that_address(users):
    attacker = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "county", "wrong-password-1")
    response = sign_in(attacker, "county", PASSWORD)
    assert response.status_code in (403, 429)
    assert not is_signed_in(attacker)

    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    assert sign_in(elsewhere, "county", PASSWORD).status_code == 302
    assert is_signed_in(elsewhere)

    same_address_other_user = Client(REMOTE_ADDR="10.0.0.1")
    assert sign_in(same_address_other_user, "city", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(users):
    assert 0 < settings.AXES_COOLOFF_TIME <= 24  # hours: finite
    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "township", "wrong-password-1")
    assert not is_signed_in(client) and sign_in(client, "township", PASSWORD).status_code != 302
    later = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    AccessAttempt.objects.update(attempt_time=later)
    assert sign_in(client, "township", PASSWORD).status_code == 302


def test_signing_in_gives_a_new_session_key(users):
    client = Client()
    session = SessionStore()
    session["before"] = "anonymous visit"
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert sign_in(client, "city", PASSWORD).status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != session.session_key
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_signing_out_ends_the_session(users):
    client = Client()
    sign_in(client, "city", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("dashboards:home")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("dashboards:home")).status_code == 302


def test_a_deactivated_users_session_stops_working(users):
    client = Client()
    sign_in(client, "county", PASSWORD)
    assert client.get(reverse("pilots:pilot_list")).status_code == 200
    User.objects.filter(username="county").update(is_active=False)
    response = client.get(reverse("pilots:pilot_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def _add_user(admin_client: Client, **fields):
    data = {
        "username": "newofficial",
        "password1": "Lianyungang-union-2026",
        "password2": "Lianyungang-union-2026",
        "usable_password": "true",
        "role": "county",
        "region": region("320722").pk,
    }
    return admin_client.post(reverse("admin:reform_user_add"), data | fields)


@pytest.fixture
def admin_client_signed_in(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_the_administrator_creates_a_user_with_role_and_region(admin_client_signed_in):
    response = _add_user(admin_client_signed_in)
    assert response.status_code == 302
    user = User.objects.get(username="newofficial")
    assert (user.role, user.region.code) == ("county", "320722")


def test_a_weak_password_is_refused(admin_client_signed_in):
    response = _add_user(admin_client_signed_in, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="newofficial").exists()


def test_a_county_official_without_a_county_is_refused(admin_client_signed_in):
    township = region("320722001")
    response = _add_user(admin_client_signed_in, region=township.pk)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["region"]
    assert not User.objects.filter(username="newofficial").exists()


def test_a_leader_with_a_region_is_refused(admin_client_signed_in):
    response = _add_user(admin_client_signed_in, role="leader")
    assert response.context["adminform"].form.errors["region"]
