"""How a figure is read (DESIGN.md, "Read precisely"), each rule with hand-computed numbers.

The pure rules first (status, rounding), then the same rules on counted data: summaries and
their pipeline, own minimums, a county's overall status, a plan year without targets.
"""

import re

import pytest

from pilots.quotas import (
    Share,
    close_margin,
    percent_of,
    pilot_makeup,
    quota_figures,
    quota_progress,
    status_of,
)
from reform.models import QuotaRule, RegionQuota
from reform.services import plan_year_create
from tests.builders import make_pilot, make_zone, region

Rule = QuotaRule.Rule
DONGHAI, NIUSHAN, SHILIU, GUANNAN = "320722", "320722001", "320722002", "320724"
# 东海县's administrative townships and streets (its 21 township-level units less 2 farms).
DONGHAI_ADMINISTRATIVE = 19


# The amber margin: ⌈target ÷ 5⌉ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "margin"), [(1, 1), (3, 1), (5, 1), (6, 2), (8, 2), (10, 2), (15, 3), (30, 6)]
)
def test_the_close_margin_is_a_fifth_of_the_target_rounded_up(target, margin):
    assert close_margin(target) == margin


@pytest.mark.parametrize(
    ("count", "target", "status"),
    [
        # city rule, target 30: amber up to 6 missing.
        (30, 30, "met"),
        (31, 30, "met"),
        (24, 30, "close"),  # gap 6 = ⌈30 ÷ 5⌉
        (23, 30, "far"),  # gap 7: one more
        # county rule, target 15: amber up to 3 missing.
        (12, 15, "close"),
        (11, 15, "far"),
        # development zones, target 8: amber up to 2 missing.
        (6, 8, "close"),
        (5, 8, "far"),
        # township rule, target 3, and a target of 5: amber up to 1 missing.
        (2, 3, "close"),
        (1, 3, "far"),
        (4, 5, "close"),
        (3, 5, "far"),
        # An own minimum of 0 is met by 0.
        (0, 0, "met"),
    ],
)
def test_the_status_follows_the_gap_and_the_target(count, target, status):
    assert status_of(count, target) == status


def test_no_target_is_exempt_or_unset_when_the_year_has_no_such_rule():
    assert status_of(4, None) == "exempt"
    assert status_of(4, None, rule_set=False) == "unset"


# Percentages: half up, never to the even number ---------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (5, 8, 63),  # 62.5 → 63 (round() would give 62)
        (1, 8, 13),  # 12.5 → 13 (round() would give 12)
        (3, 8, 38),  # 37.5 → 38
        (1, 200, 1),  # 0.5 → 1 (round() would give 0)
        (1, 3, 33),
        (2, 3, 67),
        (0, 8, 0),
        (8, 8, 100),
        (3, 0, 0),
    ],
)
def test_percentages_round_half_up(part, whole, percent):
    assert percent_of(part, whole) == percent


def test_a_make_up_share_rounds_half_up_too():
    assert Share(key="x", label="x", count=5, total=8).percent == 63
    assert Share(key="x", label="x", count=1, total=8).percent == 13


# On counted data ----------------------------------------------------------------------------------


def test_a_progress_bar_of_5_of_8_is_63_percent(reference, plan_year):
    zone = make_zone(DONGHAI)
    for _ in range(5):
        make_pilot(plan_year, tier="county", park=zone)
    dev = quota_progress(plan_year).get(region(DONGHAI), Rule.COUNTY_DEV_ZONE)
    assert (dev.count, dev.target, dev.gap, dev.percent, dev.status) == (5, 8, 3, 63, "far")


def test_an_exempt_townships_proposals_stay_on_its_own_row(reference, plan_year):
    """Summary of 东海县's townships: 牛山 2 counted + 1 proposed; 石榴 (exempt) 4 counted and
    2 proposed; every other administrative township 0."""
    RegionQuota.objects.create(
        plan_year=plan_year, region=region(SHILIU), rule=Rule.TOWNSHIP, exempt=True
    )
    for _ in range(2):
        make_pilot(plan_year, tier="township", township=NIUSHAN)
    make_pilot(plan_year, tier="township", township=NIUSHAN, status="proposed")
    for _ in range(4):
        make_pilot(plan_year, tier="township", township=SHILIU)
    for _ in range(2):
        make_pilot(plan_year, tier="township", township=SHILIU, status="proposed")

    progress = quota_progress(plan_year)
    shiliu = progress.get(region(SHILIU), Rule.TOWNSHIP)
    assert (shiliu.count, shiliu.pipeline, shiliu.target, shiliu.status) == (4, 2, None, "exempt")
    summary = progress.county(region(DONGHAI)).townships
    assert summary.region_count == DONGHAI_ADMINISTRATIVE - 1  # 石榴街道 left out
    assert summary.met_count == 0
    assert summary.gap == 1 + 3 * (DONGHAI_ADMINISTRATIVE - 2)  # 牛山 lacks 1, the others 3
    assert summary.pipeline == 1  # 牛山's proposal only, not 石榴's two
    assert summary.count == 2  # 牛山's counted pilots only, not 石榴's four


def test_an_own_minimum_of_zero_is_met_by_zero_and_shows_0_of_0(
    reference, plan_year, client, users
):
    RegionQuota.objects.create(
        plan_year=plan_year, region=region(NIUSHAN), rule=Rule.TOWNSHIP, minimum=0
    )
    row = quota_progress(plan_year).get(region(NIUSHAN), Rule.TOWNSHIP)
    assert (row.count, row.target, row.gap, row.status, row.exempt) == (0, 0, 0, "met", False)
    assert row.percent == 100
    summary = quota_progress(plan_year).county(region(DONGHAI)).townships
    assert summary.region_count == DONGHAI_ADMINISTRATIVE  # it has a target: 0
    assert summary.met_count == 1

    client.force_login(users["leader"])
    html = client.get(f"/regions/{NIUSHAN}/").content.decode()
    card = re.search(
        r'<article class="kpi status-(\w+)" id="kpi-township">(.*?)</article>', html, re.S
    )
    assert card.group(1) == "met"
    assert re.search(r'class="count"[^>]*>0</a><span class="of"> / 0</span>', card.group(2))


def test_a_county_whose_townships_are_behind_is_not_met(reference, plan_year):
    zone = make_zone(GUANNAN)
    for _ in range(15):
        make_pilot(plan_year, tier="county", county=GUANNAN, township=None, park=zone)
    guannan = quota_progress(plan_year).county(region(GUANNAN))
    assert (guannan.main.count, guannan.main.status) == (15, "met")
    assert (guannan.dev.count, guannan.dev.status) == (15, "met")
    assert guannan.townships.met_count == 0 and guannan.townships.status == "far"
    assert guannan.status == "far"


def test_a_county_is_met_when_its_townships_meet_theirs_too(reference, plan_year):
    """灌南县 with its county rules met and every township with a target at 3 of 3."""
    zone = make_zone(GUANNAN)
    for _ in range(15):
        make_pilot(plan_year, tier="county", county=GUANNAN, township=None, park=zone)
    progress = quota_progress(plan_year)
    targets = [row for row in progress.county(region(GUANNAN)).townships.rows if row.has_target]
    for row in targets[1:]:
        for _ in range(3):
            make_pilot(plan_year, tier="township", county=GUANNAN, township=row.region.code)
    for _ in range(2):  # the first township lacks one: close
        make_pilot(plan_year, tier="township", county=GUANNAN, township=targets[0].region.code)
    guannan = quota_progress(plan_year).county(region(GUANNAN))
    # One of n townships behind, n ≥ 5: at most ⌈n ÷ 5⌉ behind, so the township rule is close.
    assert guannan.townships.met_count == len(targets) - 1
    assert (guannan.townships.status, guannan.status) == ("close", "close")
    make_pilot(plan_year, tier="township", county=GUANNAN, township=targets[0].region.code)
    assert quota_progress(plan_year).county(region(GUANNAN)).status == "met"


def test_a_plan_year_without_targets_sets_nothing_rather_than_exempting(reference):
    empty = plan_year_create(year=2027)
    empty.rules.all().delete()
    progress = quota_progress(empty)
    assert not progress.has_targets
    row = progress.get(region(NIUSHAN), Rule.TOWNSHIP)
    assert (row.target, row.status, str(row.status_label)) == (None, "unset", "本年度尚未设定指标")
    assert progress.county(region(DONGHAI)).status == "unset"
    assert progress.summary(Rule.COUNTY).status == "unset"


def test_the_make_up_percentages_of_a_county_round_half_up(reference, plan_year):
    """8 counted pilots, 5 of them in a core industry and 3 in agriculture: 63 % and 38 %."""
    for _ in range(5):
        make_pilot(plan_year, tier="county", industry="3091", core_industry="new_materials")
    for _ in range(3):
        make_pilot(plan_year, tier="county", industry="0111", core_industry="")
    makeup = pilot_makeup(plan_year, within=region(DONGHAI))
    industries = {share.key: share.percent for share in makeup.by_industry}
    assert (industries["new_materials"], industries["other"]) == (63, 38)


@pytest.mark.parametrize("code", ["320700", DONGHAI, NIUSHAN])
def test_the_figures_read_at_once_are_those_of_progress_and_make_up(reference, plan_year, code):
    """quota_figures (the dashboards' one read) gives what quota_progress and pilot_makeup give,
    and counts the pilots that count or are proposed, in all, in a zone and small."""
    zone = make_zone(DONGHAI)
    statuses = ("confirmed", "proposed", "demonstration", "withdrawn")
    for number, (tier, status) in enumerate(
        (tier, status) for tier in ("city", "county", "township") for status in statuses
    ):
        make_pilot(plan_year, tier=tier, status=status, park=zone if number % 2 else None,
                   employee_count=50 + 100 * number)  # fmt: skip
    make_pilot(plan_year, tier="county", county=GUANNAN, township=None, industry="0111")
    place = region(code)
    progress, makeup = quota_figures(plan_year, within=place, small_below=300)
    alone = quota_progress(plan_year, within=place)
    assert {
        key: (row.count, row.pipeline, row.target) for key, row in progress.by_region.items()
    } == {key: (row.count, row.pipeline, row.target) for key, row in alone.by_region.items()}
    assert progress.demonstration_by_county == alone.demonstration_by_county
    assert makeup == pilot_makeup(plan_year, within=place)
    # 9 of the 12 pilots of 东海县 count or are proposed, 3 of them in the zone (every other one,
    # the withdrawn among them); 3 have fewer than 300 employees (the first three).
    assert progress.active_by_region[region(DONGHAI).pk] == (9, 3)
    assert progress.small_active_by_region[region(DONGHAI).pk] == 3
