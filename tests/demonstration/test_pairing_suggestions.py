"""Who is still alone: the ranking of suggested leads, with hand-built data.

Closeness ranks first (same cluster, then same GB/T 4754 division, then same park, then same
county-level unit; a lead sharing none is not suggested); among equals a state-owned or leading
lead of another ownership group comes first; then the name.
"""

import pytest
from django.utils import translation

from clusters.models import Cluster
from demonstration.pairings.suggestions import (
    SAME_CLUSTER,
    SAME_COUNTY,
    SAME_INDUSTRY,
    SAME_PARK,
    alone_pilots,
    with_suggestions,
)
from pilots.models import Enterprise
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_zone
from tests.demonstration.pairing_builders import make_pairing, small_pilot, state_lead

pytestmark = pytest.mark.django_db
STATE, PRIVATE = Enterprise.Ownership.STATE_OWNED, Enterprise.Ownership.PRIVATE


@pytest.fixture(autouse=True)
def english(reference):
    with translation.override("en"):
        yield


def lead(name: str, **fields) -> Enterprise:
    values = {"name": name, "county": "320722", "township": None, "industry": "2614",
              "ownership": PRIVATE, "employee_count": 500}  # fmt: skip
    return make_enterprise(**(values | fields))


def ranked(pilot) -> list[tuple[str, int, bool, str]]:
    (row,) = with_suggestions([pilot])
    return [(s.lead.name, s.closeness, s.across, s.reason) for s in row.suggestions]


def test_closeness_ranks_cluster_then_industry_then_park_then_county(plan_year):
    park = make_zone("320722", name="东海高新区")
    pilot = small_pilot(plan_year, name="小微", industry="3099", park=park)
    crystal = Cluster.objects.get(name="东海水晶产业集群")
    in_cluster = lead("丁集群企业")
    crystal.members.add(pilot.enterprise, in_cluster)
    lead("丙同行企业", industry="3091", county="320724")  # another class of division 30
    lead("乙同园企业", park=park)
    lead("甲同县企业")
    lead("外县企业", county="320724")  # shares nothing: not suggested
    assert ranked(pilot) == [
        ("丁集群企业", SAME_CLUSTER, False, "same cluster: 东海水晶产业集群"),
        ("丙同行企业", SAME_INDUSTRY, False, "same industry division: 30 非金属矿物制品业"),
        ("乙同园企业", SAME_PARK, False, "same park: 东海高新区"),
    ]


def test_unclassified_enterprises_share_no_industry_division(plan_year):
    """Two 待归类 enterprises (no GB/T entry) are not "the same industry"; nor are two
    enterprises classed only at their section."""
    pilot = small_pilot(plan_year, name="小微", industry=None, industry_text="水晶饰品加工")
    lead("甲待归类企业", industry=None, industry_text="水晶饰品加工", county="320724")
    lead("乙同县企业")
    assert [(name, close) for name, close, *_r in ranked(pilot)] == [("乙同县企业", SAME_COUNTY)]
    section = small_pilot(plan_year, name="门类企业", industry="C")
    lead("丙门类企业", industry="C", county="320724")
    assert "丙门类企业" not in [name for name, *_r in ranked(section)]


def test_among_equals_a_state_owned_or_leading_lead_of_another_group_comes_first(plan_year):
    pilot = small_pilot(plan_year, name="小微", industry="0142")
    lead("甲民营大企业")  # same group (non-public), not leading: last
    lead("乙民营龙头", is_leading=True)  # leading, but of the pilot's own group: not across
    lead("丙国有企业", ownership=STATE)
    lead("丁集体龙头", ownership=Enterprise.Ownership.COLLECTIVE, is_leading=True)
    result = ranked(pilot)
    assert [name for name, *_rest in result] == ["丁集体龙头", "丙国有企业", "乙民营龙头"]
    assert [close for _n, close, *_r in result] == [SAME_COUNTY] * 3
    assert [across for _n, _c, across, _r in result] == [True, True, False]
    (row,) = with_suggestions([pilot])
    assert row.suggestions[0].across_reason == "leading enterprise of another ownership group"
    assert row.suggestions[1].across_reason == "state-owned, of another ownership group"


def test_a_lead_no_larger_than_the_pilot_or_not_qualified_is_not_suggested(plan_year):
    pilot = small_pilot(plan_year, name="小微", employees=250)
    lead("同等规模国企", ownership=STATE, employee_count=250)
    lead("小民营", employee_count=280)  # larger, but neither state-owned, leading nor ≥ 300
    lead("大民营", employee_count=301)
    assert [name for name, *_rest in ranked(pilot)] == ["大民营"]


def test_who_is_alone_small_pilots_without_an_active_pairing_in_the_area(users, plan_year):
    paired = small_pilot(plan_year, name="已结对")
    make_pairing(plan_year, lead=state_lead(), partners=[paired])
    ended = small_pilot(plan_year, name="结对已结束")
    make_pairing(plan_year, lead=state_lead(), partners=[ended], status="ended")
    alone = small_pilot(plan_year, name="独自")
    small_pilot(plan_year, name="大企业", employees=300)
    small_pilot(plan_year, name="已退出", status="withdrawn")
    small_pilot(plan_year, name="灌南独自", county="320724", township=None)
    names = {
        p.enterprise.name
        for p in alone_pilots(scope=scope_for(users["county"]), plan_year=plan_year)
    }  # noqa: E501
    assert names == {"结对已结束", "独自"}
    city = alone_pilots(scope=scope_for(users["city"]), plan_year=plan_year)
    assert {p.enterprise.name for p in city} == {"结对已结束", "独自", "灌南独自"}
    assert not alone_pilots(scope=scope_for(users["reviewer"]), plan_year=plan_year).exists()
    assert alone.pk in {p.pk for p in city}
