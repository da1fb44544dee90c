"""The quota dashboards: the city overview (home), county and township pages, their .xlsx export.

Every figure comes from pilots/quotas.py (and the cluster counts from clusters/selectors.py), for
one plan year, as database aggregates: the number of queries of a page does not grow with the
data. Aggregates are visible to every signed-in user; no page here shows contact data.
"""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from clusters.selectors import cluster_pilot_counts, station_pilot_counts
from dashboards.exports import xlsx_response
from dashboards.tables import (
    ClusterTable,
    CountyTable,
    DashboardTable,
    ParkTable,
    PilotTable,
    RuleTable,
    ShareTable,
    StationTable,
    TownshipTable,
)
from pilots.models import Pilot
from pilots.quotas import (
    STATUS_LABELS,
    STATUS_ORDER,
    Progress,
    RuleProgress,
    RuleSummary,
    park_pilot_counts,
    pilot_makeup,
    quota_progress,
    worst_status,
)
from pilots.selectors import pilot_names_in_region
from reform.models import PlanYear, QuotaRule, Region
from reform.selectors import plan_year_from_param

Rule = QuotaRule.Rule
DASHBOARD_LEVELS = (Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP)


@login_required
@require_GET
def home(request):
    """The city overview: the first city of the region tree (the project's own city)."""
    plan_year = plan_year_from_param(request.GET.get("year"))
    city = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
    return _dashboard(request, city, plan_year, is_home=True)


@login_required
@require_GET
def region_detail(request, code: str):
    region = (
        Region.objects.filter(code=code, level__in=DASHBOARD_LEVELS)
        .select_related("parent", "parent__parent")
        .first()
    )
    if region is None:
        raise Http404
    plan_year = plan_year_from_param(request.GET.get("year"))
    return _dashboard(request, region, plan_year, is_home=False)


def _dashboard(request, region: Region | None, plan_year: PlanYear | None, *, is_home: bool):
    context = {
        "plan_year": plan_year,
        "plan_years": list(PlanYear.objects.order_by("-year")),
        "region": region,
        "is_home": is_home,
        "tables": {},
    }
    template = "dashboards/home.html"
    if region is not None and plan_year is not None:
        builder = {
            Region.Level.CITY: _city_context,
            Region.Level.COUNTY: _county_context,
            Region.Level.TOWNSHIP: _township_context,
        }[region.level]
        context.update(builder(region, plan_year))
        template = f"dashboards/{region.level}.html"
        year = plan_year.year
        tables: dict[str, DashboardTable] = {}
        for table in context.pop("table_list"):
            table.year = year
            table.export_url = f"?year={year}&export={table.export_key}"
            RequestConfig(request, paginate=False).configure(table)
            tables[table.export_key] = table
        context["tables"] = tables
        context["export_all_url"] = f"?year={year}&export=all"
        export = request.GET.get("export")
        if export:
            chosen = list(tables.values()) if export == "all" else [tables.get(export)]
            if None in chosen:
                raise Http404
            heading = _("%(region)s · pilots against quotas") % {"region": region.name}
            what = _("quota progress") if export == "all" else str(chosen[0].title)
            return xlsx_response(
                chosen, heading=heading, year=year, filename=f"{region.name}-{year}-{what}.xlsx"
            )
    return render(request, template, context)


# Building the figures of each page ---------------------------------------------------------------


def _rule_record(row: RuleProgress) -> dict:
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
    }


def _townships_by_county(progress: Progress) -> dict[int, list[RuleProgress]]:
    by_county: dict[int, list[RuleProgress]] = defaultdict(list)
    for row in progress.rules[Rule.TOWNSHIP].rows:
        by_county[row.region.parent_id].append(row)
    return by_county


def _county_record(progress: Progress, county: Region, townships: list[RuleProgress]) -> dict:
    main = progress.get(county, Rule.COUNTY)
    dev = progress.get(county, Rule.COUNTY_DEV_ZONE)
    applicable = [row for row in townships if not row.exempt]
    met = sum(1 for row in applicable if row.met)
    minimum = progress.rules[Rule.TOWNSHIP].minimum
    township_status = RuleSummary(rule=Rule.TOWNSHIP, minimum=minimum, rows=townships).status
    status = worst_status(main, dev)
    return {
        "region": county,
        "name": county.name,
        "code": county.code,
        "url": county.get_absolute_url(),
        "county": main,
        "dev": dev,
        "county_count": main.count,
        "county_target": main.target,
        "county_gap": main.gap,
        "county_status": main.status,
        "dev_count": dev.count,
        "dev_target": dev.target,
        "dev_gap": dev.gap,
        "dev_status": dev.status,
        "townships_met": met,
        "townships_total": len(applicable),
        "township_status": township_status,
        "pipeline": main.pipeline,
        "status": status,
        "status_label": str(STATUS_LABELS[status]),
        # Sorting by status puts the furthest behind first.
        "status_order": (STATUS_ORDER[status], -(main.gap + dev.gap), county.code),
    }


def _chart_max(records: list[dict]) -> int:
    values = [1]
    for record in records:
        for row in (record["county"], record["dev"]):
            values += [row.target or 0, row.count + row.pipeline]
    return max(values)


def _makeup_tables(makeup) -> list[ShareTable]:
    kinds = [*makeup.by_ownership, *makeup.by_size, makeup.leading, makeup.industry_education]
    return [
        ShareTable(makeup.by_tier, export_key="tiers", title=_("Pilots by tier")),
        ShareTable(makeup.by_industry, export_key="industries", title=_("Pilots by core industry")),
        ShareTable(makeup.by_sector, export_key="sectors", title=_("Pilots by sector")),
        ShareTable(kinds, export_key="kinds", title=_("Pilots by kind of enterprise")),
    ]


def _cluster_records(plan_year, region) -> tuple[list[dict], list[dict]]:
    clusters = [
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
        for cluster in cluster_pilot_counts(plan_year, within=region)
    ]
    stations = [
        {
            "name": station.name,
            "url": station.get_absolute_url(),
            "park": station.park.name,
            "county": station.park.county.name if station.park.county_id else "",
            "county_code": station.park.county.code if station.park.county_id else "",
            "pilot_count": station.pilot_count,
            "pipeline": station.pipeline,
        }
        for station in station_pilot_counts(plan_year, within=region)
    ]
    return clusters, stations


def _city_context(city: Region, plan_year: PlanYear) -> dict:
    progress = quota_progress(plan_year, within=city)
    townships = _townships_by_county(progress)
    counties = [
        _county_record(progress, row.region, townships[row.region.pk])
        for row in progress.children(city, Rule.COUNTY)
    ]
    makeup = pilot_makeup(plan_year, within=city)
    clusters, stations = _cluster_records(plan_year, city)
    return {
        "progress": progress,
        "city_row": progress.get(city, Rule.CITY),
        "county_summary": progress.summary(Rule.COUNTY),
        "dev_zone_summary": progress.summary(Rule.COUNTY_DEV_ZONE),
        "township_summary": progress.summary(Rule.TOWNSHIP),
        "counties": counties,
        "chart_max": _chart_max(counties),
        "makeup": makeup,
        "industry_max": max([1] + [share.count for share in makeup.by_industry]),
        "table_list": [
            CountyTable(counties, order_by="status_order"),
            *_makeup_tables(makeup),
            ClusterTable(clusters),
            StationTable(stations),
        ],
    }


def _county_context(county: Region, plan_year: PlanYear) -> dict:
    progress = quota_progress(plan_year, within=county)
    townships = progress.rules[Rule.TOWNSHIP].rows
    record = _county_record(progress, county, townships)
    makeup = pilot_makeup(plan_year, within=county)
    clusters, stations = _cluster_records(plan_year, county)
    parks = [
        {
            "name": park.name,
            "kind": park.get_kind_display(),
            "level": park.get_level_display(),
            "is_zone": park.counts_as_development_zone,
            "is_demo": park.is_demo,
            "pilot_count": park.pilot_count,
            "county_tier_count": park.county_tier_count,
            "pipeline": park.pipeline,
        }
        for park in park_pilot_counts(plan_year, county=county)
    ]
    return {
        "progress": progress,
        "county": record,
        "township_summary": progress.summary(Rule.TOWNSHIP),
        "makeup": makeup,
        "industry_max": max([1] + [share.count for share in makeup.by_industry]),
        "table_list": [
            RuleTable([_rule_record(record["county"]), _rule_record(record["dev"])]),
            TownshipTable([_rule_record(row) for row in townships], order_by="status_order"),
            ParkTable(parks),
            *_makeup_tables(makeup),
            ClusterTable(clusters),
            StationTable(stations),
        ],
    }


def _township_context(township: Region, plan_year: PlanYear) -> dict:
    progress = quota_progress(plan_year, within=township)
    row = progress.get(township, Rule.TOWNSHIP)
    tier_order = {tier: index for index, tier in enumerate(Pilot.Tier.values)}
    pilots = [
        {
            "name": pilot.enterprise.name,
            "tier": pilot.get_tier_display(),
            "tier_order": (tier_order[pilot.tier], pilot.enterprise.name),
            "status": pilot.get_status_display(),
            "status_code": pilot.status,
            "industry": pilot.enterprise.industry.display_name,
            "park": pilot.enterprise.park.name if pilot.enterprise.park_id else "",
            "counts": pilot.tier == Pilot.Tier.TOWNSHIP and pilot.is_counted,
        }
        for pilot in pilot_names_in_region(plan_year=plan_year, region=township)
    ]
    return {
        "progress": progress,
        "row": row,
        "table_list": [RuleTable([_rule_record(row)]), PilotTable(pilots)],
    }
