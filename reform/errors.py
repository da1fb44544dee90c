"""The pages people meet when something is wrong: 400, 403, 404, 500 and a refused form (CSRF).

Each is a page of the site (its layout, the user's language) with a way back, never Django's
bare English page. The 500 page is rendered without the database and without the request
context: whatever broke may be the database itself.
"""

from django.core.exceptions import DisallowedHost
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request) -> str:
    """The page the user came from, when it is a page of this site; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:  # a bad Host header (the 400 page): no way back
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def bad_request(request, exception=None):
    context = {"back_url": back_url(request)}
    return HttpResponseBadRequest(loader.render_to_string("400.html", context, request))


def permission_denied(request, exception=None):
    context = {"back_url": back_url(request)}
    return HttpResponseForbidden(loader.render_to_string("403.html", context, request))


def page_not_found(request, exception=None):
    context = {"back_url": back_url(request)}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))


def server_error(request):
    # No request passed to the template: no context processor runs, nothing reads the database.
    context = {"back_url": back_url(request)}
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check: usually a page left open past the session's end."""
    context = {"back_url": back_url(request)}
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", context, request))
