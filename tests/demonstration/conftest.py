import pytest
from django.test import Client

from tests.builders import region
from tests.demonstration.builders import make_round


@pytest.fixture
def selection(users, plan_year):
    """The 2026 round, application phase open."""
    return make_round(plan_year, user=users["city"])


@pytest.fixture
def donghai(reference):
    return region("320722")


@pytest.fixture
def as_user(users):
    def make(role: str) -> Client:
        client = Client()
        client.force_login(users[role])
        return client

    return make
