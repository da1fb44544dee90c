from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from pilots import selectors
from reform.scopes import get_object_in_scope, scope_for


@login_required
def enterprise_list(request):
    scope = scope_for(request.user)
    page = Paginator(selectors.enterprise_list(scope=scope), 50).get_page(request.GET.get("page"))
    return render(request, "pilots/enterprise_list.html", {"page": page})


@login_required
def enterprise_detail(request, pk: int):
    scope = scope_for(request.user)
    enterprise = get_object_in_scope(
        selectors.enterprise_list(scope=scope), scope, **selectors.ENTERPRISE_PLACE, pk=pk
    )
    pilots = enterprise.pilots.select_related("plan_year").order_by("-plan_year__year")
    return render(
        request, "pilots/enterprise_detail.html", {"enterprise": enterprise, "pilots": pilots}
    )


@login_required
def pilot_list(request):
    scope = scope_for(request.user)
    page = Paginator(selectors.pilot_list(scope=scope), 50).get_page(request.GET.get("page"))
    return render(request, "pilots/pilot_list.html", {"page": page})


@login_required
def pilot_detail(request, pk: int):
    scope = scope_for(request.user)
    pilot = get_object_in_scope(
        selectors.pilot_list(scope=scope), scope, **selectors.PILOT_PLACE, pk=pk
    )
    return render(request, "pilots/pilot_detail.html", {"pilot": pilot})
