from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from reform.industries import synonym_conflict
from reform.models import (
    Industry,
    IndustrySynonym,
    Park,
    PlanYear,
    QuotaRule,
    Region,
    RegionQuota,
    User,
)
from reform.services import quota_rules_ensure_defaults

# The admin is titled as the site (its colours: templates/admin/base_site.html, admin.css).
admin.site.site_header = _("Reform Pilot Enterprise Platform · Administration")
admin.site.site_title = _("Reform Pilots administration")
admin.site.index_title = _("System administration")
admin.site.site_url = reverse_lazy("dashboards:landing")

# Where exemptions and own minimums come from (DESIGN.md, "Quota rules"): shown on the plan
# year page (its rules), on the exceptions' list and on an exception's page.
QUOTA_RULES_EXPLAINED = _(
    "Every plan year has the four rules of the work plan, created with the year: the city ≥ 30 "
    "city-tier pilots; every county-level unit ≥ 15 county-tier pilots, ≥ 8 of them in national "
    "or provincial development or high-tech zones; every township and street ≥ 3 township-tier "
    "pilots. A minimum changed here applies to every region of the rule in this plan year; "
    "single regions are changed under “Region quota exceptions”."
)
EXCEPTIONS_EXPLAINED = _(
    "An exception changes one rule for one region in one plan year: either the region is "
    "exempt (it has no target and shows grey), or it has its own minimum instead of the rule's. "
    "A minimum of 0 is met by 0 pilots and shows as 0 / 0. Township-level units that are not "
    "administrative divisions (state farms, salt works, zones: codes 4xx in digits 7–9 of the "
    "statistical code) are exempt from the township rule by default, without an exception; give "
    "one of them its own minimum to set a target."
)


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
    """GB/T 4754-2017 is reference data (manage.py load_reference); the sector is derived."""

    list_display = ["code", "name", "level", "sector"]
    list_filter = ["level", "sector"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["sector"]


class IndustrySynonymForm(forms.ModelForm):
    class Meta:
        model = IndustrySynonym
        fields = ["text", "industry"]

    def clean(self):
        cleaned = super().clean()
        text, industry = cleaned.get("text"), cleaned.get("industry")
        if text and industry is not None:
            conflict = synonym_conflict(text, industry.pk, exclude_pk=self.instance.pk)
            if conflict:
                self.add_error("text", conflict)
        return cleaned


@admin.register(IndustrySynonym)
class IndustrySynonymAdmin(admin.ModelAdmin):
    """Words people use for an entry; a text that would name two entries is refused."""

    form = IndustrySynonymForm

    list_display = ["text", "industry", "created_at"]
    search_fields = ["text", "industry__name", "industry__code"]
    list_select_related = ["industry"]
    autocomplete_fields = ["industry"]


class QuotaRuleForm(forms.ModelForm):
    class Meta:
        model = QuotaRule
        fields = ["rule", "minimum"]
        help_texts = {
            "minimum": _(
                "For every region of the rule in this plan year, unless an exception gives it "
                "its own minimum or exempts it."
            ),
        }


class QuotaRuleInline(admin.TabularInline):
    model = QuotaRule
    form = QuotaRuleForm
    extra = 0


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "is_current"]
    inlines = [QuotaRuleInline]
    fieldsets = [
        (None, {"fields": ["year", "title", "is_current"]}),
        # No fields: it carries the explanation right above the rules (the inline below it).
        (_("About the quota rules"), {"fields": [], "description": QUOTA_RULES_EXPLAINED}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new plan year starts with the work plan's four rules; edited ones are kept.
        quota_rules_ensure_defaults(plan_year=form.instance)


class RegionQuotaForm(forms.ModelForm):
    class Meta:
        model = RegionQuota
        fields = ["plan_year", "region", "rule", "exempt", "minimum", "note"]
        help_texts = {
            "region": _(
                "A county-level unit for the county rules, a township for the township rule."
            ),
            "exempt": _("Tick to exempt the region: it has no target for this rule this year."),
            "minimum": _(
                "Or leave “exempt” unticked and give the region its own minimum instead of the "
                "rule's. 0 is allowed: it is met by 0 pilots and shows as 0 / 0."
            ),
            "note": _("Why: the decision or document the exception rests on."),
        }


@admin.register(RegionQuota)
class RegionQuotaAdmin(admin.ModelAdmin):
    form = RegionQuotaForm
    list_display = ["plan_year", "region", "rule", "exempt", "minimum", "note"]
    list_filter = ["plan_year", "rule", "exempt"]
    search_fields = ["region__name", "region__code"]
    autocomplete_fields = ["region"]
    list_select_related = ["plan_year", "region"]
    fieldsets = [
        (None, {"fields": RegionQuotaForm.Meta.fields, "description": EXCEPTIONS_EXPLAINED})
    ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "admin_explanation": EXCEPTIONS_EXPLAINED}
        return super().changelist_view(request, extra_context)


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
