"""Filters of the enterprise and pilot lists; the same filterset serves the page and the export.

The choices narrow to the user's scope. Filters stay in the URL, so a filtered view can be
bookmarked and shared.
"""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pilots.models import Enterprise, ImportBatch, Pilot
from pilots.ownership import OwnershipGroup, group_q
from pilots.quotas import STATUS_COUNTED, counted_q
from pilots.selectors import search_q
from reform.industries import UNCLASSIFIED, industry_q, section_and_division_choices, sector_q
from reform.models import CoreIndustry, Industry, PlanYear, Region, development_zone_q
from reform.scopes import Scope
from reform.selectors import plan_year_current

ANY = _("any")
YES_NO = [("", ANY), ("true", _("yes")), ("false", _("no"))]
NO_CORE = "none"


def cluster_model():
    """The cluster model through the reverse relation `clusters`, without importing clusters."""
    try:
        return Enterprise._meta.get_field("clusters").related_model
    except Exception:  # noqa: BLE001 - no clusters app installed: no cluster filter choices
        return None


class ScopedFilterSet(django_filters.FilterSet):
    """Filters on an enterprise's place and kind; `prefix` leads from the row to the enterprise."""

    prefix = ""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    county = django_filters.ModelChoiceFilter(
        label=_("county-level unit"),
        queryset=Region.objects.none(),
        method="filter_enterprise",
        empty_label=ANY,
    )
    township = django_filters.ModelChoiceFilter(
        label=_("township or street"),
        queryset=Region.objects.none(),
        method="filter_enterprise",
        empty_label=ANY,
    )
    park = django_filters.ModelChoiceFilter(
        label=_("park"), queryset=Region.objects.none(), method="filter_enterprise", empty_label=ANY
    )
    # GB/T 4754-2017 sections and divisions; an entry takes in everything below it.
    industry = django_filters.ChoiceFilter(
        label=_("industry"), choices=[], method="filter_industry", empty_label=ANY
    )
    core = django_filters.ChoiceFilter(
        label=_("core industry"),
        choices=[*CoreIndustry.choices, (NO_CORE, _("none"))],
        method="filter_core",
        empty_label=ANY,
    )
    sector = django_filters.ChoiceFilter(
        label=_("sector"),
        choices=[*Industry.Sector.choices, (UNCLASSIFIED, _("unclassified (待归类)"))],
        method="filter_sector",
        empty_label=ANY,
    )
    ownership_group = django_filters.ChoiceFilter(
        label=_("ownership group"),
        choices=OwnershipGroup.choices,
        method="filter_ownership_group",
        empty_label=ANY,
    )
    ownership = django_filters.ChoiceFilter(
        label=_("ownership"),
        choices=Enterprise.Ownership.choices,
        method="filter_enterprise",
        empty_label=ANY,
    )
    cluster = django_filters.ChoiceFilter(
        label=_("industry cluster"), choices=[], method="filter_cluster", empty_label=ANY
    )
    large = django_filters.TypedChoiceFilter(
        label=_("100+ employees"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        method="filter_large",
    )
    leading = django_filters.TypedChoiceFilter(
        label=_("leading enterprise"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        method="filter_leading",
    )
    # The records an import wrote (links from the import's page); hidden in the filter form.
    batch = django_filters.NumberFilter(
        label=_("import"), method="filter_batch", widget=forms.HiddenInput
    )

    def __init__(self, data=None, *args, scope: Scope, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.scope = scope
        filters = self.filters
        filters["county"].queryset = scope.regions(Region.Level.COUNTY)
        filters["township"].queryset = scope.regions(Region.Level.TOWNSHIP).select_related("parent")
        filters["park"].queryset = scope.parks()
        filters["industry"].extra["choices"] = section_and_division_choices
        model = cluster_model()
        if model is not None:
            clusters = model.objects.order_by("name").values_list("pk", "name")
            if scope.county_id is not None:
                clusters = clusters.filter(county_id=scope.county_id)
            filters["cluster"].extra["choices"] = [(str(pk), name) for pk, name in clusters]

    def _lookup(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def filter_enterprise(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{self._lookup(name): value}) if value else queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The same search as the header's search box (pilots/search_views.py).
        condition = search_q(value, prefix=self.prefix)
        return queryset if condition is None else queryset.filter(condition)

    def filter_core(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(**{self._lookup("core_industry"): "" if value == NO_CORE else value})

    def filter_sector(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(sector_q(value, self._lookup(""))) if value else queryset

    def filter_industry(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(industry_q(value, self._lookup(""))) if value else queryset

    def filter_ownership_group(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(group_q(value, self.prefix)) if value else queryset

    def filter_cluster(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(**{self._lookup("clusters"): value}).distinct()

    def filter_large(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value in ("", None):
            return queryset
        lookup = {self._lookup("employee_count__gte"): Enterprise.LARGE_EMPLOYEE_COUNT}
        return queryset.filter(**lookup) if value else queryset.exclude(**lookup)

    def filter_leading(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value in ("", None):
            return queryset
        return queryset.filter(**{self._lookup("is_leading"): value})

    def filter_batch(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Records (enterprises or pilots, as listed) whose history carries the batch's reason."""
        if value in ("", None):
            return queryset
        reason = ImportBatch(pk=int(value)).change_reason
        written = queryset.model.history.filter(history_change_reason=reason).values("id")
        return queryset.filter(pk__in=written)


class EnterpriseFilterSet(ScopedFilterSet):
    class Meta:
        model = Enterprise
        fields = []


def filter_has_plan(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """Pilots with (yes) or without (no) their own plan (一企一策) record."""
    if value in ("yes", "no"):
        return queryset.filter(plan__isnull=value == "no")
    return queryset


def has_plan_filter(**kwargs) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("Own plan"),
        choices=[("yes", _("has a plan")), ("no", _("no plan yet"))],
        method=filter_has_plan,
        **kwargs,
    )


def filter_status(queryset: QuerySet, name: str, value: str) -> QuerySet:
    """One status, or "counted": confirmed and demonstration, what counts toward a quota."""
    if value == STATUS_COUNTED:
        return queryset.filter(counted_q())
    return queryset.filter(status=value) if value else queryset


def filter_dev_zone(queryset: QuerySet, name: str, value) -> QuerySet:
    """Enterprises in (or not in) a national or provincial development or high-tech zone."""
    if value in ("", None):
        return queryset
    in_zone = development_zone_q("enterprise__park__")
    return queryset.filter(in_zone) if value else queryset.exclude(in_zone)


class PilotFilterSet(ScopedFilterSet):
    """The pilot list's filters. The dashboards link each figure to the filter that shows exactly
    the pilots it counts (pilots/quotas.py: rule_list_params), so the list and the figure agree."""

    prefix = "enterprise__"

    plan_year = django_filters.ModelChoiceFilter(
        label=_("plan year"),
        queryset=PlanYear.objects.all(),
        to_field_name="year",
        empty_label=_("all years"),
    )
    tier = django_filters.ChoiceFilter(label=_("tier"), choices=Pilot.Tier.choices, empty_label=ANY)
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[
            *Pilot.Status.choices,
            (STATUS_COUNTED, _("confirmed or demonstration (counted)")),
        ],
        method=filter_status,
        empty_label=ANY,
    )
    dev_zone = django_filters.TypedChoiceFilter(
        label=_("in a development zone"),
        choices=YES_NO,
        coerce=lambda value: value == "true",
        method=filter_dev_zone,
    )
    # The city rule's figure links here; with a single city it changes nothing, so it is not
    # offered in the form (a hidden field keeps it in the URL).
    city = django_filters.ModelChoiceFilter(
        label=_("city"),
        queryset=Region.objects.none(),
        method="filter_city",
        widget=forms.HiddenInput,
    )
    has_plan = has_plan_filter(empty_label=ANY)

    class Meta:
        model = Pilot
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # No plan year in the URL: the current one. An empty one (chosen "all years"): all.
        if data is None or "plan_year" not in data:
            current = plan_year_current()
            data = data.copy() if data is not None else QueryDict(mutable=True)
            if current is not None:
                data["plan_year"] = str(current.year)
        super().__init__(data, *args, **kwargs)
        self.filters["city"].queryset = self.scope.regions(Region.Level.CITY)
        # The pilot's own filters first, right after the search.
        first = ["q", "plan_year", "tier", "status"]
        self.filters = {
            name: self.filters[name]
            for name in first + [name for name in self.filters if name not in first]
        }

    def filter_city(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(enterprise__county__parent=value) if value else queryset
