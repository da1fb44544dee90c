"""The figures the overview and county pages will show (demonstration/selectors.py): a round's
progress and the demonstration units by county-level unit, each in a fixed number of queries."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demonstration import selectors, services
from demonstration.models import Naming, NoticeEntry, Phase
from reform.scopes import scope_for
from tests.builders import make_pilot, region
from tests.demonstration.builders import (
    make_reviewer,
    open_phase,
    recommend,
    score_all,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_a_rounds_progress_counts_each_stage(selection, users, plan_year):
    submitted = [submitted_application(selection, user=users["county"]) for _ in range(3)]
    services.application_open(round=selection, pilot=make_pilot(plan_year), user=users["county"])
    open_phase(selection, Phase.RECOMMENDATION)
    recommend(selection, submitted[:2], county=region("320722"), user=users["county"])
    reviewer = make_reviewer("海州专家", region="320706")
    services.reviewers_set(round=selection, reviewers=[reviewer], user=users["city"])
    open_phase(selection, Phase.REVIEW)
    first, second = (
        services.assignment_add(application=a, reviewer=reviewer, user=users["city"])
        for a in submitted[:2]
    )
    score_all(first, D("80"))
    progress = selectors.round_progress(selection)
    assert progress == selectors.Progress(
        drafts=1, applied=3, recommended=2, reviewed=1, on_notice=0, named=0
    )
    NoticeEntry.objects.create(round=selection, application=submitted[0], position=1)
    assert selectors.round_progress(selection).on_notice == 0  # listed, not yet published
    selection.notice_published_at = selection.created_at
    selection.save()
    assert selectors.round_progress(selection).on_notice == 1
    with CaptureQueriesContext(connection) as queries:
        selectors.round_progress(selection)
    assert len(queries) == 1


def test_a_county_level_units_progress_counts_only_its_own_pilots_at_each_stage(
    selection, users, plan_year
):
    donghai = [submitted_application(selection, user=users["county"]) for _ in range(3)]
    guannan = [
        submitted_application(selection, user=users["city"], county="320724", township=None)
        for _ in range(2)
    ]
    draft_pilot = make_pilot(plan_year, county="320724", township=None)
    services.application_open(round=selection, pilot=draft_pilot, user=users["city"])
    open_phase(selection, Phase.RECOMMENDATION)
    recommend(selection, donghai[:2], county=region("320722"), user=users["county"])
    recommend(selection, guannan[:1], county=region("320724"), user=users["city"])
    reviewer = make_reviewer("海州专家", region="320706")
    services.reviewers_set(round=selection, reviewers=[reviewer], user=users["city"])
    open_phase(selection, Phase.REVIEW)
    scored, unscored, guannan_scored = (
        services.assignment_add(application=a, reviewer=reviewer, user=users["city"])
        for a in (donghai[0], donghai[1], guannan[0])
    )
    score_all(scored, D("80"))
    score_all(guannan_scored, D("75"))
    NoticeEntry.objects.create(round=selection, application=donghai[0], position=1)
    NoticeEntry.objects.create(
        round=selection, application=guannan[0], position=2, removed_at=selection.created_at
    )
    selection.notice_published_at = selection.created_at
    selection.save()
    Naming.objects.create(
        round=selection,
        pilot=donghai[0].pilot,
        application=donghai[0],
        named_on=datetime.date(2026, 11, 30),
    )
    Progress = selectors.Progress
    # 东海县: 3 applied, 2 recommended, 1 of them scored by every reviewer, listed and named.
    assert selectors.round_progress(selection, within=region("320722")) == Progress(
        drafts=0, applied=3, recommended=2, reviewed=1, on_notice=1, named=1
    )
    # 灌南县: a draft, 2 applied, 1 recommended and reviewed, taken off the notice list.
    assert selectors.round_progress(selection, within=region("320724")) == Progress(
        drafts=1, applied=2, recommended=1, reviewed=1, on_notice=0, named=0
    )
    assert selectors.round_progress(selection) == Progress(
        drafts=1, applied=5, recommended=3, reviewed=2, on_notice=1, named=1
    )
    # The city's page reads the same figures as the round's own list.
    listed = selectors.round_list(scope=scope_for(users["city"])).get(pk=selection.pk)
    assert Progress.of(listed) == selectors.round_progress(selection)


def test_demonstration_units_are_counted_by_county_for_the_plan_year(plan_year, reference):
    from reform.services import plan_year_create

    for county, n in (("320722", 2), ("320724", 1)):
        for _ in range(n):
            make_pilot(plan_year, status="demonstration", county=county, township=None)
    make_pilot(plan_year, status="confirmed", county="320722", township=None)
    make_pilot(plan_year_create(year=2025), status="demonstration", county="320706", township=None)
    rows = selectors.demonstration_units_by_county(plan_year)
    counts = {row.county.code: row.count for row in rows}
    assert counts["320722"] == 2 and counts["320724"] == 1 and counts["320706"] == 0
    assert len(rows) == 7  # every county-level unit of the city, in code order
    assert [r.county.code for r in rows] == sorted(counts)
    donghai = selectors.demonstration_units_by_county(plan_year, within=region("320722"))
    assert [(r.county.code, r.count) for r in donghai] == [("320722", 2)]
    city = region("320722").parent
    assert len(selectors.demonstration_units_by_county(plan_year, within=city)) == 7
    with CaptureQueriesContext(connection) as queries:
        selectors.demonstration_units_by_county(plan_year)
    assert len(queries) == 1


def test_a_dashboards_quota_progress_holds_the_same_demonstration_units(plan_year, reference):
    """The overview and county pages read the units from their quota progress (no query): the
    same figures as the query's, every tier counted, other statuses and years not."""
    from pilots.quotas import quota_progress
    from reform.services import plan_year_create

    make_pilot(plan_year, status="demonstration", county="320722", township=None)
    make_pilot(plan_year, tier="city", status="demonstration", county="320722", township=None)
    make_pilot(plan_year, tier="township", status="demonstration")  # 东海县 · 牛山街道
    make_pilot(plan_year, status="demonstration", county="320724", township=None)
    make_pilot(plan_year, status="proposed", county="320724", township=None)
    make_pilot(plan_year_create(year=2025), status="demonstration", county="320706", township=None)
    city = region("320722").parent
    expected = [("320703", 0), ("320706", 0), ("320707", 0), ("320722", 3), ("320723", 0),
                ("320724", 1), ("320771", 0)]  # fmt: skip
    for within in (city, region("320722")):
        progress = quota_progress(plan_year, within=within)
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.demonstration_units_by_county(
                plan_year, within=within, progress=progress
            )
        assert len(queries) == 0
        read = [(row.county.code, row.count) for row in rows]
        assert read == [
            (r.county.code, r.count)
            for r in selectors.demonstration_units_by_county(plan_year, within=within)
        ]
        assert read == (expected if within == city else [("320722", 3)])


def test_the_running_round_is_the_plan_years(selection, plan_year):
    with CaptureQueriesContext(connection) as queries:
        running = selectors.running_round_with_progress(plan_year)
        phases = [phase.phase for phase in running.phases.all()]
    assert running == selection and len(queries) == 2
    assert phases == ["application", "recommendation", "review", "notice", "naming"]
    assert selectors.running_round_with_progress(None) is None
