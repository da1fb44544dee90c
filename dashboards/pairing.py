"""The work plan's pairing figures on the overview and county pages (issue 12).

Active pairings by kind (大手牵小手, 示范带试点), ended ones, the dormant ones (no activity for 90
days), the small pilots in an active pairing out of all small pilots (fewer than 300 employees),
and the ownership mix of the active pairings (state-owned–non-public …; one-group pairings shown
as such). The figures come from demonstration/pairings/selectors.py (two queries); the table
here is for the download, the page draws facts and bars.
"""

from functools import partial

from django.utils.translation import gettext as _

from dashboards.promotion import Count, CountTable
from dashboards.tables import ExportOnly
from demonstration.models import Pairing
from demonstration.pairings.selectors import MIXES, is_across_groups, pairing_figures
from pilots.quotas import percent_of
from reform.models import PlanYear, Region


def pairing_context(
    plan_year: PlanYear,
    region: Region,
    county_ids: list[int] | None = None,
    small_total: int | None = None,
) -> tuple[dict, list]:
    """The page's pairing figures and the download table they come with (`county_ids`: a city
    page's county-level units, `Progress.county_ids`; `small_total`: the region's small pilots,
    `Progress.small_active_by_region`, counted with the quota figures)."""
    figures = pairing_figures(
        plan_year=plan_year, within=region, county_ids=county_ids, small_total=small_total
    )
    kinds = [
        Count(str(label), figures.active_by_kind[kind], _("active pairings by kind"))
        for kind, label in Pairing.Kind.choices
    ]
    mixes = [
        {"key": key, "label": str(label), "count": figures.mixes[key],
         "across": is_across_groups(key)}
        for key, label in MIXES.items()
        if figures.mixes[key]
    ]  # fmt: skip
    context = {
        "pairing_figures": figures,
        "pairing_kinds": kinds,
        "pairing_mixes": mixes,
        "pairing_mix_max": max([1] + [mix["count"] for mix in mixes]),
        "small_paired_percent": percent_of(figures.small_paired, figures.small_total),
    }
    rows = [
        *kinds,
        Count(_("ended pairings"), figures.ended, _("status")),
        Count(_("dormant pairings (no activity for 90 days)"), figures.dormant, _("status")),
        Count(_("small pilots in an active pairing"), figures.small_paired, _("small pilots")),
        Count(_("all small pilots"), figures.small_total, _("small pilots")),
        *[Count(mix["label"], mix["count"], _("ownership mix")) for mix in mixes],
    ]
    table = ExportOnly(
        "pairings", partial(CountTable, rows, export_key="pairings", title=_("Pairings"))
    )
    return context, [table]
