"""Filters of the pairing list: kind, county, status, dormant and ownership mix, in the URL, the
same filterset serving the page and its .xlsx download."""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from demonstration.models import Pairing, PairingPartner
from demonstration.pairings.selectors import MIXES, dormant_q, mix_q
from reform.models import PlanYear, Region
from reform.scopes import Scope

YES_NO = (("yes", _("yes")), ("no", _("no")))


class PairingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Enterprise"), method="filter_name")
    plan_year = django_filters.ModelChoiceFilter(
        label=_("Plan year"),
        queryset=PlanYear.objects.all(),
        to_field_name="year",
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Pairing.Kind.choices, empty_label=_("All")
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County-level unit"),
        queryset=Region.objects.none(),
        method="filter_county",
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("pairing", "status"),
        choices=Pairing.Status.choices,
        empty_label=_("All"),
    )
    dormant = django_filters.ChoiceFilter(
        label=_("Dormant"), choices=YES_NO, method="filter_dormant", empty_label=_("All")
    )
    mix = django_filters.ChoiceFilter(
        label=_("Ownership mix"),
        choices=list(MIXES.items()),
        method="filter_mix",
        empty_label=_("All"),
    )

    class Meta:
        model = Pairing
        fields = ["q", "plan_year", "kind", "county", "status", "dormant", "mix"]

    def __init__(self, data=None, *args, scope: Scope, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["county"].queryset = scope.regions(Region.Level.COUNTY).order_by("code")

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        partner = PairingPartner.objects.filter(
            pairing=OuterRef("pk"), pilot__enterprise__name__icontains=value
        )
        return queryset.filter(Exists(partner) | Q(lead__name__icontains=value))

    def filter_county(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Pairings with a partner in the county-level unit (the lead may lie elsewhere)."""
        partner = PairingPartner.objects.filter(
            pairing=OuterRef("pk"), pilot__enterprise__county=value
        )
        return queryset.filter(Exists(partner))

    def filter_dormant(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(dormant_q())
        return queryset.exclude(dormant_q())

    def filter_mix(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(mix_q(value))
