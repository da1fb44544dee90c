"""The candidates for each gap: ranking, exclusions, the dashboards' line, the page, and the
one-step proposal with its refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilots.candidates import candidate_counts, candidate_list
from pilots.models import Pilot
from reform.models import PlanYear, QuotaRule
from reform.scopes import scope_for
from tests.builders import make_enterprise, make_pilot, make_zone, region

Rule = QuotaRule.Rule
DONGHAI, NIUSHAN, SHILIU, GUANNAN, CITY = "320722", "320722001", "320722002", "320724", "320700"


def _names(plan_year, code, rule, user):
    scope = scope_for(user)
    return [
        e.name
        for e in candidate_list(plan_year=plan_year, region=region(code), rule=rule, scope=scope)
    ]


@pytest.fixture
def ranked(users, plan_year):
    """东海县's enterprises without a pilot of the year, one of each rank, plus the excluded."""
    zone = make_zone(DONGHAI, name="测试省级开发区", level="provincial")
    municipal = make_zone(DONGHAI, name="测试市级开发区", level="municipal")
    made = {
        # core industry, small, not leading: first (core beats size and leading)
        "core": make_enterprise(name="甲核心", employee_count=20, park=zone),
        # not core, 100+ employees, not leading
        "large": make_enterprise(name="乙大型", core_industry="", employee_count=300),
        # not core, small, leading
        "leading": make_enterprise(
            name="丙龙头", core_industry="", employee_count=30, is_leading=True, park=municipal
        ),
        # nothing of the three, last
        "plain": make_enterprise(name="丁普通", core_industry="", employee_count=10, park=zone),
        # core and large and leading: before 甲核心
        "all": make_enterprise(name="戊全能", employee_count=500, is_leading=True, township=SHILIU),
    }
    withdrawn = make_enterprise(name="己退出", core_industry="", employee_count=99, park=zone)
    make_pilot(plan_year, tier="county", status="withdrawn", enterprise=withdrawn)
    made["withdrawn"] = withdrawn
    # Excluded: a counted pilot, a proposed one, another county's enterprise.
    make_pilot(plan_year, tier="county", status="confirmed", name="庚已确定")
    make_pilot(plan_year, tier="township", status="proposed", name="辛已推荐")
    make_enterprise(name="壬灌南", county=GUANNAN, township=None)
    # A pilot of another year does not exclude an enterprise.
    other_year = PlanYear.objects.create(year=2025)
    make_pilot(other_year, tier="county", enterprise=made["plain"])
    return made


def test_candidates_rank_core_industry_then_size_then_leading(ranked, users, plan_year):
    assert _names(plan_year, DONGHAI, Rule.COUNTY, users["city"]) == [
        "戊全能",
        "甲核心",
        "乙大型",
        "丙龙头",
        "己退出",
        "丁普通",
    ]


def test_counted_and_proposed_pilots_are_no_candidates_withdrawn_ones_are_marked(
    ranked, users, plan_year
):
    listed = {
        e.name: e
        for e in candidate_list(
            plan_year=plan_year,
            region=region(DONGHAI),
            rule=Rule.COUNTY,
            scope=scope_for(users["city"]),
        )
    }
    assert "庚已确定" not in listed and "辛已推荐" not in listed and "壬灌南" not in listed
    assert listed["己退出"].withdrawn_pilot_id is not None
    assert listed["甲核心"].withdrawn_pilot_id is None


def test_the_development_zone_rule_takes_only_national_or_provincial_zones(
    ranked, users, plan_year
):
    # 丙龙头 lies in a municipal zone, 乙大型 in none: not candidates of this rule.
    assert _names(plan_year, DONGHAI, Rule.COUNTY_DEV_ZONE, users["city"]) == [
        "甲核心",
        "己退出",
        "丁普通",
    ]
    counts = candidate_counts(
        plan_year=plan_year, region=region(DONGHAI), rules=[Rule.COUNTY, Rule.COUNTY_DEV_ZONE]
    )
    assert counts == {Rule.COUNTY: 6, Rule.COUNTY_DEV_ZONE: 3}


def test_township_and_city_candidates(ranked, users, plan_year):
    assert _names(plan_year, SHILIU, Rule.TOWNSHIP, users["city"]) == ["戊全能"]
    # The city: every county's enterprises, 壬灌南 included.
    city = _names(plan_year, CITY, Rule.CITY, users["city"])
    assert len(city) == 7 and "壬灌南" in city


def test_the_list_is_narrowed_to_the_scope(ranked, users, plan_year):
    assert _names(plan_year, DONGHAI, Rule.COUNTY, users["township"]) == [
        "甲核心",
        "乙大型",
        "丙龙头",
        "己退出",
        "丁普通",
    ]  # 戊全能 lies in 石榴街道
    assert _names(plan_year, DONGHAI, Rule.COUNTY, users["other_county"]) == []
    assert _names(plan_year, DONGHAI, Rule.COUNTY, users["reviewer"]) == []


# The dashboards' line ------------------------------------------------------------------------


def test_the_county_page_says_the_gap_and_the_candidates(client, ranked, users, plan_year):
    client.force_login(users["leader"])
    page = client.get(f"/regions/{DONGHAI}/").content.decode()
    # 1 of 15 counted (庚已确定): 14 missing, 6 candidates; 0 of 8 in zones: 8 missing, 3.
    assert "还差 14 家，候选 6 家" in page
    assert "还差 8 家，候选 3 家" in page
    assert page.count("needs-registration") == 2  # both fewer than the gap: in red
    url = reverse("pilots:candidate_list", args=[DONGHAI, Rule.COUNTY_DEV_ZONE])
    assert f"{url}?year=2026" in page


def test_a_met_rule_has_no_line_and_enough_candidates_are_not_red(client, users, plan_year):
    for _ in range(3):
        make_pilot(plan_year, tier="township", township=NIUSHAN)
    for _ in range(4):
        make_enterprise(township=SHILIU)
    client.force_login(users["county"])
    # 牛山街道: 3 of 3, met: no line.
    assert "gap-candidates" not in client.get(f"/regions/{NIUSHAN}/").content.decode()
    # 石榴街道: 0 of 3, 4 candidates: the line, not in red.
    page = client.get(f"/regions/{SHILIU}/").content.decode()
    assert "还差 3 家，候选 4 家" in page and "needs-registration" not in page


def test_the_overview_shows_the_city_rule_candidates(client, users, plan_year):
    make_enterprise()
    make_enterprise(county=GUANNAN, township=None)
    client.force_login(users["city"])
    page = client.get("/").content.decode()
    assert "还差 30 家，候选 2 家" in page and "needs-registration" in page


# The candidates page ---------------------------------------------------------------------------


def _page_url(code=DONGHAI, rule=Rule.COUNTY_DEV_ZONE, **params):
    query = "&".join(f"{k}={v}" for k, v in ({"year": 2026} | params).items())
    return f"{reverse('pilots:candidate_list', args=[code, rule])}?{query}"


def test_the_page_lists_the_ranked_candidates_with_their_reasons(client, ranked, users):
    client.force_login(users["county"])
    page = client.get(_page_url()).content.decode()
    assert page.index("甲核心") < page.index("己退出") < page.index("丁普通")
    assert "核心产业：新材料" in page and "位于测试省级开发区" in page
    assert "本年度已退出" in page  # 己退出 is marked
    assert "还差 8 家，候选 3 家" in page and "needs-registration" in page
    assert page.count('name="enterprise"') == 3  # a proposal button each


def test_the_page_of_another_region_shows_the_figures_but_no_records(client, ranked, users):
    client.force_login(users["other_county"])
    page = client.get(_page_url()).content.decode()
    assert "还差 8 家，候选 3 家" in page  # an aggregate, as on the dashboards
    assert "甲核心" not in page and 'name="enterprise"' not in page


def test_leaders_read_but_get_no_proposal_buttons(client, ranked, users):
    client.force_login(users["leader"])
    page = client.get(_page_url()).content.decode()
    assert "甲核心" in page and 'name="enterprise"' not in page


def test_a_rule_of_another_level_or_an_unknown_rule_answers_404(client, users, plan_year):
    client.force_login(users["city"])
    assert client.get(_page_url(code=NIUSHAN, rule=Rule.COUNTY)).status_code == 404
    assert client.get(_page_url(rule="nonsense")).status_code == 404
    assert client.get(_page_url(year=1999)).status_code == 404


def test_paging_is_bounded(client, users, plan_year):
    zone = make_zone(DONGHAI)
    for _ in range(30):
        make_enterprise(park=zone)
    client.force_login(users["city"])
    for params in ({"page": "abc"}, {"page": "999"}, {"per_page": "100000000"}, {"per_page": "-1"}):
        response = client.get(_page_url(**params))
        assert response.status_code == 200
        assert response.content.decode().count('name="enterprise"') <= 100


def test_the_page_of_a_year_without_targets_says_so(client, users, plan_year):
    PlanYear.objects.create(year=2027)
    make_enterprise(park=make_zone(DONGHAI))
    client.force_login(users["city"])
    page = client.get(_page_url(year=2027)).content.decode()
    assert "2027 年度尚未设定目标" in page and 'name="enterprise"' not in page


def _grow(count):
    zone = make_zone(DONGHAI)
    for index in range(count):
        enterprise = make_enterprise(park=zone, is_leading=index % 2 == 0)
        if index % 3 == 0:
            make_pilot(
                PlanYear.objects.get(year=2026),
                tier="county",
                status="withdrawn",
                enterprise=enterprise,
            )


@pytest.mark.parametrize("role", ["city", "county", "township", "reviewer"])
def test_the_number_of_queries_does_not_grow_with_the_data(client, users, plan_year, role):
    client.force_login(users[role])
    _grow(3)
    client.get(_page_url())
    with CaptureQueriesContext(connection) as small:
        assert client.get(_page_url()).status_code == 200
    _grow(20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(_page_url()).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_number_of_queries_is_pinned(client, users, plan_year):
    _grow(5)
    client.force_login(users["county"])
    client.get(_page_url())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_page_url()).status_code == 200
    # session, user, region, plan year, 4 for the quota rule (rules, exceptions, regions,
    # pilots), the candidates' number, the page's count and its rows, the header's region.
    assert len(captured) == 12, [query["sql"][:120] for query in captured]


# Proposing a candidate -------------------------------------------------------------------------


def _propose(client, enterprise, *, code=DONGHAI, rule=Rule.COUNTY_DEV_ZONE, year=2026):
    url = reverse("pilots:candidate_propose", args=[code, rule])
    data = {"enterprise": getattr(enterprise, "pk", enterprise), "year": year}
    return client.post(url, data, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_county_official_proposes_a_candidate_at_county_tier(client, ranked, users, plan_year):
    client.force_login(users["county"])
    response = _propose(client, ranked["core"])
    assert "已将甲核心推荐为 2026 年度县级试点" in _messages(response)
    pilot = Pilot.objects.get(enterprise=ranked["core"], plan_year=plan_year)
    assert (pilot.tier, pilot.status, pilot.registered_by) == (
        "county",
        "proposed",
        users["county"],
    )
    assert pilot.history.count() == 1 and pilot.history.first().history_user == users["county"]
    # The pipeline grew and 甲核心 is no candidate any more.
    page = response.content.decode()
    assert "还差 8 家，候选 2 家" in page
    row = quota_row(plan_year, DONGHAI, Rule.COUNTY_DEV_ZONE)
    assert (row.count, row.pipeline) == (0, 1)


def quota_row(plan_year, code, rule):
    from pilots.quotas import quota_progress

    return quota_progress(plan_year, within=region(code)).get(region(code), rule)


def test_a_withdrawn_pilot_is_brought_back_as_proposed(client, ranked, users, plan_year):
    client.force_login(users["city"])
    pilot = Pilot.objects.get(enterprise=ranked["withdrawn"], plan_year=plan_year)
    _propose(client, ranked["withdrawn"])
    pilot.refresh_from_db()
    assert (pilot.status, pilot.tier) == ("proposed", "county")
    latest = pilot.history.first()
    assert latest.history_change_reason == "作为东海县的候选企业重新推荐"
    assert Pilot.objects.filter(enterprise=ranked["withdrawn"]).count() == 1


def test_a_township_official_proposes_a_township_tier_pilot(client, users, plan_year):
    enterprise = make_enterprise(name="牛山企业", township=NIUSHAN)
    client.force_login(users["township"])
    _propose(client, enterprise, code=NIUSHAN, rule=Rule.TOWNSHIP)
    assert Pilot.objects.get(enterprise=enterprise).tier == "township"


def _refused(client, enterprise, message, **kwargs):
    before = list(Pilot.objects.values_list("pk", "status", "tier", "version"))
    response = _propose(client, enterprise, **kwargs)
    assert response.status_code == 200
    assert message in _messages(response), _messages(response)
    assert list(Pilot.objects.values_list("pk", "status", "tier", "version")) == before


def test_a_candidate_outside_the_scope_is_refused(client, ranked, users):
    client.force_login(users["other_county"])
    _refused(client, ranked["core"], "不在您的管辖范围内")
    _refused(client, 10**9, "不在您的管辖范围内")  # no such enterprise
    client.force_login(users["township"])
    _refused(client, ranked["all"], "不在您的管辖范围内", code=SHILIU, rule=Rule.TOWNSHIP)


def test_an_enterprise_that_is_no_candidate_of_the_rule_is_refused(client, ranked, users):
    client.force_login(users["county"])
    _refused(client, ranked["leading"], "不是东海县该项目标的候选企业")  # a municipal zone


def test_an_enterprise_already_a_pilot_of_the_year_is_refused(client, ranked, users, plan_year):
    client.force_login(users["county"])
    proposed = Pilot.objects.get(enterprise__name="辛已推荐")
    _refused(client, proposed.enterprise, "已是 2026 年度的试点（拟推荐）", rule=Rule.COUNTY)


def test_a_tier_the_user_may_not_register_is_refused(client, ranked, users):
    client.force_login(users["county"])
    _refused(client, ranked["core"], "您无权登记市级试点", code=CITY, rule=Rule.CITY)
    client.force_login(users["township"])
    _refused(client, ranked["core"], "您无权登记县级试点")


def test_a_year_without_targets_is_refused(client, ranked, users):
    PlanYear.objects.create(year=2027)
    client.force_login(users["city"])
    _refused(client, ranked["core"], "2027 年度尚未设定该项目标", year=2027)


def test_bad_input_is_refused_with_a_message(client, ranked, users):
    client.force_login(users["city"])
    _refused(client, "abc", "请从候选企业名单中选择一家企业")
    response = _propose(client, ranked["core"], year="abc")
    assert response.status_code == 400
