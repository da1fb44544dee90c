from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from reform.models import Industry, Park, PlanYear, QuotaRule, Region, RegionQuota, User
from reform.services import quota_rules_ensure_defaults


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "county", "is_demo"]
    list_filter = ["kind", "level", "is_demo", "county"]
    search_fields = ["name"]
    list_select_related = ["county"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "sector", "is_core", "order"]
    list_filter = ["sector", "is_core"]
    search_fields = ["name", "name_en", "code"]


class QuotaRuleInline(admin.TabularInline):
    model = QuotaRule
    extra = 0


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "is_current"]
    inlines = [QuotaRuleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new plan year starts with the work plan's four rules; edited ones are kept.
        quota_rules_ensure_defaults(plan_year=form.instance)


@admin.register(RegionQuota)
class RegionQuotaAdmin(admin.ModelAdmin):
    list_display = ["plan_year", "region", "rule", "exempt", "minimum", "note"]
    list_filter = ["plan_year", "rule", "exempt"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]
    list_select_related = ["plan_year", "region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "region", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "region", "phone")}),
    )
    # The administrator gives every new user a role and, for county and township officials,
    # their region; User.clean() refuses a role without the region it needs.
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ("role", "region", "first_name", "phone")}),
    )
