from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clusters.models import Cluster, ClusterMembership, GuidanceStation


class ClusterMembershipInline(admin.TabularInline):
    model = ClusterMembership
    extra = 0
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "industry"]
    list_select_related = ["county", "industry"]
    search_fields = ["name"]
    inlines = [ClusterMembershipInline]


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "enterprise", "added_by", "added_at"]
    list_select_related = ["cluster", "enterprise", "added_by"]
    list_filter = ["cluster"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["enterprise"]


@admin.register(GuidanceStation)
class GuidanceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "park", "founded_on", "contact_name"]
    list_select_related = ["park"]
    search_fields = ["name", "park__name"]
    autocomplete_fields = ["pilots"]
