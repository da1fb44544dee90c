"""The pilot page's panel of cases and media reports (registered in PromotionConfig.ready)."""

from pilots.models import Pilot
from promotion import selectors
from reform.scopes import Scope

# The panel lists the newest ones; the lists behind its links have them all.
PANEL_LIMIT = 10


def pilot_promotion_context(pilot: Pilot, scope: Scope) -> dict:
    """The pilot's cases the user may open and the reports about it: two queries."""
    enterprise = pilot.enterprise
    return {
        "pilot": pilot,
        "cases": list(selectors.pilot_cases(pilot=pilot, scope=scope)[:PANEL_LIMIT]),
        "reports": list(selectors.pilot_reports(pilot=pilot)[:PANEL_LIMIT]),
        "can_write": scope.allows_write(
            county_id=enterprise.county_id, township_id=enterprise.township_id
        ),
    }
