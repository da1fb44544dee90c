"""The pilot page shows the panels higher layers register, in order, inside the viewer's scope."""

import pytest
from django.urls import reverse

from pilots import panels
from pilots.panels import PilotPanel, pilot_panels, register_pilot_panel
from reform.scopes import scope_for
from tests.builders import make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(panels, "_PANELS", {})


def test_panels_come_in_their_order_and_a_panel_can_leave_itself_out(registry, users, plan_year):
    pilot = make_pilot(plan_year)
    seen = []

    def cases(pilot, scope):
        seen.append(scope.role)
        return {"count": 2}

    register_pilot_panel(PilotPanel(key="cases", order=30, template="a.html", context=cases))
    register_pilot_panel(PilotPanel(key="rounds", order=10, template="b.html", context=cases))
    register_pilot_panel(
        PilotPanel(key="hidden", order=20, template="c.html", context=lambda p, s: None)
    )

    shown = pilot_panels(pilot, scope_for(users["leader"]))

    assert [panel["key"] for panel in shown] == ["rounds", "cases"]
    assert shown[0]["context"] == {"count": 2}
    assert seen == ["leader", "leader"]


def test_the_pilot_page_hands_its_panels_to_the_template(registry, client, users, plan_year):
    pilot = make_pilot(plan_year)
    register_pilot_panel(
        PilotPanel(
            key="history-like",
            order=1,
            template="pilots/partials/history.html",
            context=lambda p, s: {"history": []},
        )
    )
    client.force_login(users["county"])
    response = client.get(reverse("pilots:pilot_detail", args=[pilot.pk]))
    assert [panel["key"] for panel in response.context["panels"]] == ["history-like"]
