"""The demonstration selection on the overview and county pages (issue 11).

Demonstration units (pilots named by a round, revoked namings left out: their status went back)
by county-level unit, each figure linked to the pilot list that shows exactly those pilots; and
the plan year's round with its open phase and its progress (applied, recommended, reviewed, on
notice, named) — of the whole city on the overview, of the unit's own pilots on a county page.
The reads are demonstration/selectors.py's (a fixed number of queries).
"""

from functools import partial

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext

from dashboards.tables import NUM, DashboardTable, ExportColumn, ExportOnly, key
from demonstration.models import RoundPhase
from demonstration.selectors import (
    Progress,
    demonstration_units_by_county,
    running_round_with_progress,
)
from pilots.models import Pilot
from pilots.quotas import Progress as QuotaProgress
from pilots.quotas import pilot_list_url
from reform.models import PlanYear, Region
from reform.scopes import Scope


class UnitTable(DashboardTable):
    """Demonstration units by county-level unit."""

    export_key = "demonstration_units"
    title = gettext_lazy("Demonstration units by county-level unit")

    class Meta(DashboardTable.Meta):
        empty_text = gettext_lazy("No county-level units.")

    name = tables.Column(verbose_name=gettext_lazy("County-level unit"), orderable=False)
    count = tables.Column(
        verbose_name=gettext_lazy("Demonstration units"), attrs=NUM, orderable=False
    )

    export_columns = [
        ExportColumn(gettext_lazy("County-level unit"), key("name")),
        ExportColumn(gettext_lazy("Statistical code"), key("code")),
        ExportColumn(gettext_lazy("Demonstration units"), key("count")),
    ]


class ProgressTable(DashboardTable):
    """The round's progress, step by step (for the download)."""

    export_key = "selection_progress"
    title = gettext_lazy("Demonstration-unit selection")

    step = tables.Column(verbose_name=gettext_lazy("Step"), orderable=False)
    count = tables.Column(verbose_name=gettext_lazy("Number"), attrs=NUM, orderable=False)

    export_columns = [
        ExportColumn(gettext_lazy("Step"), key("step")),
        ExportColumn(gettext_lazy("Number"), key("count")),
    ]


def units_list_url(plan_year: PlanYear, county: Region) -> str:
    """The pilot list of a county-level unit's demonstration units of the plan year."""
    return pilot_list_url(
        {
            "plan_year": str(plan_year.year),
            "county": str(county.pk),
            "status": Pilot.Status.DEMONSTRATION,
        }
    )


def _units(
    plan_year: PlanYear, region: Region, scope: Scope, progress: QuotaProgress | None
) -> list[dict]:
    rows = []
    for row in demonstration_units_by_county(plan_year, within=region, progress=progress):
        url = units_list_url(plan_year, row.county) if scope.covers(row.county) else ""
        rows.append(
            {"name": row.county.name, "code": row.county.code, "count": row.count, "url": url}
        )
    return rows


def _round(plan_year: PlanYear, region: Region, scope: Scope) -> dict | None:
    round = running_round_with_progress(plan_year, within=region)
    if round is None:
        return None
    progress = Progress.of(round)
    now = timezone.now()
    phases = list(round.phases.all())
    open_phase = next((p for p in phases if p.state(now) == RoundPhase.State.OPEN), None)
    steps = [
        (pgettext("selection progress", "Applied"), progress.applied),
        (pgettext("selection progress", "Recommended"), progress.recommended),
        (pgettext("selection progress", "Reviewed"), progress.reviewed),
        (pgettext("selection progress", "On notice"), progress.on_notice),
        (pgettext("selection progress", "Named"), progress.named),
    ]
    largest = max([1] + [count for _label, count in steps])
    return {
        "name": round.name,
        "url": round.get_absolute_url() if scope.sees_records else "",
        "to_name": round.units_to_name,
        "open_phase": open_phase,
        "over": bool(phases) and all(p.state(now) == RoundPhase.State.CLOSED for p in phases),
        "steps": [
            {"label": label, "count": count, "width": round_width(count, largest)}
            for label, count in steps
        ],
    }


def round_width(count: int, largest: int) -> int:
    """A bar's length in per cent of the largest step's."""
    return (200 * count + largest) // (2 * largest)


def selection_context(
    plan_year: PlanYear, region: Region, scope: Scope, progress: QuotaProgress | None = None
) -> tuple[dict, list]:
    """The page's selection figures and the download tables they come with (`progress`: the
    page's quota progress, which counts the demonstration units with its pilots)."""
    units = _units(plan_year, region, scope, progress)
    selection = _round(plan_year, region, scope)
    context = {
        "demonstration_units": units,
        "demonstration_total": sum(row["count"] for row in units),
        "selection": selection,
    }
    table_list = [ExportOnly(UnitTable.export_key, partial(UnitTable, units))]
    if selection is not None:
        steps = [{"step": s["label"], "count": s["count"]} for s in selection["steps"]]
        table_list.append(ExportOnly(ProgressTable.export_key, partial(ProgressTable, steps)))
    return context, table_list
