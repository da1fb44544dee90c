"""The candidates page of a region's gap under a rule, and proposing a candidate in one step.

The figures of the page (count, target, gap, pipeline) come from pilots/quotas.py; the number of
candidates is an aggregate (every signed-in user sees it, like the dashboards), the list of
enterprises is narrowed to the user's scope (a reviewer's is empty).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pilots import candidates, services
from pilots.models import Pilot
from pilots.quotas import pilot_list_url, quota_progress, rule_list_params
from reform.models import PlanYear, QuotaRule, Region
from reform.paging import int_param, paginate
from reform.scopes import require_write, scope_for
from reform.selectors import plan_year_from_param

PER_PAGE = 25


def _region_and_rule(code: str, rule: str) -> Region:
    """The region of the page, 404 when the rule is not counted at its level."""
    level = QuotaRule.RULE_LEVEL.get(rule)
    region = Region.objects.filter(code=code, level=level).select_related("parent").first()
    if level is None or region is None:
        raise Http404
    return region


def candidate_list_url(region: Region, rule: str, plan_year: PlanYear) -> str:
    url = reverse("pilots:candidate_list", args=[region.code, rule])
    return f"{url}?year={plan_year.year}"


@login_required
@require_GET
def candidate_list(request, code: str, rule: str):
    region = _region_and_rule(code, rule)
    plan_year = plan_year_from_param(request.GET.get("year"))
    if plan_year is None:
        raise Http404
    scope = scope_for(request.user)
    row = quota_progress(plan_year, within=region).get(region, rule)
    count = candidates.candidate_counts(plan_year=plan_year, region=region, rules=[rule])[rule]
    page = paginate(
        request,
        candidates.candidate_list(plan_year=plan_year, region=region, rule=rule, scope=scope),
        per_page=PER_PAGE,
    )
    for enterprise in page:
        enterprise.reasons = candidates.reasons(enterprise)
    tier = candidates.rule_tier(rule)
    covers = scope.covers(region)
    context = {
        "region": region,
        "rule": rule,
        "rule_label": QuotaRule.Rule(rule).label,
        "plan_year": plan_year,
        "row": row,
        "gap": candidates.GapCandidates(row=row, candidates=count),
        "page": page,
        "first_rank": page.start_index(),
        "can_propose": row.rule_set and scope.allows_tier(tier),
        "tier_label": Pilot.Tier(tier).label,
        "pipeline_url": pilot_list_url(rule_list_params(plan_year, region, rule, proposed=True))
        if covers
        else "",
        "dashboard_url": f"{reverse('dashboards:region_detail', args=[region.code])}"
        f"?year={plan_year.year}",
    }
    return render(request, "pilots/candidate_list.html", context)


@login_required
@require_POST
def candidate_propose(request, code: str, rule: str):
    region = _region_and_rule(code, rule)
    scope = scope_for(request.user)
    require_write(scope)
    plan_year = plan_year_from_param(request.POST.get("year"))
    if plan_year is None:
        raise Http404
    back = candidate_list_url(region, rule, plan_year)
    enterprise_id = int_param(request.POST.get("enterprise"), minimum=1)
    if enterprise_id is None:
        messages.error(request, _("Choose an enterprise from the list of candidates."))
        return redirect(back)
    try:
        pilot = services.candidate_propose(
            enterprise_id=enterprise_id,
            plan_year=plan_year,
            region=region,
            rule=rule,
            scope=scope,
            user=request.user,
        )
    except services.ProposalError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        _("%(enterprise)s was proposed as a %(tier)s pilot of %(year)s.")
        % {
            "enterprise": pilot.enterprise,
            "tier": pilot.get_tier_display(),
            "year": plan_year.year,
        },
    )
    return redirect(back)
