"""Every list and detail page of the selection runs a fixed number of queries: measured with
some data, then with ten times as much."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demonstration import services
from demonstration.models import Application, Assignment, Phase
from tests.builders import make_pilot, region
from tests.demonstration.builders import (
    make_reviewer,
    open_phase,
    recommend,
    score_all,
    write_application,
)

pytestmark = pytest.mark.django_db

COUNTIES = ["320722", "320724", "320706"]


def grow(round, users, n: int, reviewers: list) -> None:
    """n more applications (across three counties), recommended, assigned and scored."""
    open_phase(round, Phase.APPLICATION)
    made = []
    for i in range(n):
        county = COUNTIES[i % 3]
        pilot = make_pilot(round.plan_year, county=county, township=None)
        application = services.application_open(round=round, pilot=pilot, user=users["city"])
        write_application(application, user=users["city"])
        services.application_submit(application=application, user=users["city"])
        made.append(application)
    open_phase(round, Phase.RECOMMENDATION)
    for county in COUNTIES:
        unit = list(services.unit_applications(round, region(county)).order_by("pk"))
        recommend(round, unit, county=region(county), user=users["city"])
    open_phase(round, Phase.REVIEW)
    services.reviewers_set(round=round, reviewers=reviewers, user=users["city"])
    services.assignments_auto(round=round, user=users["city"])
    for assignment in Assignment.objects.filter(application__in=made).order_by("pk")[::2]:
        score_all(assignment, D("70") + assignment.pk % 20)


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.fixture
def world(selection, users):
    selection.default_quota = selection.city_quota = 100
    selection.units_to_name = 100
    selection.save()
    reviewers = [
        users["reviewer"],
        *[make_reviewer(f"q{i}", region=COUNTIES[i % 3]) for i in range(4)],
        make_reviewer("q-outside"),
    ]
    return {"round": selection, "reviewers": reviewers}


PAGES = {
    "round_list": lambda w: reverse("demonstration:round_list"),
    "round_detail": lambda w: reverse("demonstration:round_detail", args=[w["round"].pk]),
    "application_list": lambda w: reverse("demonstration:application_list", args=[w["round"].pk]),
    "application_detail": lambda w: reverse(
        "demonstration:application_detail", args=[w["first"].pk]
    ),
    "recommendation": lambda w: reverse(
        "demonstration:recommendation_edit", args=[w["round"].pk, "320722"]
    ),
    "review_progress": lambda w: reverse("demonstration:review_progress", args=[w["round"].pk]),
    "ranking": lambda w: reverse("demonstration:ranking", args=[w["round"].pk]),
    "ranking_export": lambda w: reverse("demonstration:ranking_export", args=[w["round"].pk]),
    "notice": lambda w: reverse("demonstration:notice_detail", args=[w["round"].pk]),
    "notice_docx": lambda w: reverse("demonstration:notice_docx", args=[w["round"].pk]),
    "pilot_detail": lambda w: reverse("pilots:pilot_detail", args=[w["first"].pilot_id]),
}


def test_every_page_runs_as_many_queries_with_ten_times_the_data(world, users, as_user):
    """One growth for all pages (building thirty scored applications takes a while)."""
    city, reviewer = as_user("city"), as_user("reviewer")

    def measure() -> dict[str, int]:
        world["first"] = Application.objects.order_by("pk").first()
        counts = {page: count(city, url(world)) for page, url in PAGES.items()}
        assignment = Assignment.objects.filter(reviewer=users["reviewer"]).order_by("pk").first()
        counts["review_queue"] = count(reviewer, reverse("demonstration:review_queue"))
        counts["review_score"] = count(
            reviewer, reverse("demonstration:review_score", args=[assignment.pk])
        )
        return counts

    grow(world["round"], users, 3, world["reviewers"])
    small = measure()
    grow(world["round"], users, 27, world["reviewers"])
    large = measure()
    assert Application.objects.count() == 30
    grown = {page: (small[page], large[page]) for page in small if small[page] != large[page]}
    assert grown == {}, f"queries with 3 applications, then with 30: {grown}"
