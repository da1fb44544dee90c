"""What each role may register: tiers and parks, decided in reform/scopes.py."""

import pytest

from reform.scopes import scope_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "tiers"),
    [
        ("admin", ("city", "county", "township")),
        ("city", ("city", "county", "township")),
        ("county", ("county", "township")),
        ("township", ("township",)),
        ("leader", ()),
    ],
)
def test_each_role_registers_its_own_tiers(users, role, tiers):
    assert scope_for(users[role]).registrable_tiers == tiers


def test_anonymous_and_inactive_users_register_nothing(users):
    from django.contrib.auth.models import AnonymousUser

    assert scope_for(AnonymousUser()).registrable_tiers == ()
    users["city"].is_active = False
    assert scope_for(users["city"]).registrable_tiers == ()


def test_county_officials_choose_only_their_countys_parks(users):
    from tests.builders import make_zone

    mine, other = make_zone("320722"), make_zone("320724")
    parks = set(scope_for(users["county"]).parks())
    assert mine in parks and other not in parks
    assert {mine, other} <= set(scope_for(users["city"]).parks())
