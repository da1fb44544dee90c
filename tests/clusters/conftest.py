import pytest

from clusters.models import Cluster, GuidanceStation
from tests.builders import make_zone


@pytest.fixture
def crystal(users):
    """东海水晶产业集群, one of the three clusters of the work plan (reference data)."""
    return Cluster.objects.select_related("county").get(name="东海水晶产业集群")


@pytest.fixture
def mushrooms(users):
    """灌南县菌菇产业集群: another county's cluster."""
    return Cluster.objects.get(name="灌南县菌菇产业集群")


@pytest.fixture
def donghai_zone(users):
    return make_zone("320722", name="东海测试开发区")


@pytest.fixture
def guannan_zone(users):
    return make_zone("320724", name="灌南测试开发区")


@pytest.fixture
def donghai_station(donghai_zone):
    return GuidanceStation.objects.create(name="东海测试开发区产改指导站", park=donghai_zone)


@pytest.fixture
def guannan_station(guannan_zone):
    return GuidanceStation.objects.create(name="灌南测试开发区产改指导站", park=guannan_zone)


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production settings redirect http to https; the test client speaks plain http.
    settings.SECURE_SSL_REDIRECT = False
    # No collectstatic in tests: serve the style sheets without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
