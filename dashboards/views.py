"""The quota dashboards: the city overview (home), county and township pages, their .xlsx export.

Every figure comes from pilots/quotas.py (and the cluster counts from clusters/selectors.py), for
one plan year, as database aggregates: the number of queries of a page does not grow with the
data. Aggregates are visible to every signed-in user; no page here shows contact data. A figure
links to the pilots behind it where the user's lists hold them all (dashboards/records.py).
"""

import datetime
import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from clusters.selectors import cluster_pilot_counts, station_pilot_counts
from dashboards import records
from dashboards.candidates import gap_candidates
from dashboards.exports import xlsx_response
from dashboards.pairing import pairing_context
from dashboards.promotion import promotion_context, promotion_figures
from dashboards.selection import selection_context
from dashboards.tables import (
    ClusterTable,
    CountyPilotTable,
    CountyTable,
    DashboardTable,
    ExportOnly,
    HeadlineTable,
    ParkTable,
    PilotTable,
    RuleTable,
    ShareTable,
    StationTable,
    TownshipTable,
)
from demonstration.models import SMALL_EMPLOYEE_LIMIT
from pilots.models import Pilot
from pilots.quotas import (
    Progress,
    park_pilot_counts,
    quota_figures,
    quota_progress,
)
from pilots.selectors import pilot_names_in_region
from pilots.snapshots import (
    SnapshotError,
    progress_trends,
    snapshot_dates,
    snapshot_plan_year,
    snapshot_progress,
)
from reform.figures import cache_key, cached, figures_version
from reform.models import PlanYear, QuotaRule, Region
from reform.scopes import NOWHERE, Scope, scope_for
from reform.selectors import plan_year_from_param

Rule = QuotaRule.Rule
DASHBOARD_LEVELS = (Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP)


@login_required
@require_GET
def home(request):
    """The city overview: the first city of the region tree (the project's own city)."""
    version = figures_version()

    def find():
        city = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
        return city, list(PlanYear.objects.order_by("-year"))

    city, plan_years = cached(cache_key("home", version=version), find)
    return _dashboard(request, city, plan_years, version, is_home=True)


@login_required
@require_GET
def region_detail(request, code: str):
    version = figures_version()

    def find():
        region = (
            Region.objects.filter(code=code, level__in=DASHBOARD_LEVELS)
            .select_related("parent", "parent__parent")
            .first()
        )
        return region, list(PlanYear.objects.order_by("-year")) if region else []

    region, plan_years = cached(cache_key("region", code, version=version), find)
    if region is None:
        raise Http404
    return _dashboard(request, region, plan_years, version, is_home=False)


AS_OF = re.compile(r"\d{4}-\d{2}-\d{2}")
# A scope covering no region: a page of the past links no figure to today's pilot lists.
HISTORY_SCOPE = Scope(role="history", county_id=NOWHERE)


def as_of_param(value: str | None) -> datetime.date | None:
    """The day of `?as_of=YYYY-MM-DD`, None without one; 400 when it is no such date."""
    if value in (None, ""):
        return None
    try:
        if not AS_OF.fullmatch(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(_("as_of is not a date of the form YYYY-MM-DD.")) from None


def _history(plan_year: PlanYear, region: Region, as_of: datetime.date) -> dict:
    """Which snapshot a page as of a day shows, or why none can be shown (a message)."""
    today = timezone.localdate()
    if as_of > today:
        return {
            "as_of": as_of,
            "history_error": _("%(date)s is in the future: no snapshot of that day exists yet.")
            % {"date": as_of.isoformat()},
        }
    dates = snapshot_dates(plan_year, as_of, region)
    if dates.shown is None:
        if dates.first is None:
            message = _("No snapshot of plan year %(year)s has been kept yet.") % {
                "year": plan_year.year
            }
        else:
            message = _(
                "%(date)s is before the first snapshot of plan year %(year)s (%(first)s)."
            ) % {"date": as_of.isoformat(), "year": plan_year.year, "first": dates.first}
        return {"as_of": as_of, "history_error": message}
    return {"as_of": as_of, "snapshot_date": dates.shown}


def _dashboard(
    request, region: Region | None, plan_years: list[PlanYear], version, *, is_home: bool
):
    """A dashboard page, today's or (`?as_of=`) as kept in a snapshot. The region and the plan
    years (the year selector lists every one; the one shown is picked from the same list) come
    from the cache of this data version."""
    plan_year = plan_year_from_param(request.GET.get("year"), plan_years=plan_years)
    as_of = as_of_param(request.GET.get("as_of"))
    context = {
        "plan_year": plan_year,
        "plan_years": plan_years,
        "region": region,
        "is_home": is_home,
        "tables": {},
    }
    template = "dashboards/home.html"
    if region is not None and plan_year is not None and as_of is not None:
        context.update(_history(plan_year, region, as_of))
        if "history_error" in context:
            # Nothing of the past to show: the message, and a way back to today's page.
            return render(request, "dashboards/history_missing.html", context)
    if region is not None and plan_year is not None:
        template = f"dashboards/{region.level}.html"
        snapshot_date = context.get("snapshot_date")
        history = snapshot_date is not None
        scope = HISTORY_SCOPE if history else scope_for(request.user)
        year = plan_year.year
        export = request.GET.get("export")
        if history and export is not None:
            raise Http404  # a page of the past is read, not exported
        context["history"] = history
        context["as_of_query"] = f"&as_of={as_of.isoformat()}" if history else ""
        context["can_snapshot"] = is_home and not history and scope.is_admin
        if not history:
            context["export_all_url"] = f"?year={year}&export=all"
        # The page part computed from the data, as made for this scope, language and sorting
        # (a page of the past has `as_of` in its query, which is not cached).
        key = None
        if export is None and _cacheable(request.GET):
            query = sorted(request.GET.lists())
            parts = (region.code, year, get_language(), scope, query)
            key = cache_key("dashboard", *parts, version=version)
        html = cache.get(key) if key else None
        if html is not None:
            context["figures_html"] = html
            return render(request, template, context)
        context["figures_key"] = key
        builder = {
            Region.Level.CITY: _city_context,
            Region.Level.COUNTY: _county_context,
            Region.Level.TOWNSHIP: _township_context,
        }[region.level]
        previous = next((p for p in plan_years if p.year == year - 1), None)
        context.update(
            builder(
                region,
                plan_year,
                scope,
                version=version,
                snapshot_date=snapshot_date,
                previous=previous,
            )
        )
        # "还差 3 家，候选 12 家" for each rule the region falls short of (dashboards/candidates);
        # a page of the past proposes nothing, and no export has it.
        if not history and export is None:
            context["gap_candidates"] = gap_candidates(region, plan_year, context["progress"])
        tables: dict[str, DashboardTable | ExportOnly] = {}
        for table in context.pop("table_list"):
            table.export_url = f"?year={year}&export={table.export_key}"
            if isinstance(table, DashboardTable):
                table.year = year
                RequestConfig(request, paginate=False).configure(table)
            tables[table.export_key] = table
        context["tables"] = tables
        if export is not None:
            # The headline figures first, then every table in the order of the page.
            chosen = list(tables.values()) if export == "all" else [tables.get(export)]
            if None in chosen:
                raise Http404
            chosen = [table.build() if isinstance(table, ExportOnly) else table for table in chosen]
            heading = _("%(region)s · pilots against quotas") % {"region": region.name}
            what, key = (
                (_("pilot progress"), "pilot-progress")
                if export == "all"
                else (str(chosen[0].title), export)
            )
            return xlsx_response(
                chosen,
                heading=heading,
                year=year,
                filename=f"{region.name}-{year}-{what}.xlsx",
                fallback=f"{region.code}-{year}-{key}.xlsx",
            )
    return render(request, template, context)


def _cacheable(query) -> bool:
    """Only the page's own parameters (the year, a table's sorting) make a cached page part:
    made-up parameters would fill the cache with copies."""
    return all(
        (name == "year" or name.endswith("-sort")) and len(values) == 1 and len(values[0]) <= 40
        for name, values in query.lists()
    )


@login_required
@require_POST
def snapshot_now(request):
    """An administrator keeps today's progress of a plan year (what the daily cron run does)."""
    if not scope_for(request.user).is_admin:
        raise PermissionDenied
    plan_year = plan_year_from_param(request.POST.get("year"))
    if plan_year is None:
        raise Http404
    try:
        rows = snapshot_plan_year(plan_year)
    except SnapshotError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Today's progress of plan year %(year)s was kept (%(rows)s rows).")
            % {"year": plan_year.year, "rows": rows},
        )
    return redirect(f"{reverse('dashboards:home')}?year={plan_year.year}")


# Building the figures of each page ---------------------------------------------------------------


def _legend(progress: Progress) -> list[dict]:
    """The amber margin of each of this year's targets, for the legend: 30 → 6, 15 → 3 …"""
    return [{"target": target, "margin": margin} for target, margin in progress.close_margins()]


def _common(progress: Progress) -> dict:
    return {"progress": progress, "legend": _legend(progress)}


def _progress(region: Region, plan_year: PlanYear, snapshot_date: datetime.date | None) -> Progress:
    """Today's figures, or those of the snapshot a page of the past shows."""
    if snapshot_date is None:
        return quota_progress(plan_year, within=region)
    return snapshot_progress(plan_year, snapshot_date, within=region)


def _trends(progress: Progress, region: Region, rules, snapshot_date, previous) -> list:
    """The trend of each of `rules` over the page's regions (1 query)."""
    trends = progress_trends(
        progress,
        region,
        day=snapshot_date or timezone.localdate(),
        previous=previous,
        live=snapshot_date is None,
    )
    return [trends[rule] for rule in rules]


def _chart_max(counties: list[dict]) -> int:
    values = [1]
    for record in counties:
        for row in (record["county"], record["dev"]):
            values += [row.target or 0, row.count + row.pipeline]
    return max(values)


def _makeup_tables(makeup) -> list[ExportOnly]:
    kinds = [*makeup.by_ownership, *makeup.by_size, makeup.leading, makeup.industry_education]
    parts = [
        ("tiers", makeup.by_tier, _("Pilots by tier")),
        ("industries", makeup.by_industry, _("Pilots by core industry")),
        ("sectors", makeup.by_sector, _("Pilots by sector")),
        ("kinds", kinds, _("Pilots by kind of enterprise")),
    ]
    return [
        ExportOnly(key, partial(ShareTable, shares, export_key=key, title=title))
        for key, shares, title in parts
    ]


def _headlines(rows: list[dict]) -> ExportOnly:
    return ExportOnly(HeadlineTable.export_key, partial(HeadlineTable, rows))


def _cluster_tables(
    plan_year: PlanYear, region: Region, counts: tuple | None = None
) -> list[DashboardTable]:
    if counts is None:
        counts = _cluster_counts(plan_year, region)
    clusters, stations = counts
    return [
        ClusterTable(records.cluster_records(clusters)),
        StationTable(records.station_records(stations)),
    ]


def _cluster_counts(plan_year: PlanYear, region: Region) -> tuple[list, list]:
    return (
        list(cluster_pilot_counts(plan_year, within=region)),
        list(station_pilot_counts(plan_year, within=region)),
    )


def _small_total(progress: Progress, region: Region) -> int | None:
    """The region's small pilots (demonstration's pairing figures), counted with the quota
    figures; None where the progress did not count them."""
    if progress.small_active_by_region is None:
        return None
    return progress.small_active_by_region.get(region.pk, 0)


def _city_figures(city: Region, plan_year: PlanYear) -> dict:
    """The overview's figures, whoever looks: plain data, kept in the cache under the data
    version (and the language: some labels are translated)."""
    progress, makeup = quota_figures(plan_year, within=city, small_below=SMALL_EMPLOYEE_LIMIT)
    return {
        "progress": progress,
        "makeup": makeup,
        "clusters": _cluster_counts(plan_year, city),
        "promotion": promotion_figures(plan_year, city),
    }


def _city_context(
    city: Region,
    plan_year: PlanYear,
    scope: Scope,
    *,
    version=None,
    snapshot_date=None,
    previous=None,
) -> dict:
    cached_figures = None
    if snapshot_date is None:
        key = cache_key("city", city.code, plan_year.year, get_language(), version=version)
        cached_figures = cached(key, partial(_city_figures, city, plan_year))
        progress = cached_figures["progress"]
    else:
        progress = snapshot_progress(plan_year, snapshot_date, within=city)
    city_row = progress.get(city, Rule.CITY)
    counties = [
        records.county_record(county, plan_year, scope) for county in progress.counties(city)
    ]
    summaries = {rule: progress.summary(rule) for rule in (Rule.COUNTY, Rule.COUNTY_DEV_ZONE)}
    township_summary = progress.summary(Rule.TOWNSHIP)
    overall_met = sum(1 for county in counties if county["status"] == "met")
    headlines = [
        records.headline_rule(_("City-tier pilots in the city"), city_row),
        records.headline_summary(
            _("County-tier pilots in each county-level unit"), summaries[Rule.COUNTY]
        ),
        records.headline_summary(
            _("Of those, in development zones"), summaries[Rule.COUNTY_DEV_ZONE]
        ),
        records.headline_summary(
            _("Township-tier pilots in each township and street"), township_summary
        ),
        records.headline_overall(
            _("County-level units meeting all three rules"),
            "",
            regions=len(counties),
            regions_met=overall_met,
        ),
    ]
    city_urls = records.rule_urls(city_row, plan_year, scope) if city_row else ("", "")
    trends = _trends(progress, city, Rule.values, snapshot_date, previous)
    figures = {
        **_common(progress),
        "city_row": city_row,
        "city_url": city_urls[0],
        "city_pipeline_url": city_urls[1],
        "county_summary": summaries[Rule.COUNTY],
        "dev_zone_summary": summaries[Rule.COUNTY_DEV_ZONE],
        "township_summary": township_summary,
        "counties": counties,
        "chart_max": _chart_max(counties),
        "trends": trends,
    }
    if snapshot_date is not None:
        # A snapshot keeps the quota figures only: the rest of the page is today's, so not shown.
        tables = [_headlines(headlines), CountyTable(counties, order_by="status_order")]
        return {**figures, "table_list": tables}
    makeup = cached_figures["makeup"]
    promotion, promotion_tables = promotion_context(plan_year, city, cached_figures["promotion"])
    selection, selection_tables = selection_context(plan_year, city, scope, progress)
    pairing, pairing_tables = pairing_context(
        plan_year, city, county_ids=progress.county_ids, small_total=_small_total(progress, city)
    )
    return {
        **promotion,
        **selection,
        **pairing,
        **figures,
        "makeup": makeup,
        "industry_max": max([1] + [share.count for share in makeup.by_industry]),
        "table_list": [
            _headlines(headlines),
            CountyTable(counties, order_by="status_order"),
            *_makeup_tables(makeup),
            *_cluster_tables(plan_year, city, cached_figures["clusters"]),
            *selection_tables,
            *promotion_tables,
            *pairing_tables,
        ],
    }


def _county_context(
    county: Region,
    plan_year: PlanYear,
    scope: Scope,
    *,
    version=None,
    snapshot_date=None,
    previous=None,
) -> dict:
    makeup = None
    if snapshot_date is None:
        progress, makeup = quota_figures(plan_year, within=county, small_below=SMALL_EMPLOYEE_LIMIT)
    else:
        progress = snapshot_progress(plan_year, snapshot_date, within=county)
    if progress.get(county, Rule.COUNTY) is None:  # a unit the snapshot does not hold
        raise Http404
    county_progress = progress.county(county)
    record = records.county_record(county_progress, plan_year, scope)
    townships = progress.children(county, Rule.TOWNSHIP)
    trends = _trends(
        progress,
        county,
        [Rule.COUNTY, Rule.COUNTY_DEV_ZONE, Rule.TOWNSHIP],
        snapshot_date,
        previous,
    )
    headlines = [
        records.headline_rule(_("County-tier pilots"), county_progress.main),
        records.headline_rule(_("Of them in development zones"), county_progress.dev),
        records.headline_summary(
            _("Township-tier pilots in its townships and streets"), county_progress.townships
        ),
        records.headline_overall(_("Overall (the worst of the three)"), record["status_label"]),
    ]
    rule_table = RuleTable(
        [
            records.rule_record(county_progress.main, plan_year, scope),
            records.rule_record(county_progress.dev, plan_year, scope),
        ]
    )
    township_table = TownshipTable(
        [records.rule_record(row, plan_year, scope) for row in townships],
        order_by="status_order",
    )
    figures = {
        **_common(progress),
        "county": record,
        "township_summary": county_progress.townships,
        "trends": trends,
    }
    if snapshot_date is not None:
        return {**figures, "table_list": [_headlines(headlines), rule_table, township_table]}
    parks = park_pilot_counts(plan_year, county=county)
    pilots = pilot_names_in_region(
        plan_year=plan_year, region=county, tiers=[Pilot.Tier.COUNTY, Pilot.Tier.CITY]
    )
    promotion, promotion_tables = promotion_context(plan_year, county)
    selection, selection_tables = selection_context(plan_year, county, scope, progress)
    pairing, pairing_tables = pairing_context(
        plan_year, county, small_total=_small_total(progress, county)
    )
    return {
        **figures,
        **promotion,
        **selection,
        **pairing,
        "makeup": makeup,
        "industry_max": max([1] + [share.count for share in makeup.by_industry]),
        "table_list": [
            _headlines(headlines),
            rule_table,
            township_table,
            CountyPilotTable(records.pilot_records(pilots, scope)),
            ParkTable(records.park_records(parks, plan_year, county, scope)),
            *_makeup_tables(makeup),
            *_cluster_tables(plan_year, county),
            *selection_tables,
            *promotion_tables,
            *pairing_tables,
        ],
    }


def _township_context(
    township: Region,
    plan_year: PlanYear,
    scope: Scope,
    *,
    version=None,
    snapshot_date=None,
    previous=None,
) -> dict:
    progress = _progress(township, plan_year, snapshot_date)
    row = progress.get(township, Rule.TOWNSHIP)
    if row is None:  # a township the snapshot does not hold (added since)
        raise Http404
    count_url, pipeline_url = records.rule_urls(row, plan_year, scope)
    tables = [RuleTable([records.rule_record(row, plan_year, scope)])]
    if snapshot_date is None:
        pilots = pilot_names_in_region(plan_year=plan_year, region=township)
        tables.append(PilotTable(records.pilot_records(pilots, scope)))
    return {
        **_common(progress),
        "row": row,
        "row_url": count_url,
        "row_pipeline_url": pipeline_url,
        "table_list": tables,
    }
