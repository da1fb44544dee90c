from django.urls import path

from dashboards import bulletin_views, landing, views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("snapshots/take/", views.snapshot_now, name="snapshot_now"),
]

# Where signing in and the brand lead (dashboards/landing.py).
urlpatterns.append(path("start/", landing.landing, name="landing"))

# The bulletin (通报): dashboards/bulletin_views.py.
urlpatterns += [
    path("bulletin/", bulletin_views.bulletin_page, name="bulletin"),
    path("bulletin/bulletin.docx", bulletin_views.bulletin_download, name="bulletin_docx"),
    path("bulletin/issue/", bulletin_views.bulletin_issue, name="bulletin_issue"),
    path("bulletin/wording/", bulletin_views.bulletin_wording, name="bulletin_wording"),
]
