"""Filters of the case work list, the case library and the media reports.

Filters stay in the URL, so a filtered view can be bookmarked; the same filterset serves the
page and its download.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pilots.models import Pilot
from promotion import selectors
from promotion.models import Case, CaseDimension, MediaReport, Programme
from reform.models import Dimension, PlanYear, Region
from reform.text import normalise_text

ANY = _("any")


def _counties():
    return Region.objects.filter(level=Region.Level.COUNTY).order_by("code")


class CaseFilterBase(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search title and text"), method="filter_search")
    plan_year = django_filters.ModelChoiceFilter(
        label=_("plan year"),
        queryset=PlanYear.objects.all(),
        to_field_name="year",
        empty_label=_("all years"),
    )
    dimension = django_filters.ChoiceFilter(
        label=_("dimension"),
        choices=Dimension.choices,
        method="filter_dimension",
        empty_label=ANY,
    )
    county = django_filters.ModelChoiceFilter(
        label=_("county-level unit"),
        queryset=_counties(),
        method="filter_county",
        empty_label=ANY,
    )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = normalise_text(value)
        if not text:
            return queryset
        return queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(text__icontains=text)
        )

    def filter_dimension(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(
            pk__in=CaseDimension.objects.filter(dimension=value).values("case_id")
        )

    def filter_county(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(selectors.case_has_pilot(Q(pilot__enterprise__county=value)))


class CaseFilter(CaseFilterBase):
    """The work list: cases of the user's area in every state."""

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("case", "status"), choices=Case.Status.choices, empty_label=ANY
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, data=None, *args, scope, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["county"].queryset = scope.regions(Region.Level.COUNTY)
        first = ["q", "status", "plan_year"]
        self.filters = {
            name: self.filters[name]
            for name in first + [name for name in self.filters if name not in first]
        }


class LibraryFilter(CaseFilterBase):
    """The library: published cases by dimension, county, industry, tier and year."""

    industry = django_filters.ChoiceFilter(
        label=_("industry"), choices=[], method="filter_industry", empty_label=ANY
    )
    tier = django_filters.ChoiceFilter(
        label=_("tier"), choices=Pilot.Tier.choices, method="filter_tier", empty_label=ANY
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["industry"].extra["choices"] = selectors.industry_section_choices()

    def filter_industry(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(selectors.case_has_pilot(selectors.industry_section_q(value)))

    def filter_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(selectors.case_has_pilot(Q(pilot__tier=value)))


def _year_choices() -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in PlanYear.objects.values_list("year", flat=True)]


class ReportFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search title and outlet"), method="filter_search")
    year = django_filters.ChoiceFilter(
        label=_("year"), choices=_year_choices, method="filter_year", empty_label=_("all years")
    )
    outlet_kind = django_filters.ChoiceFilter(
        label=_("outlet kind"), choices=MediaReport.OutletKind.choices, empty_label=ANY
    )
    level = django_filters.ChoiceFilter(
        label=_("level"), choices=MediaReport.Level.choices, empty_label=ANY
    )
    form = django_filters.ChoiceFilter(
        label=_("form"), choices=MediaReport.Form.choices, empty_label=ANY
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("column or programme"),
        queryset=Programme.objects.order_by("outlet", "name"),
        empty_label=ANY,
    )
    county = django_filters.ModelChoiceFilter(
        label=_("county-level unit"),
        queryset=_counties(),
        method="filter_county",
        empty_label=ANY,
    )

    class Meta:
        model = MediaReport
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = normalise_text(value)
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(outlet__icontains=text))

    def filter_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(published_on__year=int(value)) if value else queryset

    def filter_county(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(selectors.report_in_region_q(value)) if value else queryset
