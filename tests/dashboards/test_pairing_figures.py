"""The overview and county pages show pairings by kind, the small pilots paired out of all small
pilots, the dormant pairings and the ownership mix; numbers computed by hand."""

import datetime

import pytest
from django.utils import timezone

from demonstration.pairings.selectors import pairing_figures
from pilots.models import Enterprise
from tests.builders import make_enterprise, make_pilot, region
from tests.demonstration.pairing_builders import (
    make_activity,
    make_pairing,
    small_pilot,
    state_lead,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(users, plan_year):
    """东海县: small pilots a, b, c, d (d withdrawn) and a large one; 灌南县: small pilot g."""
    a, b, c = (small_pilot(plan_year, name=n) for n in ("甲", "乙", "丙"))
    small_pilot(plan_year, name="丁", status="withdrawn")
    make_pilot(plan_year, name="大型", employee_count=900)
    g = small_pilot(plan_year, name="灌南", county="320724", township=None)
    lead = state_lead()
    private = make_enterprise(is_leading=True, employee_count=500, county="320724", township=None)
    named = make_pilot(plan_year, status="demonstration", county="320724", township=None,
                       ownership=Enterprise.Ownership.PRIVATE, employee_count=400)  # fmt: skip
    # Active, recent activity: state-owned – non-public.
    fresh = make_pairing(plan_year, lead=lead, partners=[a, b], starts_on=TODAY - 200 * DAY)
    make_activity(fresh, TODAY - 89 * DAY)
    # Active, last activity 91 days ago: dormant; non-public only.
    dormant = make_pairing(plan_year, lead=private, partners=[a], kind="demonstration",
                           starts_on=TODAY - 200 * DAY)  # fmt: skip
    make_activity(dormant, TODAY - 91 * DAY)
    # Ended: counted as ended, its partner c is not paired.
    make_pairing(plan_year, lead=lead, partners=[c], status="ended")
    # 灌南县: active, no activity, started 90 days ago exactly: not yet dormant.
    make_pairing(plan_year, lead=named.enterprise, partners=[g], kind="demonstration",
                 starts_on=TODAY - 90 * DAY)  # fmt: skip
    return plan_year


def test_the_city_figures(world):
    figures = pairing_figures(plan_year=world, within=region("320700"))
    assert figures.active_by_kind == {"big_small": 1, "demonstration": 2}
    assert (figures.ended, figures.dormant) == (1, 1)
    # Small pilots not withdrawn: 甲 乙 丙 灌南 (the large one and 丁 are not); paired: 甲 乙 灌南.
    assert (figures.small_paired, figures.small_total) == (3, 4)
    assert figures.mixes["state_owned+non_public"] == 1
    assert figures.mixes["non_public"] == 2
    assert sum(figures.mixes.values()) == 3


def test_the_county_figures_count_pairings_with_a_partner_there(world):
    figures = pairing_figures(plan_year=world, within=region("320722"))
    assert figures.active_by_kind == {"big_small": 1, "demonstration": 1}
    assert (figures.ended, figures.dormant, figures.small_paired, figures.small_total) == (
        1,
        1,
        2,
        3,
    )
    guannan = pairing_figures(plan_year=world, within=region("320724"))
    assert guannan.active_by_kind == {"big_small": 0, "demonstration": 1}
    assert (guannan.dormant, guannan.small_paired, guannan.small_total) == (0, 1, 1)


def test_the_pages_show_them(client, users, world):
    client.force_login(users["county"])
    page = client.get("/regions/320722/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="pairing-figures"' in page
    assert '<p class="figure" id="small-paired"><b>2</b> / 3 <span class="muted">67%</span>' in page
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<b>3</b> / 4 <span class="muted">75%</span>' in home
    assert "state-owned – non-public" in home


def test_a_city_of_a_province_counts_its_own_pilots_and_pairings_only(world):
    """A province deployment: 淮安市's small pilot and its pairing stay out of 连云港市's figures
    (they were counted in every city when a city meant 'everything')."""
    from reform.models import Region

    lianyungang = region("320700")
    huaian = Region.objects.create(
        code="320800", name="淮安市", level="city", kind="city", parent=lianyungang.parent
    )
    Region.objects.create(code="320803", name="淮安区", level="county", kind="district",
                          parent=huaian)  # fmt: skip
    other = small_pilot(world, name="淮安小厂", county="320803", township=None)
    make_pairing(world, lead=state_lead(), partners=[other])
    figures = pairing_figures(plan_year=world, within=lianyungang)
    assert figures.active_by_kind == {"big_small": 1, "demonstration": 2}
    assert (figures.small_paired, figures.small_total) == (3, 4)
    theirs = pairing_figures(plan_year=world, within=huaian)
    assert theirs.active_by_kind == {"big_small": 1, "demonstration": 0}
    assert (theirs.small_paired, theirs.small_total) == (1, 1)


@pytest.mark.parametrize("code", ["320700", "320722", "320724"])
def test_the_small_pilots_counted_with_the_quota_figures_are_the_same(world, code):
    """The pages count the small pilots with the quota figures (one read of the pilots) and ask
    pairing_figures for the paired ones only: the figures are those it counts alone."""
    from demonstration.models import SMALL_EMPLOYEE_LIMIT
    from pilots.quotas import quota_figures

    place = region(code)
    progress, _makeup = quota_figures(world, within=place, small_below=SMALL_EMPLOYEE_LIMIT)
    small_total = progress.small_active_by_region.get(place.pk, 0)
    alone = pairing_figures(plan_year=world, within=place)
    assert pairing_figures(plan_year=world, within=place, small_total=small_total) == alone
