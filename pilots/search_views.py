"""The search of the header: enterprises and their pilots by name or credit code, in scope."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from pilots import selectors
from reform.scopes import scope_for
from reform.selectors import plan_year_current
from reform.text import normalise_text

QUERY_MAX_LENGTH = 100


@login_required
@require_GET
def search(request):
    scope = scope_for(request.user)
    query = normalise_text(request.GET.get("q", ""))[:QUERY_MAX_LENGTH]
    plan_year = plan_year_current()
    results, total = selectors.search_enterprises(scope=scope, query=query, plan_year=plan_year)
    context = {
        "query": query,
        "results": results,
        "total": total,
        "limit": selectors.SEARCH_LIMIT,
        "plan_year": plan_year,
        "area": None if scope.is_everywhere else request.user.region,
        # The enterprise list searches the same way and shows every match, page by page.
        "all_url": f"{reverse('pilots:enterprise_list')}?{urlencode({'q': query})}",
    }
    return render(request, "pilots/search.html", context)
