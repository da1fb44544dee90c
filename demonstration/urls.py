from django.urls import path

from demonstration.views import applications, notice, pairing, review, rounds

app_name = "demonstration"

urlpatterns = [
    # Rounds (demonstration/views/rounds.py)
    path("", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/phases/<str:phase>/", rounds.round_phase, name="round_phase"),
    path("rounds/<int:pk>/quotas/", rounds.round_quotas, name="round_quotas"),
    path("rounds/<int:pk>/rubric/", rounds.rubric_edit, name="rubric_edit"),
    # Applications and recommendations (views/applications.py)
    path("rounds/<int:pk>/applications/", applications.application_list, name="application_list"),
    path("rounds/<int:pk>/apply/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/reopen/", applications.application_reopen, name="application_reopen"
    ),
    path("evidence/<int:pk>/", applications.evidence_download, name="evidence_download"),
    path(
        "rounds/<int:pk>/recommend/<str:unit>/",
        applications.recommendation_edit,
        name="recommendation_edit",
    ),
    # Review (views/review.py)
    path("rounds/<int:pk>/reviewers/", review.round_reviewers, name="round_reviewers"),
    path("rounds/<int:pk>/assign/auto/", review.assignment_auto, name="assignment_auto"),
    path("rounds/<int:pk>/assign/add/", review.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/remove/", review.assignment_remove, name="assignment_remove"),
    path("rounds/<int:pk>/review/", review.review_progress, name="review_progress"),
    path("rounds/<int:pk>/ranking/", review.ranking, name="ranking"),
    path("rounds/<int:pk>/ranking.xlsx", review.ranking_export, name="ranking_export"),
    path("reviews/", review.review_queue, name="review_queue"),
    path("reviews/<int:pk>/", review.review_score, name="review_score"),
    # Notice, objections, naming (views/notice.py)
    path("rounds/<int:pk>/notice/", notice.notice_detail, name="notice_detail"),
    path("rounds/<int:pk>/notice.docx", notice.notice_docx, name="notice_docx"),
    path("rounds/<int:pk>/notice/prepare/", notice.notice_prepare, name="notice_prepare"),
    path("rounds/<int:pk>/notice/add/", notice.notice_entry_add, name="notice_entry_add"),
    path("notice/<int:pk>/remove/", notice.notice_entry_remove, name="notice_entry_remove"),
    path("rounds/<int:pk>/notice/publish/", notice.notice_publish, name="notice_publish"),
    path("rounds/<int:pk>/objections/new/", notice.objection_create, name="objection_create"),
    path("objections/<int:pk>/", notice.objection_edit, name="objection_edit"),
    path("rounds/<int:pk>/naming/", notice.naming_create, name="naming_create"),
    path("namings/<int:pk>/revoke/", notice.naming_revoke, name="naming_revoke"),
    # Pairings (views/pairing.py)
    path("pairings/", pairing.pairing_list, name="pairing_list"),
    path("pairings/export.xlsx", pairing.pairing_export, name="pairing_export"),
    path("pairings/new/", pairing.pairing_create, name="pairing_create"),
    path("pairings/alone/", pairing.pairing_alone, name="pairing_alone"),
    path("pairings/<int:pk>/", pairing.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pk>/edit/", pairing.pairing_edit, name="pairing_edit"),
    path("pairings/<int:pk>/end/", pairing.pairing_end, name="pairing_end"),
    path("pairings/<int:pk>/history/", pairing.pairing_history, name="pairing_history"),
    path("pairings/<int:pk>/activities/new/", pairing.activity_create, name="activity_create"),
    path(
        "pairings/<int:pk>/files/<int:file_pk>/",
        pairing.activity_attachment,
        name="activity_attachment",
    ),
    path(
        "pairings/<int:pk>/files/<int:file_pk>/thumbnail/",
        pairing.activity_thumbnail,
        name="activity_thumbnail",
    ),
]
