"""The pilot page's panel of this app: the pilot's applications and namings."""

from pilots.panels import PilotPanel


def selection_panel() -> PilotPanel:
    from demonstration.selectors import pilot_selection_context

    return PilotPanel(
        key="selection",
        order=10,
        template="demonstration/partials/pilot_panel.html",
        context=pilot_selection_context,
    )
