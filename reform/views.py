"""Reform's faces: the home page (city figures), region pages, health check, language switch."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pilots.quotas import quota_progress
from reform.models import PlanYear, QuotaRule, Region
from reform.selectors import plan_year_from_param


def _year_context(request) -> dict:
    plan_year = plan_year_from_param(request.GET.get("year"))
    return {
        "plan_year": plan_year,
        "plan_years": list(PlanYear.objects.all()),
    }


@login_required
@require_GET
def home(request):
    context = _year_context(request)
    plan_year = context["plan_year"]
    if plan_year is not None:
        progress = quota_progress(plan_year)
        city = Region.objects.filter(level=Region.Level.CITY).order_by("code").first()
        context.update(
            progress=progress,
            city=city,
            city_row=progress.get(city, QuotaRule.Rule.CITY) if city else None,
            county_summary=progress.rules[QuotaRule.Rule.COUNTY],
            dev_zone_summary=progress.rules[QuotaRule.Rule.COUNTY_DEV_ZONE],
            township_summary=progress.rules[QuotaRule.Rule.TOWNSHIP],
            county_rows=[
                (
                    row,
                    progress.get(row.region, QuotaRule.Rule.COUNTY_DEV_ZONE),
                )
                for row in progress.rules[QuotaRule.Rule.COUNTY].rows
            ],
        )
    return render(request, "reform/home.html", context)


@login_required
@require_GET
def region_detail(request, code: str):
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or region.level not in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
        raise Http404
    context = _year_context(request)
    plan_year = context["plan_year"]
    context["region"] = region
    if plan_year is not None:
        progress = quota_progress(plan_year)
        if region.level == Region.Level.COUNTY:
            context["rows"] = [
                progress.get(region, QuotaRule.Rule.COUNTY),
                progress.get(region, QuotaRule.Rule.COUNTY_DEV_ZONE),
            ]
            context["children"] = progress.children(region, QuotaRule.Rule.TOWNSHIP)
        else:
            context["rows"] = [progress.get(region, QuotaRule.Rule.TOWNSHIP)]
    return render(request, "reform/region_detail.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 with a small JSON body when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
