from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pilots.models import Enterprise, Pilot, PilotPlan


class VersionedAdmin(SimpleHistoryAdmin):
    """An admin save moves the record to a new version, so a form opened before it is refused."""

    def save_model(self, request, obj, form, change):
        if change:
            current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True)
            obj.version = current.get() + 1
        super().save_model(request, obj, form, change)


@admin.register(Enterprise)
class EnterpriseAdmin(VersionedAdmin):
    list_display = [
        "name",
        "credit_code",
        "county",
        "township",
        "park",
        "industry",
        "employee_count",
    ]
    list_filter = ["county", "core_industry", "industry__sector", "ownership", "is_leading"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["county", "township", "park", "industry"]
    autocomplete_fields = ["county", "township", "industry"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "park":
            # Each park with its county-level unit: it must be the enterprise's (Enterprise.clean).
            field.queryset = field.queryset.select_related("county")
            field.label_from_instance = lambda park: f"{park.name}（{park.county.name}）"
        return field


@admin.register(Pilot)
class PilotAdmin(VersionedAdmin):
    list_display = ["enterprise", "plan_year", "tier", "status", "registered_by", "registered_at"]
    list_filter = ["plan_year", "tier", "status"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "plan_year", "registered_by"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["registered_by", "registered_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.registered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PilotPlan)
class PilotPlanAdmin(SimpleHistoryAdmin):
    list_display = ["pilot", "target_date", "updated_by", "updated_at"]
    list_select_related = ["pilot__enterprise", "pilot__plan_year", "updated_by"]
    search_fields = ["pilot__enterprise__name", "pilot__enterprise__credit_code"]
    autocomplete_fields = ["pilot"]
    readonly_fields = ["updated_by", "updated_at"]
