"""The pilot page's panels of this app: its applications and namings, and its pairings."""

from pilots.panels import PilotPanel


def selection_panel() -> PilotPanel:
    from demonstration.selectors import pilot_selection_context

    return PilotPanel(
        key="selection",
        order=10,
        template="demonstration/partials/pilot_panel.html",
        context=pilot_selection_context,
    )


def pairing_panel() -> PilotPanel:
    from demonstration.pairings.selectors import pilot_pairing_context

    return PilotPanel(
        key="pairings",
        order=20,
        template="demonstration/partials/pilot_pairings.html",
        context=pilot_pairing_context,
    )
