"""The pilot's own plan (一企一策) on the pilot page and as a filter of the pilot list."""

from django.urls import reverse

from pilots.models import PilotPlan
from tests.builders import make_pilot


def test_the_pilot_page_shows_the_plan_and_offers_editing_in_scope(client, users, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    PilotPlan.objects.create(pilot=pilot, goals="建立职工技能等级认定体系", measures="每季度培训")
    edit = reverse("pilots:pilot_plan_edit", args=[pilot.pk])

    client.force_login(users["county"])
    page = client.get(pilot.get_absolute_url()).text
    assert "建立职工技能等级认定体系" in page and "每季度培训" in page
    assert edit in page

    client.force_login(users["leader"])
    page = client.get(pilot.get_absolute_url()).text
    assert "建立职工技能等级认定体系" in page
    assert edit not in page


def test_a_pilot_without_a_plan_says_so(client, users, plan_year):
    pilot = make_pilot(plan_year, tier="county")
    client.force_login(users["city"])
    assert "尚未制定" in client.get(pilot.get_absolute_url()).text
    assert "No plan yet" in client.get(pilot.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text


def test_the_pilot_list_filters_pilots_without_a_plan(client, users, plan_year):
    with_plan = make_pilot(plan_year, tier="county")
    PilotPlan.objects.create(pilot=with_plan, goals="目标")
    without = make_pilot(plan_year, tier="county")
    client.force_login(users["city"])
    url = reverse("pilots:pilot_list")

    missing = client.get(url, {"has_plan": "no"}).text
    assert without.enterprise.name in missing
    assert with_plan.enterprise.name not in missing

    having = client.get(url, {"has_plan": "yes"}).text
    assert with_plan.enterprise.name in having
    assert without.enterprise.name not in having
