"""Editing a pilot's own plan (一企一策). The plan is part of the pilot: whoever may change the
pilot (Scope.allows_pilot_write: in scope, and of a tier they register) may change its plan;
whoever only reads the pilot only reads the plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from pilots import selectors
from pilots.models import PilotPlan
from pilots.plans import PilotPlanForm, pilot_plan_save
from reform.scopes import get_object_in_scope, require_write, scope_for


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@login_required
def pilot_plan_edit(request, pk: int):
    scope = scope_for(request.user)
    pilot = get_object_in_scope(
        selectors.pilot_list(scope=scope), scope, **selectors.PILOT_PLACE, pk=pk
    )
    require_write(scope)
    enterprise = pilot.enterprise
    if not scope.allows_pilot_write(
        county_id=enterprise.county_id, township_id=enterprise.township_id, tier=pilot.tier
    ):
        raise PermissionDenied
    plan = PilotPlan.objects.filter(pilot=pilot).select_related("updated_by").first()
    next_url = _next_url(request, pilot.get_absolute_url())
    if request.method == "POST":
        form = PilotPlanForm(request.POST, instance=plan)
        if form.is_valid():
            pilot_plan_save(pilot=pilot, user=request.user, **form.cleaned_data)
            messages.success(
                request, _("The plan of %(name)s is saved.") % {"name": enterprise.name}
            )
            return redirect(next_url)
    else:
        initial = {}
        if plan is None and pilot.own_plan.strip():
            # Start from the free text written before plans were records.
            initial = {"goals": pilot.own_plan.strip()}
        form = PilotPlanForm(instance=plan, initial=initial)
    return render(
        request,
        "pilots/pilot_plan_form.html",
        {"pilot": pilot, "plan": plan, "form": form, "next_url": next_url},
    )
