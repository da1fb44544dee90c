"""Pages of industry clusters, guidance stations and parks.

Who may do what (decided by reform.scopes): clusters, stations and parks belong to a
county-level unit as a whole. Administrators, city staff and leaders see all of them; county
and township officials see those of their own county. Only administrators, city staff and the
county's officials change them: township officials and leaders read, and get 403 on changes.
Anything outside a user's scope answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from clusters import selectors, services
from clusters.exports import table_xlsx_response
from clusters.filtersets import (
    ClusterFilter,
    MemberFilter,
    ParkEnterpriseFilter,
    ParkFilter,
    StationFilter,
    StationPilotFilter,
)
from clusters.forms import MemberAddForm, MemberRemoveForm, StationForm, StationPilotsForm
from clusters.models import Cluster, GuidanceStation
from clusters.tables import (
    ClusterTable,
    MemberTable,
    ParkEnterpriseTable,
    ParkTable,
    StationPilotTable,
    StationTable,
)
from pilots.models import Enterprise
from reform.models import Park, PlanYear
from reform.paging import BoundedTableMixin, int_param, paginate_table
from reform.scopes import Scope, get_county_record_in_scope, require_write, scope_for
from reform.selectors import plan_year_from_param

PER_PAGE = 50


def _year_context(request) -> dict:
    return {
        "plan_year": plan_year_from_param(request.GET.get("year")),
        "plan_years": list(PlanYear.objects.all()),
    }


def _get_cluster(scope: Scope, pk: int) -> Cluster:
    return get_county_record_in_scope(
        Cluster.objects.select_related("county", "industry"),
        scope,
        county=selectors.CLUSTER_COUNTY,
        pk=pk,
    )


def _get_station(scope: Scope, pk: int) -> GuidanceStation:
    return get_county_record_in_scope(
        GuidanceStation.objects.select_related("park", "park__county"),
        scope,
        county=selectors.STATION_COUNTY,
        pk=pk,
    )


def _require_county_write(scope: Scope, county_id: int | None) -> None:
    require_write(scope)
    if not scope.allows_county_write(county_id=county_id):
        raise PermissionDenied


class YearListView(LoginRequiredMixin, BoundedTableMixin, SingleTableMixin, FilterView):
    """A list page of this app: scope and plan year from the request, 50 rows a page."""

    per_page = PER_PAGE
    selector = None

    def get_queryset(self):
        self.scope = scope_for(self.request.user)
        self.year_context = _year_context(self.request)
        return self.selector(scope=self.scope, plan_year=self.year_context["plan_year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.year_context)
        context["can_write"] = self.scope.can_write and self.scope.township_id is None
        return context


# Clusters -------------------------------------------------------------------------------------


class ClusterListView(YearListView):
    table_class = ClusterTable
    filterset_class = ClusterFilter
    template_name = "clusters/cluster_list.html"
    selector = staticmethod(selectors.cluster_list)


cluster_list = ClusterListView.as_view()


def _configure(request, table, *, paginate: bool) -> None:
    """The page's table is sorted and paginated; the export's only sorted, every row."""
    if paginate:
        paginate_table(request, table, per_page=PER_PAGE)
    else:
        RequestConfig(request, paginate=False).configure(table)


def _member_table(request, cluster: Cluster, scope: Scope, plan_year, *, paginate: bool):
    can_edit = scope.allows_county_write(county_id=cluster.county_id)
    filterset = MemberFilter(
        request.GET,
        queryset=selectors.cluster_member_list(cluster=cluster, plan_year=plan_year),
        request=request,
    )
    table = MemberTable(filterset.qs, scope=scope, can_edit=can_edit and paginate)
    _configure(request, table, paginate=paginate)
    return filterset, table, can_edit


@login_required
@require_GET
def cluster_detail(request, pk: int):
    scope = scope_for(request.user)
    cluster = _get_cluster(scope, pk)
    context = _year_context(request)
    plan_year = context["plan_year"]
    filterset, table, can_edit = _member_table(request, cluster, scope, plan_year, paginate=True)
    context.update(
        cluster=cluster,
        filter=filterset,
        table=table,
        can_edit=can_edit,
        figures=selectors.cluster_figures(cluster=cluster, plan_year=plan_year),
        stations=list(
            selectors.cluster_stations(cluster=cluster, scope=scope, plan_year=plan_year)
        ),
        export_query=request.GET.urlencode(),
    )
    return render(request, "clusters/cluster_detail.html", context)


@login_required
@require_GET
def cluster_member_export(request, pk: int):
    scope = scope_for(request.user)
    cluster = _get_cluster(scope, pk)
    plan_year = plan_year_from_param(request.GET.get("year"))
    _filterset, table, _can_edit = _member_table(request, cluster, scope, plan_year, paginate=False)
    year = f" {plan_year.year}" if plan_year else ""
    label = _("members")
    return table_xlsx_response(
        table,
        title=_("Members"),
        filename=f"{cluster.name}{year} {label}",
        fallback=f"cluster-{cluster.pk}{year.replace(' ', '-')}-members",
    )


@login_required
def cluster_member_add(request, pk: int):
    """Search or paste, see what would happen (preview), then confirm: two POSTs."""
    scope = scope_for(request.user)
    cluster = _get_cluster(scope, pk)
    _require_county_write(scope, cluster.county_id)
    enterprises = scope.filter(Enterprise.objects.all(), county="county", township="township")
    query = request.GET.get("q", "").strip()
    preview = None
    if request.method == "POST":
        form = MemberAddForm(request.POST, enterprise_queryset=enterprises)
        if form.is_valid():
            # Both steps build the preview afresh from what was posted: the confirm step
            # re-validates, so nothing stale or tampered with is written.
            preview = services.cluster_member_preview(
                cluster=cluster,
                user=request.user,
                codes_text=form.cleaned_data["codes"],
                selected=form.cleaned_data["enterprises"],
            )
            if request.POST.get("step") == "confirm":
                if not preview.to_add:
                    messages.warning(request, _("Nothing to add: no enterprise was changed."))
                    return redirect(cluster)
                try:
                    added = services.cluster_members_add(
                        cluster=cluster, enterprises=preview.to_add, user=request.user
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d enterprise added to %(cluster)s.",
                            "%(count)d enterprises added to %(cluster)s.",
                            added,
                        )
                        % {"count": added, "cluster": cluster.name},
                    )
                    return redirect(cluster)
    else:
        form = MemberAddForm(enterprise_queryset=enterprises)
    results = selectors.enterprise_search(scope=scope, cluster=cluster, query=query)
    return render(
        request,
        "clusters/cluster_member_add.html",
        {
            "cluster": cluster,
            "form": form,
            "query": query,
            "results": results,
            "preview": preview,
        },
    )


@login_required
@require_POST
def cluster_member_remove(request, pk: int):
    """Ticked members on the cluster page: a confirmation page first, then the removal."""
    scope = scope_for(request.user)
    cluster = _get_cluster(scope, pk)
    _require_county_write(scope, cluster.county_id)
    members = Enterprise.objects.filter(cluster_memberships__cluster=cluster).select_related(
        "county", "township"
    )
    form = MemberRemoveForm(request.POST, enterprise_queryset=members)
    if not form.is_valid():
        for error in form.errors.get("enterprises", []) + form.non_field_errors():
            messages.error(request, error)
        return redirect(cluster)
    chosen = list(form.cleaned_data["enterprises"])
    if request.POST.get("step") == "confirm":
        try:
            removed = services.cluster_members_remove(
                cluster=cluster, enterprises=chosen, user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d enterprise removed from %(cluster)s.",
                    "%(count)d enterprises removed from %(cluster)s.",
                    removed,
                )
                % {"count": removed, "cluster": cluster.name},
            )
        return redirect(cluster)
    return render(
        request,
        "clusters/cluster_member_remove.html",
        {"cluster": cluster, "form": form, "chosen": chosen},
    )


# Guidance stations ------------------------------------------------------------------------------


class StationListView(YearListView):
    table_class = StationTable
    filterset_class = StationFilter
    template_name = "clusters/station_list.html"
    selector = staticmethod(selectors.station_list)


station_list = StationListView.as_view()


def _station_pilot_table(request, station, scope, plan_year, *, paginate: bool):
    can_edit = scope.allows_county_write(county_id=station.park.county_id)
    filterset = StationPilotFilter(
        request.GET,
        queryset=selectors.station_pilot_list(station=station, plan_year=plan_year),
        request=request,
    )
    table = StationPilotTable(filterset.qs, scope=scope, show_edit=paginate, next_url=request.path)
    _configure(request, table, paginate=paginate)
    return filterset, table, can_edit


@login_required
@require_GET
def station_detail(request, pk: int):
    scope = scope_for(request.user)
    station = _get_station(scope, pk)
    context = _year_context(request)
    plan_year = context["plan_year"]
    filterset, table, can_edit = _station_pilot_table(
        request, station, scope, plan_year, paginate=True
    )
    context.update(
        station=station,
        filter=filterset,
        table=table,
        can_edit=can_edit,
        figures=selectors.station_figures(station=station, plan_year=plan_year),
        export_query=request.GET.urlencode(),
    )
    return render(request, "clusters/station_detail.html", context)


@login_required
@require_GET
def station_pilot_export(request, pk: int):
    scope = scope_for(request.user)
    station = _get_station(scope, pk)
    plan_year = plan_year_from_param(request.GET.get("year"))
    _filterset, table, _can_edit = _station_pilot_table(
        request, station, scope, plan_year, paginate=False
    )
    year = f" {plan_year.year}" if plan_year else ""
    label = _("pilots")
    return table_xlsx_response(
        table,
        title=_("Pilots"),
        filename=f"{station.name}{year} {label}",
        fallback=f"station-{station.pk}{year.replace(' ', '-')}-pilots",
    )


def _writable_parks(scope: Scope):
    parks = Park.objects.select_related("county").order_by("county__code", "name")
    if scope.county_id is not None:
        parks = parks.filter(county_id=scope.county_id)
    return parks


def _save_station(request, form: StationForm, station: GuidanceStation | None):
    data = form.cleaned_data
    fields = {
        "name": data["name"],
        "park": data["park"],
        "founded_on": data["founded_on"],
        "contact_name": data["contact_name"],
        "contact_phone": data["contact_phone"],
    }
    try:
        if station is None:
            return services.station_create(user=request.user, **fields)
        return services.station_update(station=station, user=request.user, **fields)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
def station_create(request):
    scope = scope_for(request.user)
    if not (scope.can_write and scope.township_id is None):
        raise PermissionDenied
    parks = _writable_parks(scope)
    if request.method == "POST":
        form = StationForm(request.POST, park_queryset=parks)
        if form.is_valid() and (station := _save_station(request, form, None)):
            messages.success(request, _("Guidance station %(name)s founded.") % {"name": station})
            return redirect(station)
    else:
        initial = {}
        park_id = int_param(request.GET.get("park"), minimum=1)
        park = parks.filter(pk=park_id).first() if park_id else None
        if park is not None:
            suffix = _("reform guidance station")
            initial = {"park": park, "name": f"{park.name}{suffix}"}
        form = StationForm(initial=initial, park_queryset=parks)
    return render(request, "clusters/station_form.html", {"form": form, "station": None})


@login_required
def station_edit(request, pk: int):
    scope = scope_for(request.user)
    station = _get_station(scope, pk)
    _require_county_write(scope, station.park.county_id)
    parks = _writable_parks(scope)
    if request.method == "POST":
        form = StationForm(request.POST, instance=station, park_queryset=parks)
        if form.is_valid() and _save_station(request, form, station):
            messages.success(request, _("Guidance station %(name)s saved.") % {"name": station})
            return redirect(station)
        station.refresh_from_db()
    else:
        form = StationForm(instance=station, park_queryset=parks)
    return render(request, "clusters/station_form.html", {"form": form, "station": station})


@login_required
def station_pilot_assign(request, pk: int):
    scope = scope_for(request.user)
    station = _get_station(scope, pk)
    _require_county_write(scope, station.park.county_id)
    plan_year = plan_year_from_param(request.GET.get("year"))
    if plan_year is None:
        messages.error(request, _("No plan year has been set up yet."))
        return redirect(station)
    choices = selectors.station_pilot_choices(station=station, scope=scope, plan_year=plan_year)
    current = list(station.pilots.filter(plan_year=plan_year).values_list("pk", flat=True))
    if request.method == "POST":
        form = StationPilotsForm(request.POST, pilot_queryset=choices)
        if form.is_valid():
            try:
                added, removed = services.station_pilots_set(
                    station=station,
                    plan_year=plan_year,
                    pilots=form.cleaned_data["pilots"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Pilots of %(station)s saved: %(added)d added, %(removed)d removed.")
                    % {"station": station, "added": added, "removed": removed},
                )
                return redirect(station.get_absolute_url() + f"?year={plan_year.year}")
    else:
        form = StationPilotsForm(initial={"pilots": current}, pilot_queryset=choices)
    return render(
        request,
        "clusters/station_pilot_assign.html",
        {"station": station, "form": form, "plan_year": plan_year},
    )


# Parks ----------------------------------------------------------------------------------------


class ParkListView(YearListView):
    table_class = ParkTable
    filterset_class = ParkFilter
    template_name = "clusters/park_list.html"
    selector = staticmethod(selectors.park_list)

    def get_table_kwargs(self):
        return {"scope": self.scope}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parks = self.filterset.queryset  # all parks in scope, before the filters
        context["park_count"] = parks.count()
        context["with_station"] = parks.filter(station_count__gt=0).count()
        return context


park_list = ParkListView.as_view()


@login_required
@require_GET
def park_detail(request, pk: int):
    """A park: what it is, whether it counts as a development zone, its guidance stations, and
    its enterprises and pilots of the plan year inside the user's scope."""
    scope = scope_for(request.user)
    park = get_county_record_in_scope(
        Park.objects.select_related("county"), scope, county=selectors.PARK_COUNTY, pk=pk
    )
    context = _year_context(request)
    plan_year = context["plan_year"]
    filterset = ParkEnterpriseFilter(
        request.GET,
        queryset=selectors.park_enterprise_list(park=park, scope=scope, plan_year=plan_year),
        request=request,
    )
    table = ParkEnterpriseTable(filterset.qs)
    paginate_table(request, table, per_page=PER_PAGE)
    stations = list(park.stations.order_by("name"))
    context.update(
        park=park,
        filter=filterset,
        table=table,
        figures=selectors.park_figures(park=park, scope=scope, plan_year=plan_year),
        stations=stations,
        can_found=not stations
        and park.county_id is not None
        and scope.allows_county_write(county_id=park.county_id),
        area=request.user.region if scope.township_id is not None else None,
        demo_help=Park._meta.get_field("is_demo").help_text,
    )
    return render(request, "clusters/park_detail.html", context)
