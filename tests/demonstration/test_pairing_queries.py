"""The pairing pages run a fixed number of queries: the data grows tenfold between two
measurements (pairings, partners, activities with photos, small pilots on their own, leads)
and the count stays the same."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demonstration.models import Pairing
from demonstration.services.pairing import activity_attachments_add
from reform.files import check_upload
from tests.demonstration.pairing_builders import (
    make_activity,
    make_pairing,
    small_pilot,
    state_lead,
)
from tests.promotion.builders import photo_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def subject(users, plan_year):
    lead = state_lead()
    pilot = small_pilot(plan_year)
    pairing = make_pairing(plan_year, lead=lead, partners=[pilot], starts_on=TODAY)
    return {"pairing": pairing, "pilot": pilot, "lead": lead}


def grow(n: int, subject: dict, plan_year, users) -> None:
    photo = check_upload(photo_upload(size=(40, 30)))
    for i in range(n):
        lead = state_lead(name=f"国有集团{Pairing.objects.count()}有限公司")
        partners = [small_pilot(plan_year), small_pilot(plan_year, township="320722002")]
        start = TODAY - datetime.timedelta(days=50 * (i % 4))
        pairing = make_pairing(plan_year, lead=lead, partners=partners, starts_on=start,
                               status=["active", "ended"][i % 2])  # fmt: skip
        activity = make_activity(pairing, start)
        activity_attachments_add(activity=activity, files=[photo], user=users["county"])
        own = make_activity(subject["pairing"], TODAY)
        activity_attachments_add(activity=own, files=[photo], user=users["county"])
        subject["pairing"].partner_links.create(pilot=small_pilot(plan_year))
        small_pilot(plan_year)  # on its own
        make_pairing(plan_year, lead=lead, partners=[subject["pilot"]], kind="demonstration")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(context.captured_queries)


PAGES = {
    "pairing_list": lambda s: reverse("demonstration:pairing_list"),
    "pairing_list_filtered": lambda s: (
        reverse("demonstration:pairing_list")
        + f"?kind=big_small&status=active&dormant=no&mix=state_owned%2Bnon_public"
        f"&county={s['pilot'].enterprise.county_id}&q=企业&plan_year=2026"
    ),
    "pairing_export": lambda s: reverse("demonstration:pairing_export"),
    "pairing_detail": lambda s: s["pairing"].get_absolute_url(),
    "pairing_history": lambda s: reverse("demonstration:pairing_history", args=[s["pairing"].pk]),
    "pairing_edit": lambda s: reverse("demonstration:pairing_edit", args=[s["pairing"].pk]),
    "pairing_create": lambda s: reverse("demonstration:pairing_create"),
    "pairing_alone": lambda s: reverse("demonstration:pairing_alone"),
    "activity_create": lambda s: reverse("demonstration:activity_create", args=[s["pairing"].pk]),
    "pilot_detail": lambda s: s["pilot"].get_absolute_url(),
}


@pytest.mark.parametrize(("page", "role"), [(p, r) for p in PAGES for r in ("county", "city")])
def test_page_query_count_does_not_grow_with_data(client, users, plan_year, subject, page, role):
    client.force_login(users[role])
    url = PAGES[page](subject)
    grow(2, subject, plan_year, users)
    small = count_queries(client, url)
    grow(18, subject, plan_year, users)
    large = count_queries(client, url)
    assert small == large, f"{page}: {small} queries with little data, {large} with 10x"
    assert Pairing.objects.count() == 1 + 2 * 20
