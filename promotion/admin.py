from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from promotion.models import (
    Case,
    CaseAttachment,
    CaseDimension,
    CasePilot,
    MediaReport,
    Programme,
    ReportCase,
    ReportPilot,
)


class ReadOnlyInline(admin.TabularInline):
    """Links are changed on the site's pages, which keep a record's area in step with them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CasePilotInline(ReadOnlyInline):
    model = CasePilot


class CaseDimensionInline(ReadOnlyInline):
    model = CaseDimension


class CaseAttachmentInline(ReadOnlyInline):
    model = CaseAttachment
    fields = ["original_name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan_year", "status", "county", "township", "author", "updated_at"]
    list_filter = ["plan_year", "status", "county"]
    list_select_related = ["plan_year", "county", "township", "author"]
    search_fields = ["title", "summary"]
    readonly_fields = [
        "author",
        "county",
        "township",
        "submitted_at",
        "selected_at",
        "published_at",
        "returned_by",
        "returned_at",
    ]
    inlines = [CasePilotInline, CaseDimensionInline, CaseAttachmentInline]


class ReportPilotInline(ReadOnlyInline):
    model = ReportPilot


class ReportCaseInline(ReadOnlyInline):
    model = ReportCase


@admin.register(MediaReport)
class MediaReportAdmin(SimpleHistoryAdmin):
    list_display = ["published_on", "title", "outlet", "outlet_kind", "level", "form", "programme"]
    list_filter = ["outlet_kind", "level", "form", "programme"]
    list_select_related = ["programme"]
    search_fields = ["title", "outlet"]
    date_hierarchy = "published_on"
    readonly_fields = ["county", "township", "recorded_by"]
    inlines = [ReportPilotInline, ReportCaseInline]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "outlet", "starts_on", "ends_on", "county"]
    list_filter = ["kind"]
    search_fields = ["name", "outlet"]
