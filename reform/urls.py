"""The root URLconf: the one place that names every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from reform import views

urlpatterns = [
    path("", include("dashboards.urls")),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("pilots/", include("pilots.urls")),
    path("clusters/", include("clusters.urls")),
    path("demonstration/", include("demonstration.urls")),
    path("admin/", admin.site.urls),
]
