"""Where a record lies: its township and its park lie in its county-level unit.

DESIGN.md: "The park always lies in the enterprise's county-level unit — every write path (form,
import, admin, API) enforces it, like the township-in-county rule." This module is that rule,
once, in two forms:

- `place_errors(county=…, township=…, park=…)` for one record about to be written (the model's
  clean(), so forms, the admin and the services; and the Excel import, row by row, with the
  regions and parks it loaded once);
- `misplaced_township_q()` / `misplaced_park_q()`, the same rule as a filter, for
  `manage.py check_data` and for the records a moved park or township would leave behind.

A park or a township can itself be moved (the admin edits its county-level unit or parent).
What lies in it belongs to the apps above the core, so each app says what a move would strand
through a hook: a `place_conflicts(record)` method on its AppConfig, collected by
`place_conflicts()` below and called from Park.clean() and Region.clean().
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext as _

COUNTY, TOWNSHIP = "county", "township"  # Region.Level values (no model import: no cycle)


def place_errors(*, county: Any, township: Any = None, park: Any = None) -> dict[str, str]:
    """What is wrong with placing a record in this county, township and park, by field.

    The arguments are regions and parks (model instances, or anything with the same
    attributes: county .pk .name .level; township .name .level .parent_id; park .name
    .county_id .county). Empty when the place is consistent or there is no county yet.
    """
    errors: dict[str, str] = {}
    if county is None:
        return errors
    if county.level != COUNTY:
        errors["county"] = _("%(region)s is not a county-level unit.") % {"region": county.name}
        return errors
    if township is not None:
        if township.level != TOWNSHIP:
            errors["township"] = _("%(region)s is not a township or street.") % {
                "region": township.name
            }
        elif township.parent_id != county.pk:
            errors["township"] = _("%(township)s does not lie in %(county)s.") % {
                "township": township.name,
                "county": county.name,
            }
    if park is not None and park.county_id != county.pk:
        if park.county_id is None:
            errors["park"] = _(
                "The park %(park)s has no county-level unit; an administrator must set one first."
            ) % {"park": park.name}
        else:
            errors["park"] = _("The park %(park)s lies in %(park_county)s, not in %(county)s.") % {
                "park": park.name,
                "park_county": park.county.name,
                "county": county.name,
            }
    return errors


def misplaced_township_q(prefix: str = "") -> Q:
    """Records (through `prefix`, e.g. "enterprise__") whose township lies outside their county."""
    return Q(**{f"{prefix}township__isnull": False}) & (
        ~Q(**{f"{prefix}township__level": TOWNSHIP})
        | ~Q(**{f"{prefix}township__parent_id": F(f"{prefix}county_id")})
    )


def misplaced_park_q(prefix: str = "") -> Q:
    """Records (through `prefix`) whose park does not lie in their county-level unit."""
    return Q(**{f"{prefix}park__isnull": False}) & ~Q(
        **{f"{prefix}park__county_id": F(f"{prefix}county_id")}
    )


def place_conflicts(record: Any) -> list[str]:
    """What moving this park or township (as it is now, unsaved) would leave outside it.

    Asks every app whose AppConfig has a `place_conflicts(record)` method; each returns
    messages for the user, in their language (an empty list when nothing is stranded).
    """
    from django.apps import apps

    messages: list[str] = []
    for app_config in apps.get_app_configs():
        check = getattr(app_config, "place_conflicts", None)
        if check is not None:
            messages.extend(check(record))
    return messages
