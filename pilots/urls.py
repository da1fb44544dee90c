from django.urls import path

from pilots import candidate_views, industry_views, plan_views, search_views, views
from pilots.imports import views as import_views

app_name = "pilots"

urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("export.<str:fmt>", views.pilot_export, name="pilot_export"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("<int:pk>/edit/", views.pilot_edit, name="pilot_edit"),
    path("<int:pk>/status/", views.pilot_status, name="pilot_status"),
    path("<int:pk>/history/", views.pilot_history, name="pilot_history"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.<str:fmt>", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/check/", views.enterprise_check, name="enterprise_check"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/history/", views.enterprise_history, name="enterprise_history"),
    path("enterprises/<int:enterprise_pk>/pilots/new/", views.pilot_create, name="pilot_create"),
    path("regions/choices/", views.region_choices, name="region_choices"),
]

# The pilot's own plan (一企一策), edited from the pilot and guidance-station pages.
urlpatterns.append(path("<int:pk>/plan/", plan_views.pilot_plan_edit, name="pilot_plan_edit"))

# The Excel import (pilots/imports/views.py).
urlpatterns += [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/upload/", import_views.import_upload, name="import_upload"),
    path("imports/template/", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", import_views.import_discard, name="import_discard"),
    path("imports/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
    path("imports/<int:pk>/original/", import_views.import_original, name="import_original"),
    path("imports/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
]

# The search of the header (pilots/search_views.py).
urlpatterns.append(path("search/", search_views.search, name="search"))

# The candidates for a region's gap under a rule, and proposing one (pilots/candidate_views.py).
urlpatterns += [
    path(
        "candidates/<str:code>/<str:rule>/",
        candidate_views.candidate_list,
        name="candidate_list",
    ),
    path(
        "candidates/<str:code>/<str:rule>/propose/",
        candidate_views.candidate_propose,
        name="candidate_propose",
    ),
]

# Industries no GB/T 4754-2017 entry matched (待归类), for administrators (industry_views.py).
urlpatterns += [
    path(
        "industries/unclassified/",
        industry_views.industry_unclassified,
        name="industry_unclassified",
    ),
    path("industries/classify/", industry_views.industry_classify, name="industry_classify"),
]
