from django.urls import path

from pilots import import_views, views

app_name = "pilots"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("", views.pilot_list, name="pilot_list"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
]

# The Excel import (pilots/import_views.py).
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
