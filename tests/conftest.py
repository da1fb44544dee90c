import pytest

from tests.builders import make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Files the site stores (attachments, photos, import originals) go to a throw-away folder,
    never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def reference(db):
    """The real reference data: regions of Lianyungang, parks, industries, clusters."""
    from reform.reference import load_all_reference

    load_all_reference()


@pytest.fixture
def plan_year(db):
    from reform.services import plan_year_create

    return plan_year_create(year=2026, title="2026", make_current=True)


@pytest.fixture
def users(reference):
    """One named user per role: admin, city, county (东海县), township (牛山街道), leader, and a
    reviewer whose own unit is 灌云县."""
    return {
        "admin": make_user("admin", role="admin"),
        "city": make_user("city", role="city_staff"),
        "county": make_user("county", role="county", region="320722"),
        "other_county": make_user("other_county", role="county", region="320724"),
        "township": make_user("township", role="township", region="320722001"),
        "leader": make_user("leader", role="leader"),
        "reviewer": make_user("reviewer", role="reviewer", region="320723"),
    }
