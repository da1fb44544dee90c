"""The demonstration status is a naming's: nobody types it in, nobody types it away."""

import pytest
from django.urls import reverse

from pilots.models import Pilot
from pilots.services import NamedStatusError, pilot_set_status
from tests.builders import make_pilot

pytestmark = pytest.mark.django_db


def test_the_status_form_does_not_offer_demonstration(client, users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="confirmed")
    client.force_login(users["city"])
    page = client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    offered = [value for value, _label in page.context["status_form"].fields["status"].choices]
    assert offered == ["proposed", "confirmed", "withdrawn"]
    response = client.post(
        reverse("pilots:pilot_status", args=[pilot.pk]),
        {"status": "demonstration", "version": pilot.version},
        follow=True,
    )
    assert "请选择状态" in response.content.decode()
    pilot.refresh_from_db()
    assert pilot.status == "confirmed"


def test_a_named_unit_is_not_withdrawn_by_hand(client, users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="demonstration")
    client.force_login(users["city"])
    page = client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert page.context["status_form"] is None
    assert 'id="named-status"' in page.content.decode()
    client.post(
        reverse("pilots:pilot_status", args=[pilot.pk]),
        {"status": "withdrawn", "version": pilot.version},
    )
    pilot.refresh_from_db()
    assert pilot.status == "demonstration"


def test_the_service_keeps_the_status_to_namings(users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="confirmed")
    with pytest.raises(NamedStatusError):
        pilot_set_status(pilot=pilot, status="demonstration", version=pilot.version, user=None)
    named = pilot_set_status(
        pilot=pilot, status="demonstration", version=pilot.version, user=None, by_naming=True
    )
    assert named.status == Pilot.Status.DEMONSTRATION
    with pytest.raises(NamedStatusError):
        pilot_set_status(pilot=named, status="confirmed", version=named.version, user=None)


def test_editing_a_named_unit_keeps_its_status(client, users, plan_year):
    pilot = make_pilot(plan_year, tier="county", status="demonstration")
    client.force_login(users["city"])
    url = reverse("pilots:pilot_edit", args=[pilot.pk])
    form = client.get(url).context["form"]
    assert form.fields["status"].disabled
    client.post(
        url,
        {
            "plan_year": plan_year.pk,
            "tier": "county",
            "status": "withdrawn",
            "own_plan": "新的一企一策",
            "version": pilot.version,
        },
    )
    pilot.refresh_from_db()
    assert (pilot.status, pilot.own_plan) == ("demonstration", "新的一企一策")
