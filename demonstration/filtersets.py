"""Filters of the application list and the ranking; the choices narrow to the user's scope."""

import django_filters
from django.utils.translation import gettext_lazy as _

from demonstration.models import Application
from pilots.models import Pilot
from reform.models import Region
from reform.scopes import Scope


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Enterprise"), field_name="pilot__enterprise__name", lookup_expr="icontains"
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"),
        field_name="pilot__enterprise__county",
        queryset=Region.objects.none(),
        empty_label=_("All"),
    )
    tier = django_filters.ChoiceFilter(
        label=_("Tier"), field_name="pilot__tier", choices=Pilot.Tier.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Application.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = Application
        fields = ["q", "county", "tier", "status"]

    def __init__(self, data=None, *args, scope: Scope, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["county"].queryset = scope.regions(Region.Level.COUNTY).order_by("code")


class RankingFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"),
        field_name="pilot__enterprise__county",
        queryset=Region.objects.filter(level=Region.Level.COUNTY).order_by("code"),
        empty_label=_("All"),
    )
    tier = django_filters.ChoiceFilter(
        label=_("Tier"), field_name="pilot__tier", choices=Pilot.Tier.choices, empty_label=_("All")
    )

    class Meta:
        model = Application
        fields = ["county", "tier"]
