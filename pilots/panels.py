"""Panels of the pilot page that higher layers fill (applications, pairings, cases, reports).

The pilot page lives in pilots, but what a pilot took part in lives in apps above it
(demonstration, promotion), which pilots may not import. So pilots offers this hook and each
of those apps registers a panel in its `AppConfig.ready()`:

    register_pilot_panel(PilotPanel(key="cases", order=30, template="promotion/partials/
        pilot_cases.html", context=pilot_cases_context))

`context(pilot, scope)` returns the panel's template context (a fixed number of queries,
everything narrowed to the scope), or None to leave the panel out. Panels are shown in
`order` below the pilot's facts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from pilots.models import Pilot
from reform.scopes import Scope


@dataclass(frozen=True)
class PilotPanel:
    key: str
    order: int
    template: str
    context: Callable[[Pilot, Scope], dict | None]


_PANELS: dict[str, PilotPanel] = {}


def register_pilot_panel(panel: PilotPanel) -> None:
    """Add (or replace, by key) a panel; called from an AppConfig.ready()."""
    _PANELS[panel.key] = panel


def pilot_panels(pilot: Pilot, scope: Scope) -> list[dict]:
    """The panels to show on a pilot's page: [{"template": …, "context": {…}}, …]."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key)):
        context = panel.context(pilot, scope)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, "context": context})
    return shown
