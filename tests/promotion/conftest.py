import pytest

from tests.builders import make_pilot


@pytest.fixture
def niushan_pilot(users, plan_year):
    """A county-tier pilot of an enterprise in 东海县 · 牛山街道 (the township official's)."""
    return make_pilot(plan_year, tier="county", county="320722", township="320722001")


@pytest.fixture
def donghai_pilot(users, plan_year):
    """A pilot in 东海县 in 石榴街道, another township of 东海县."""
    return make_pilot(plan_year, tier="county", county="320722", township="320722002")


@pytest.fixture
def guannan_pilot(users, plan_year):
    """A pilot in 灌南县: outside the county official's scope."""
    return make_pilot(plan_year, tier="county", county="320724", township=None)
