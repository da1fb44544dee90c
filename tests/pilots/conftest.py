import pytest
from django.test import Client


@pytest.fixture
def as_user(users):
    """A client signed in as one of the named users: as_user("county")."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(users[role])
        return client

    return make
