"""Where a signed-in user starts: their own unit's page first (issue 9, "each user's own unit").

County and township officials work on their own county or township; its dashboard is where
they land after signing in and when they click the brand. Leaders, city staff and
administrators land on the city overview. The overview is one click away for everyone
(the "City overview" entry of the navigation).
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from reform.scopes import scope_for


def own_unit_url(user) -> str:
    """The dashboard a user starts on: their county or township, else the city overview."""
    scope = scope_for(user)
    if scope.region_id is not None and user.region_id == scope.region_id:
        return user.region.get_absolute_url()
    return reverse("dashboards:home")


@login_required
@require_GET
def landing(request):
    return redirect(own_unit_url(request.user))


class SignInView(auth_views.LoginView):
    """The sign-in page. A `next` that only names the overview ("/", where an anonymous visit
    to the site's address is sent from) leads to the user's own unit instead."""

    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if url in ("", reverse("dashboards:home")):
            return ""  # LOGIN_REDIRECT_URL: the landing page
        return url
