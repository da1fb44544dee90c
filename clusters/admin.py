from django.contrib import admin

from clusters.models import Cluster, GuidanceStation


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "industry"]
    list_select_related = ["county", "industry"]
    search_fields = ["name"]
    autocomplete_fields = ["members"]


@admin.register(GuidanceStation)
class GuidanceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "park", "founded_on", "contact_name"]
    list_select_related = ["park"]
    search_fields = ["name", "park__name"]
    autocomplete_fields = ["pilots"]
