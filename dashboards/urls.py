from django.urls import path

from dashboards import landing, views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("snapshots/take/", views.snapshot_now, name="snapshot_now"),
]

# Where signing in and the brand lead (dashboards/landing.py).
urlpatterns.append(path("start/", landing.landing, name="landing"))
