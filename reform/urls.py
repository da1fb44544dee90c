"""The root URLconf: the one place that names every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from dashboards.landing import SignInView
from reform import job_views, views

urlpatterns = [
    path("", include("dashboards.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("pilots/", include("pilots.urls")),
    path("clusters/", include("clusters.urls")),
    path("demonstration/", include("demonstration.urls")),
    path("promotion/", include("promotion.urls")),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/retry", job_views.job_retry_view, name="job_retry"),
    path("jobs/<int:pk>/file", job_views.job_file_view, name="job_file"),
    path("admin/", admin.site.urls),
]

# The pages people meet when something is wrong, in the site's layout (reform/errors.py).
handler400 = "reform.errors.bad_request"
handler403 = "reform.errors.permission_denied"
handler404 = "reform.errors.page_not_found"
handler500 = "reform.errors.server_error"
