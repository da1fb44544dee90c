"""The reviewer role: an optional own county-level unit, and a scope that sees no records."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reform.models import User
from reform.scopes import scope_for
from tests.builders import make_pilot, region

pytestmark = pytest.mark.django_db


def test_a_reviewer_may_have_a_county_level_unit_or_none(reference):
    User(username="a", role="reviewer", region=region("320722")).full_clean(exclude=["password"])
    User(username="b", role="reviewer").full_clean(exclude=["password"])
    with pytest.raises(ValidationError) as raised:
        User(username="c", role="reviewer", region=region("320722001")).full_clean(
            exclude=["password"]
        )
    assert raised.value.message_dict["region"] == ["评审专家所在单位须为县区，或不填。"]


def test_a_reviewers_unit_gives_no_scope_there(users, plan_year, client):
    scope = scope_for(users["reviewer"])  # own unit: 灌云县
    assert scope.is_reviewer and not scope.sees_records and not scope.can_write
    assert scope.registrable_tiers == ()
    pilot = make_pilot(plan_year, county="320723", township=None)
    client.force_login(users["reviewer"])
    assert client.get(reverse("pilots:pilot_detail", args=[pilot.pk])).status_code == 404
    listing = client.get(reverse("pilots:pilot_list"))
    assert listing.status_code == 200 and list(listing.context["table"].data) == []
    assert client.get(reverse("dashboards:home")).status_code == 200  # aggregates: for everyone


def test_only_reviewers_have_assignments_through_the_scope(users):
    from demonstration.models import Assignment

    assert (
        scope_for(users["city"])
        .filter_assigned(Assignment.objects.all(), reviewer="reviewer")
        .query.is_empty()
    )
    assert scope_for(users["leader"]).names_reviewers is False
    assert scope_for(users["city"]).names_reviewers is True


def test_the_navigation_of_a_reviewer_shows_the_overview_and_their_reviews(users, client):
    client.force_login(users["reviewer"])
    page = client.get(reverse("dashboards:home")).text
    assert reverse("demonstration:review_queue") in page
    assert reverse("pilots:pilot_list") not in page
    client.force_login(users["county"])
    page = client.get(reverse("dashboards:home")).text
    assert reverse("demonstration:round_list") in page
