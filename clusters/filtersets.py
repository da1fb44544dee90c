"""Filters of the cluster, station and park pages; the same filterset serves page and export."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, ClusterMembership, GuidanceStation
from pilots.filtersets import has_plan_filter
from pilots.models import Enterprise, Pilot
from reform.models import Industry, Park, Region

YES_NO = [("yes", _("yes")), ("no", _("no"))]
NO_PILOT = "none"


def _counties():
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


def _yes_no(queryset, lookup: str, value: str):
    if value == "yes":
        return queryset.filter(**{lookup: True})
    if value == "no":
        return queryset.filter(**{lookup: False})
    return queryset


class SearchMixin:
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)


class ClusterFilter(SearchMixin, django_filters.FilterSet):
    search_fields = ("name",)
    q = django_filters.CharFilter(label=_("Search"), method="search")
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"), queryset=_counties(), empty_label=_("All")
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Theme industry"), queryset=Industry.objects.all(), empty_label=_("All")
    )

    class Meta:
        model = Cluster
        fields = ["q", "county", "industry"]


class MemberFilter(SearchMixin, django_filters.FilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code")
    q = django_filters.CharFilter(
        label=_("Name or credit code"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    pilot_tier = django_filters.ChoiceFilter(
        label=_("Pilot tier"),
        choices=[*Pilot.Tier.choices, (NO_PILOT, _("not a pilot"))],
        method="filter_tier",
        empty_label=_("All"),
    )
    pilot_status = django_filters.ChoiceFilter(
        label=_("Pilot status"), choices=Pilot.Status.choices, empty_label=_("All")
    )
    leading = django_filters.ChoiceFilter(
        label=_("Leading enterprise"),
        choices=YES_NO,
        method="filter_leading",
        empty_label=_("All"),
    )
    chain_position = django_filters.ChoiceFilter(
        label=_("Chain position"),
        field_name="enterprise__chain_position",
        choices=Enterprise.ChainPosition.choices,
        empty_label=_("All"),
    )
    industry_education = django_filters.ChoiceFilter(
        label=_("Industry-education integration"),
        choices=YES_NO,
        method="filter_industry_education",
        empty_label=_("All"),
    )

    class Meta:
        model = ClusterMembership
        fields = ["q", "pilot_tier", "pilot_status", "leading", "chain_position"]

    def filter_tier(self, queryset, name, value):
        if value == NO_PILOT:
            return queryset.filter(pilot_tier="")
        return queryset.filter(pilot_tier=value)

    def filter_leading(self, queryset, name, value):
        return _yes_no(queryset, "enterprise__is_leading", value)

    def filter_industry_education(self, queryset, name, value):
        return _yes_no(queryset, "enterprise__is_industry_education", value)


class StationFilter(SearchMixin, django_filters.FilterSet):
    search_fields = ("name", "park__name")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"),
        field_name="park__county",
        queryset=_counties(),
        empty_label=_("All"),
    )

    class Meta:
        model = GuidanceStation
        fields = ["q", "county"]


class StationPilotFilter(SearchMixin, django_filters.FilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code")
    q = django_filters.CharFilter(
        label=_("Name or credit code"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    tier = django_filters.ChoiceFilter(
        label=_("Tier"), choices=Pilot.Tier.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Pilot.Status.choices, empty_label=_("All")
    )
    has_plan = has_plan_filter(empty_label=_("All"))

    class Meta:
        model = Pilot
        fields = ["q", "tier", "status", "has_plan"]


class ParkFilter(SearchMixin, django_filters.FilterSet):
    search_fields = ("name",)
    q = django_filters.CharFilter(label=_("Search"), method="search")
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"), queryset=_counties(), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Park.Kind.choices, empty_label=_("All")
    )
    has_station = django_filters.ChoiceFilter(
        label=_("Guidance station"),
        choices=[("yes", _("has a station")), ("no", _("no station yet"))],
        method="filter_has_station",
        empty_label=_("All"),
    )

    class Meta:
        model = Park
        fields = ["q", "county", "kind", "has_station"]

    def filter_has_station(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(station_count__gt=0)
        if value == "no":
            return queryset.filter(station_count=0)
        return queryset


class ParkEnterpriseFilter(SearchMixin, django_filters.FilterSet):
    """The enterprises of a park's page, with their pilot of the year (annotated)."""

    search_fields = ("name", "credit_code")
    q = django_filters.CharFilter(
        label=_("Name or credit code"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    pilot_tier = django_filters.ChoiceFilter(
        label=_("Pilot tier"),
        choices=[*Pilot.Tier.choices, (NO_PILOT, _("not a pilot"))],
        method="filter_tier",
        empty_label=_("All"),
    )
    pilot_status = django_filters.ChoiceFilter(
        label=_("Pilot status"), choices=Pilot.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "pilot_tier", "pilot_status"]

    def filter_tier(self, queryset, name, value):
        if value == NO_PILOT:
            return queryset.filter(pilot_tier="")
        return queryset.filter(pilot_tier=value)
