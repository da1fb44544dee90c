"""The selection in Django's admin: to look things up, with their history. Read-only: every
change goes through the pages (and so through the services that check phases, scopes and
quotas)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from demonstration.models import Application, Assignment, Naming, Objection, SelectionRound


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SelectionRound)
class SelectionRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "plan_year", "units_to_name", "notice_published_at"]
    list_select_related = ["plan_year"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pilot", "round", "status", "submitted_at", "recommendation_order"]
    list_filter = ["round", "status"]
    list_select_related = ["pilot__enterprise", "pilot__plan_year", "round"]
    search_fields = ["pilot__enterprise__name"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "status", "submitted_at"]
    list_filter = ["application__round", "status"]
    list_select_related = ["application__pilot__enterprise", "application__round", "reviewer"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["round", "objector", "received_at", "outcome"]
    list_filter = ["round", "outcome"]


@admin.register(Naming)
class NamingAdmin(ReadOnlyAdmin):
    list_display = ["pilot", "round", "named_on", "revoked_at"]
    list_filter = ["round"]
    list_select_related = ["pilot__enterprise", "pilot__plan_year", "round"]
