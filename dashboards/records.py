"""The rows of the dashboard tables, built from pilots/quotas.py's reading of the figures.

A row is a plain dict: the figures, their status, and the links a user may follow — a figure
links to the pilot list filtered to exactly the pilots it counts, but only where the user's
scope covers the whole region (`Scope.covers`), so that the list shows the same number.
"""

from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from pilots.models import Pilot
from pilots.quotas import (
    STATUS_ORDER,
    CountyProgress,
    RuleProgress,
    RuleSummary,
    park_list_params,
    pilot_list_url,
    rule_list_params,
)
from reform.models import PlanYear, QuotaRule, Region, is_development_zone
from reform.scopes import Scope

Rule = QuotaRule.Rule


def rule_urls(row: RuleProgress, plan_year: PlanYear, scope: Scope) -> tuple[str, str]:
    """The pilot-list links of a region's counted and proposed pilots under a rule ("" where
    the user's lists would not show them all)."""
    if not scope.covers(row.region):
        return "", ""
    counted = pilot_list_url(rule_list_params(plan_year, row.region, row.rule))
    proposed = pilot_list_url(rule_list_params(plan_year, row.region, row.rule, proposed=True))
    return counted, proposed


def rule_record(row: RuleProgress, plan_year: PlanYear, scope: Scope) -> dict:
    count_url, pipeline_url = rule_urls(row, plan_year, scope)
    return {
        "name": row.region.name,
        "code": row.region.code,
        "label": row.label,
        "count": row.count,
        "target": row.target,
        "gap": row.gap,
        "pipeline": row.pipeline,
        "status": row.status,
        "status_label": row.status_label,
        "status_order": (STATUS_ORDER[row.status], -row.gap, row.region.code),
        "count_url": count_url,
        "pipeline_url": pipeline_url,
    }


def county_record(progress: CountyProgress, plan_year: PlanYear, scope: Scope) -> dict:
    county, main, dev, townships = (
        progress.county,
        progress.main,
        progress.dev,
        progress.townships,
    )
    county_url, pipeline_url = rule_urls(main, plan_year, scope)
    dev_url, _dev_pipeline_url = rule_urls(dev, plan_year, scope)
    status = progress.status
    return {
        "region": county,
        "name": county.name,
        "code": county.code,
        "url": county.get_absolute_url(),
        "progress": progress,
        "county": main,
        "dev": dev,
        "county_count": main.count,
        "county_target": main.target,
        "county_gap": main.gap,
        "county_status": main.status,
        "county_url": county_url,
        "dev_count": dev.count,
        "dev_target": dev.target,
        "dev_gap": dev.gap,
        "dev_status": dev.status,
        "dev_url": dev_url,
        "townships_met": townships.met_count,
        "townships_total": townships.region_count,
        "townships_gap": townships.gap,
        "township_status": townships.status,
        "pipeline": main.pipeline,
        "pipeline_url": pipeline_url,
        "gap": main.gap,
        "gap_order": (main.gap + townships.gap, dev.gap),
        "status": status,
        "status_label": progress.status_label,
        # Sorting by status puts the furthest behind first.
        "status_order": (STATUS_ORDER[status], -(main.gap + dev.gap), county.code),
    }


# The headline figures: the first sheet of an overview or county export -------------------------


def headline_rule(label: str, row: RuleProgress) -> dict:
    return {
        "label": label,
        "minimum": row.target,
        "regions": 1 if row.has_target else 0,
        "regions_met": 1 if row.has_target and row.met else 0,
        "count": row.count,
        "gap": row.gap,
        "pipeline": row.pipeline,
        "status_label": row.status_label,
    }


def headline_summary(label: str, summary: RuleSummary) -> dict:
    return {
        "label": label,
        "minimum": summary.minimum,
        "regions": summary.region_count,
        "regions_met": summary.met_count,
        "count": summary.count,
        "gap": summary.gap,
        "pipeline": summary.pipeline,
        "status_label": summary.status_label,
    }


def headline_overall(label: str, status_label: str, *, regions=None, regions_met=None) -> dict:
    return {
        "label": label,
        "minimum": None,
        "regions": regions,
        "regions_met": regions_met,
        "count": None,
        "gap": None,
        "pipeline": None,
        "status_label": status_label,
    }


# Pilots, parks, clusters and stations -----------------------------------------------------------

TIER_ORDER = {tier: index for index, tier in enumerate(Pilot.Tier.values)}


def counts_toward(pilot: Pilot) -> str:
    """The rule a pilot counts toward, in words ("" when it does not count: not confirmed)."""
    if not pilot.is_counted:
        return ""
    park = pilot.enterprise.park
    if pilot.tier == Pilot.Tier.COUNTY and park and is_development_zone(park.kind, park.level):
        return _("county rule, development zones too")
    return {
        Pilot.Tier.CITY: _("city rule"),
        Pilot.Tier.COUNTY: _("county rule"),
        Pilot.Tier.TOWNSHIP: _("township rule"),
    }[pilot.tier]


def pilot_records(pilots, scope: Scope) -> list[dict]:
    """Pilots for a dashboard table: a name links to the pilot's page where the user may open
    it. (Labels are looked up once, not per pilot: a county page lists a few hundred.)"""
    tiers = {value: str(label) for value, label in Pilot.Tier.choices}
    statuses = {value: str(label) for value, label in Pilot.Status.choices}
    return [pilot_record(pilot, scope, tiers, statuses) for pilot in pilots]


def pilot_record(pilot: Pilot, scope: Scope, tiers: dict, statuses: dict) -> dict:
    enterprise = pilot.enterprise
    may_open = scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id)
    return {
        "name": enterprise.name,
        "url": pilot.get_absolute_url() if may_open else "",
        "tier": tiers[pilot.tier],
        "tier_order": (TIER_ORDER[pilot.tier], enterprise.name),
        "status": statuses[pilot.status],
        "status_code": pilot.status,
        "township": enterprise.township.name if enterprise.township_id else "",
        "township_code": enterprise.township.code if enterprise.township_id else "",
        "industry": enterprise.industry.name
        if enterprise.industry_id
        else enterprise.industry_text,
        "park": enterprise.park.name if enterprise.park_id else "",
        "counts": counts_toward(pilot),
        # In the download only, and only where the user may open the enterprise's own page.
        "remarks": enterprise.remarks if may_open else "",
    }


@cache
def _has_park_pages() -> bool:
    try:
        reverse("clusters:park_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def park_url(park_pk: int) -> str:
    """The park's own page where the site has one, else the list of parks."""
    if _has_park_pages():
        return reverse("clusters:park_detail", args=[park_pk])
    return reverse("clusters:park_list")


def park_records(parks, plan_year: PlanYear, county: Region, scope: Scope) -> list[dict]:
    linked = scope.covers(county)

    def link(park, **kwargs) -> str:
        if not linked:
            return ""
        return pilot_list_url(park_list_params(plan_year, park, county, **kwargs))

    return [
        {
            "name": park.name,
            "url": park_url(park.pk),
            "kind": park.get_kind_display(),
            "level": park.get_level_display(),
            "is_zone": park.counts_as_development_zone,
            "is_demo": park.is_demo,
            "pilot_count": park.pilot_count,
            "pilot_url": link(park),
            "county_tier_count": park.county_tier_count,
            "county_tier_url": link(park, tier=Pilot.Tier.COUNTY),
            "pipeline": park.pipeline,
            "pipeline_url": link(park, proposed=True),
        }
        for park in parks
    ]


def cluster_records(clusters) -> list[dict]:
    return [
        {
            "name": cluster.name,
            "url": cluster.get_absolute_url(),
            "county": cluster.county.name,
            "county_code": cluster.county.code,
            "industry": cluster.industry.display_name,
            "member_count": cluster.member_count,
            "pilot_count": cluster.pilot_count,
            "pipeline": cluster.pipeline,
        }
        for cluster in clusters
    ]


def station_records(stations) -> list[dict]:
    return [
        {
            "name": station.name,
            "url": station.get_absolute_url(),
            "park": station.park.name,
            "park_url": park_url(station.park_id),
            "county": station.park.county.name if station.park.county_id else "",
            "county_code": station.park.county.code if station.park.county_id else "",
            "pilot_count": station.pilot_count,
            "pipeline": station.pipeline,
        }
        for station in stations
    ]
