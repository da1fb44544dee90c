"""Sign-in lockout behind reverse proxies (reform/signin.py): whose address, which limit, how long.

Every client here reaches the site through one proxy at 10.0.0.254 (REMOTE_ADDR), which appends
the address it was called from to X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, RequestFactory
from django.utils import timezone

from reform.signin import client_address
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.254"
ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.2"
WRONG = "wrong-password-1"


@pytest.fixture
def behind_one_proxy(settings):
    settings.REVERSE_PROXY_COUNT = 1


def via_proxy(client_ip: str, forged: str = "", **extra) -> Client:
    """A client whose requests pass our proxy; `forged` is what it wrote into the header itself."""
    chain = f"{forged}, {client_ip}" if forged else client_ip
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain, **extra)


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        sign_in(client, username, WRONG)


def test_one_address_cannot_lock_out_a_user_signing_in_from_another(users, behind_one_proxy):
    attacker = via_proxy(ATTACKER)
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT)
    assert sign_in(attacker, "county", PASSWORD).status_code == 429

    assert sign_in(via_proxy(VICTIM), "county", PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forged_header_cannot_put_failures_on_someone_elses_address(users, behind_one_proxy):
    # The attacker writes the victim's address first; our proxy appends the attacker's real one.
    attacker = via_proxy(ATTACKER, forged=VICTIM)
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert sign_in(via_proxy(VICTIM), "county", PASSWORD).status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(users):
    assert settings.REVERSE_PROXY_COUNT == 0
    # A new forged address on every try does not escape the lock of the real address.
    for n in range(settings.AXES_FAILURE_LIMIT):
        direct = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
        sign_in(direct, "county", WRONG)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    direct = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)
    assert sign_in(direct, "county", PASSWORD).status_code == 429


def test_an_address_trying_many_user_names_is_locked_for_every_name(users, behind_one_proxy):
    sprayer = via_proxy(ATTACKER)
    limit = settings.AXES_IP_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    # One wrong password for each of limit − 1 names: no name and not the address is locked yet.
    for n in range(limit - 1):
        sign_in(sprayer, f"guess{n}", WRONG)
    assert sign_in(via_proxy(ATTACKER), "city", PASSWORD).status_code == 302
    # Signing in cleared that name's failures only, not the address's: one more name locks it.
    sign_in(sprayer, f"guess{limit}", WRONG)
    response = sign_in(via_proxy(ATTACKER), "county", PASSWORD)
    assert response.status_code == 429
    assert response.context["whole_address"] is True
    # Elsewhere the same user signs in.
    assert sign_in(via_proxy(VICTIM), "county", PASSWORD).status_code == 302


def test_the_name_limit_counts_one_name_on_one_address(users, behind_one_proxy):
    attacker = via_proxy(ATTACKER)
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(via_proxy(ATTACKER), "county", PASSWORD).status_code == 302
    # The success cleared the failures: the count starts again.
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(via_proxy(ATTACKER), "county", PASSWORD).status_code == 302
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT)
    response = sign_in(via_proxy(ATTACKER), "county", PASSWORD)
    assert response.status_code == 429
    assert response.context["whole_address"] is False


def test_tries_during_a_lock_do_not_extend_it(users, behind_one_proxy):
    attacker = via_proxy(ATTACKER)
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT)
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    # The lock happened a minute short of the cool-off ago.
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off + timedelta(minutes=1))
    before = list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start"))

    for password in (WRONG, WRONG, PASSWORD):
        assert sign_in(attacker, "county", password).status_code == 429
    assert list(AccessAttempt.objects.values_list("attempt_time", "failures_since_start")) == before

    # Two minutes on, the cool-off since the locking failure is over: the tries did not move it.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert sign_in(attacker, "county", PASSWORD).status_code == 302


def test_the_locked_out_page_says_when_to_try_again(users, behind_one_proxy):
    attacker = via_proxy(ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    fail(attacker, "county", settings.AXES_FAILURE_LIMIT)
    locked_at = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=5)
    AccessAttempt.objects.update(attempt_time=locked_at)
    ends = timezone.localtime(locked_at + timedelta(hours=settings.AXES_COOLOFF_TIME))
    cool_off_minutes = round(settings.AXES_COOLOFF_TIME * 60)
    # 5 minutes and some seconds ago: the rest of the cool-off, rounded up.
    left = cool_off_minutes - 5

    english = sign_in(attacker, "county", PASSWORD)
    assert english.status_code == 429
    assert f"Try again after <strong>{ends:%H:%M}</strong> (in {left} minutes)." in english.text

    chinese = sign_in(via_proxy(ATTACKER, HTTP_ACCEPT_LANGUAGE="zh-hans"), "county", PASSWORD)
    assert chinese.status_code == 429
    assert f"请在 <strong>{ends:%H:%M}</strong> 之后再试（约 {left} 分钟后）。" in chinese.text


# Reading the address ------------------------------------------------------------------------


def _address(settings, count: int, remote: str, forwarded: str | None = None) -> str | None:
    settings.REVERSE_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy: the header is whatever the client wrote.
        (0, ATTACKER, VICTIM, ATTACKER),
        (0, ATTACKER, None, ATTACKER),
        # One proxy: the last entry, the one it appended.
        (1, PROXY, ATTACKER, ATTACKER),
        (1, PROXY, f"{VICTIM}, {ATTACKER}", ATTACKER),
        (1, PROXY, f"{VICTIM},{ATTACKER}", ATTACKER),
        (1, PROXY, f"not-an-address, {ATTACKER}", ATTACKER),
        (1, PROXY, "2001:DB8::1", "2001:db8::1"),
        # One proxy, no header: a direct call of the app server (a health check, a test client).
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        # Two proxies (a load balancer, then nginx): the second entry from the right.
        (2, PROXY, f"{VICTIM}, {ATTACKER}, 10.0.0.9", ATTACKER),
        # A trusted position holding no address is a misconfigured proxy: the peer's address.
        (1, PROXY, f"{VICTIM}, unknown", PROXY),
    ],
)
def test_the_client_address_is_read_through_the_trusted_proxies(
    settings, count, remote, forwarded, expected
):
    assert _address(settings, count, remote, forwarded) == expected
