from django.urls import path

from pilots.imports import views as import_views
from promotion import report_views, views

app_name = "promotion"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("cases/<int:pk>/print/", views.case_print, name="case_print"),
    path("cases/<int:pk>/history/", views.case_history, name="case_history"),
    path("cases/<int:pk>/files/<int:file_pk>/", views.case_attachment, name="case_attachment"),
    path(
        "cases/<int:pk>/files/<int:file_pk>/thumbnail/",
        views.case_thumbnail,
        name="case_thumbnail",
    ),
    path("library/", views.case_library, name="case_library"),
    path("library/collection.docx", views.case_collection, name="case_collection"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/export.xlsx", report_views.report_export, name="report_export"),
    path("reports/new/", report_views.report_create, name="report_create"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/history/", report_views.report_history, name="report_history"),
    *[
        # The Excel import of reports: the import's own pages, for this kind of list.
        path(
            f"reports/imports/{route}",
            view,
            {"kind": "media_reports"},
            name=f"report_import_{name}",
        )
        for route, view, name in (
            ("", import_views.import_list, "list"),
            ("upload/", import_views.import_upload, "upload"),
            ("template/", import_views.import_template, "template"),
            ("<int:pk>/", import_views.import_detail, "detail"),
            ("<int:pk>/confirm/", import_views.import_confirm, "confirm"),
            ("<int:pk>/discard/", import_views.import_discard, "discard"),
            ("<int:pk>/undo/", import_views.import_undo, "undo"),
            ("<int:pk>/original/", import_views.import_original, "original"),
            ("<int:pk>/errors/", import_views.import_errors, "errors"),
        )
    ],
    path("programmes/", report_views.programme_list, name="programme_list"),
    path("programmes/new/", report_views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", report_views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", report_views.programme_edit, name="programme_edit"),
]
