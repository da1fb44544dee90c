"""Pages of enterprises and pilots: lists, details, registration, status, history, exports.

Thin views: reads through selectors, writes through services, who-may-what through scopes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from pilots import export_jobs, exports, selectors, services
from pilots.filtersets import EnterpriseFilterSet, PilotFilterSet
from pilots.forms import EnterpriseForm, PilotForm, PilotStatusForm
from pilots.models import Enterprise, Pilot
from pilots.panels import pilot_panels
from pilots.tables import EnterpriseTable, PilotTable
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.industries import MAX_TEXT as INDUSTRY_MAX_TEXT
from reform.industries import IndustryError, Matcher
from reform.models import Region
from reform.paging import BoundedTableMixin, int_param
from reform.scopes import Scope, get_object_in_scope, require_write, scope_for
from reform.selectors import plan_year_current

HISTORY_ON_DETAIL = 5


def _check_texts() -> dict:
    """The words the live checks of the registration form show (static/js/registration.js)."""
    return {
        "existing": _("This credit code is already registered:"),
        "register": _("register a pilot for this enterprise"),
        "outside": _("registered outside your region, in"),
        "similar": _("Enterprises with a similar name:"),
        "industry_none": _("Not in GB/T 4754-2017 as typed; the closest entries:"),
        "industry_kept": _(
            "Nothing close: the text is kept and the enterprise marked unclassified (待归类)."
        ),
    }


def _warn_unclassified(request, form: EnterpriseForm) -> None:
    """The industry typed matched no GB/T 4754-2017 entry: kept, marked 待归类, suggestions."""
    found = form.industry_match
    if found is None or not found.unclassified:
        return
    message = _(
        "No GB/T 4754-2017 entry matches the industry “%(text)s”: it is kept as typed and the "
        "enterprise is marked unclassified (待归类) until an administrator classes it."
    ) % {"text": found.text}
    if found.suggestions:
        message += " " + _("Closest entries: %(entries)s.") % {
            "entries": "、".join(entry.label for entry in found.suggestions)
        }
    messages.warning(request, message)


def _warn_similar(request, form: EnterpriseForm) -> None:
    if form.similar:
        names = "、".join(enterprise.name for enterprise in form.similar)
        messages.warning(
            request,
            _("Saved. Please check that this is not a duplicate of: %(names)s") % {"names": names},
        )


def _enterprise(scope: Scope, pk: int) -> Enterprise:
    return get_object_in_scope(
        selectors.enterprise_list(scope=scope), scope, **selectors.ENTERPRISE_PLACE, pk=pk
    )


def _pilot(scope: Scope, pk: int) -> Pilot:
    return get_object_in_scope(
        selectors.pilot_list(scope=scope).select_related("plan"),
        scope,
        **selectors.PILOT_PLACE,
        pk=pk,
    )


def _require_pilot_write(scope: Scope, tier: str) -> None:
    """Changing a pilot needs write rights and its tier (county officials: not city tier)."""
    require_write(scope)
    if not scope.allows_tier(tier):
        raise PermissionDenied


# Lists and exports ---------------------------------------------------------------------------


class ScopedListView(LoginRequiredMixin, BoundedTableMixin, SingleTableMixin, FilterView):
    per_page = 25
    selector = None

    def get_queryset(self):
        return type(self).selector(scope=scope_for(self.request.user))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["scope"] = scope_for(self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["querystring"] = self.request.GET.urlencode()
        context["can_write"] = scope_for(self.request.user).can_write
        # A long list's export is a background job whose page the link opens (no `download`:
        # the browser would save that page as the file).
        paginator = getattr(context.get("table"), "paginator", None)
        context["export_in_background"] = paginator is not None and (
            export_jobs.runs_in_background(paginator.count)
        )
        context.update(_filtered_batch(self.filterset, scope_for(self.request.user)))
        return context


def _filtered_batch(filterset, scope: Scope) -> dict:
    """The import a list is narrowed to (its `batch` filter): its number, and the batch itself
    when the user may see it."""
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    if data.get("batch") is None:
        return {}
    pk = int(data["batch"])
    return {"batch_pk": pk, "batch": selectors.import_batch_list(scope=scope).filter(pk=pk).first()}


class EnterpriseListView(ScopedListView):
    template_name = "pilots/enterprise_list.html"
    filterset_class = EnterpriseFilterSet
    table_class = EnterpriseTable
    selector = staticmethod(selectors.enterprise_list)


class PilotListView(ScopedListView):
    template_name = "pilots/pilot_list.html"
    filterset_class = PilotFilterSet
    table_class = PilotTable
    selector = staticmethod(selectors.pilot_list)


enterprise_list = EnterpriseListView.as_view()
pilot_list = PilotListView.as_view()


def _export(request, *, kind: str, fmt: str):
    if fmt not in export_jobs.FORMATS:
        raise Http404
    records = export_jobs.list_records(kind=kind, query=request.GET, scope=scope_for(request.user))
    model = Enterprise if kind == "enterprises" else Pilot
    job = export_jobs.job_if_long(
        request, records, kind=export_jobs.EXPORT, model=model, fmt=fmt, params={"kind": kind}
    )
    if job is not None:
        return job
    return exports.export_response(records, kind=kind, fmt=fmt)


@login_required
@require_GET
def enterprise_export(request, fmt: str):
    return _export(request, kind="enterprises", fmt=fmt)


@login_required
@require_GET
def pilot_export(request, fmt: str):
    return _export(request, kind="pilots", fmt=fmt)


# Enterprises ---------------------------------------------------------------------------------


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    scope = scope_for(request.user)
    enterprise = _enterprise(scope, pk)
    pilots = enterprise.pilots.select_related("plan_year").order_by("-plan_year__year")
    current = plan_year_current()
    context = {
        "enterprise": enterprise,
        "pilots": pilots,
        "history": selectors.record_history(enterprise, limit=HISTORY_ON_DETAIL),
        "can_write": scope.allows_write(
            county_id=enterprise.county_id, township_id=enterprise.township_id
        ),
        "can_register_pilot": bool(scope.registrable_tiers)
        and current is not None
        and not any(p.plan_year_id == current.pk for p in pilots),
        "current_year": current,
    }
    return render(request, "pilots/enterprise_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    scope = scope_for(request.user)
    require_write(scope)
    form = EnterpriseForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        enterprise = services.enterprise_create(user=request.user, fields=form.model_fields())
        messages.success(
            request, _("The enterprise %(name)s was registered.") % {"name": enterprise}
        )
        _warn_similar(request, form)
        _warn_unclassified(request, form)
        if scope.registrable_tiers:
            return redirect("pilots:pilot_create", enterprise.pk)
        return redirect(enterprise)
    context = {"form": form, "check_texts": _check_texts()}
    return render(request, "pilots/enterprise_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    scope = scope_for(request.user)
    enterprise = _enterprise(scope, pk)
    require_write(scope)
    form = EnterpriseForm(request.POST or None, instance=enterprise, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(
                enterprise=enterprise,
                version=form.cleaned_data["version"],
                user=request.user,
                fields=form.model_fields(),
            )
        except services.StaleEditError as error:
            messages.error(request, str(error))
            return redirect(enterprise)
        messages.success(request, _("Saved."))
        _warn_similar(request, form)
        _warn_unclassified(request, form)
        return redirect(enterprise)
    context = {"form": form, "enterprise": enterprise, "check_texts": _check_texts()}
    return render(request, "pilots/enterprise_form.html", context)


@login_required
@require_GET
def enterprise_history(request, pk: int):
    enterprise = _enterprise(scope_for(request.user), pk)
    context = {"record": enterprise, "history": selectors.record_history(enterprise)}
    return render(request, "pilots/history.html", context)


@login_required
@require_GET
def enterprise_check(request):
    """As the user types: is the credit code valid and new, and is the name close to another?"""
    scope = scope_for(request.user)
    if not scope.sees_records:
        raise Http404  # reviewers: not even where a code is registered
    exclude_pk = int_param(request.GET.get("exclude"), minimum=1)
    answer: dict = {}
    if "code" in request.GET:
        answer["code"] = _code_answer(scope, request.GET["code"], exclude_pk)
    if "industry" in request.GET:
        answer["industry"] = _industry_answer(request.GET["industry"])
    if "name" in request.GET:
        answer["similar"] = [
            _enterprise_summary(scope, enterprise)
            for enterprise in selectors.enterprises_with_similar_names(
                request.GET["name"], exclude_pk=exclude_pk
            )
        ]
    return JsonResponse(answer)


def _industry_answer(value: str) -> dict:
    """The GB/T 4754-2017 entry the typed industry names (as the form will read it on save),
    or the closest entries to pick from (reference data: nothing of anyone's records)."""
    text = value.strip()[:INDUSTRY_MAX_TEXT]
    if not text:
        return {}
    matcher = Matcher()
    try:
        found = matcher.match(text)
    except IndustryError as error:
        return {"error": str(error)}
    if found.industry_id is not None:
        return {"match": matcher.label(found.industry_id)}
    return {"suggestions": [entry.label for entry in matcher.suggest(text, limit=5)]}


def _code_answer(scope: Scope, value: str, exclude_pk: int | None) -> dict:
    try:
        code = validate_credit_code(value)
    except CreditCodeError as error:
        return {"valid": False, "message": str(error)}
    existing = selectors.enterprise_by_credit_code(code, exclude_pk=exclude_pk)
    answer = {"valid": True, "code": code, "message": _("The credit code is valid.")}
    if existing is not None:
        answer["existing"] = _enterprise_summary(scope, existing)
        answer["message"] = _("This credit code is already registered.")
    return answer


def _enterprise_summary(scope: Scope, enterprise: Enterprise) -> dict:
    """What a user may learn about an enterprise: inside the scope with links, else its county."""
    if not scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id):
        return {"in_scope": False, "county": enterprise.county.name}
    summary = {
        "in_scope": True,
        "name": enterprise.name,
        "county": enterprise.county.name,
        "url": enterprise.get_absolute_url(),
    }
    if scope.registrable_tiers:
        summary["register_url"] = reverse("pilots:pilot_create", args=[enterprise.pk])
    return summary


@login_required
@require_GET
def region_choices(request):
    """The townships and parks of a county inside the user's scope, for narrowing the form."""
    scope = scope_for(request.user)
    county_id = int_param(request.GET.get("county"), minimum=1)
    if county_id is None:
        return JsonResponse({"townships": [], "parks": []})
    # Both reads are scoped: another county's id gives empty lists.
    townships = scope.regions(Region.Level.TOWNSHIP).filter(parent_id=county_id)
    parks = scope.parks().filter(county_id=county_id)
    return JsonResponse(
        {
            "townships": [{"id": r.pk, "name": r.name} for r in townships],
            "parks": [{"id": p.pk, "name": p.name} for p in parks],
        }
    )


# Pilots --------------------------------------------------------------------------------------


@login_required
@require_GET
def pilot_detail(request, pk: int):
    scope = scope_for(request.user)
    pilot = _pilot(scope, pk)
    may_change = scope.allows_pilot_write(
        county_id=pilot.enterprise.county_id,
        township_id=pilot.enterprise.township_id,
        tier=pilot.tier,
    )
    context = {
        "pilot": pilot,
        "history": selectors.record_history(pilot, limit=HISTORY_ON_DETAIL),
        "can_write": may_change,
        # The plan is part of the pilot: the same rights.
        "can_plan": may_change,
        "status_form": PilotStatusForm(initial={"status": pilot.status, "version": pilot.version})
        if may_change and pilot.status != Pilot.Status.DEMONSTRATION
        else None,
        "panels": pilot_panels(pilot, scope),
    }
    return render(request, "pilots/pilot_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_create(request, enterprise_pk: int):
    scope = scope_for(request.user)
    enterprise = _enterprise(scope, enterprise_pk)
    require_write(scope)
    if not scope.registrable_tiers:
        raise PermissionDenied
    form = PilotForm(request.POST or None, scope=scope, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        pilot = services.pilot_create(
            enterprise=enterprise,
            plan_year=form.cleaned_data["plan_year"],
            tier=form.cleaned_data["tier"],
            status=form.cleaned_data["status"],
            own_plan=form.cleaned_data["own_plan"],
            user=request.user,
        )
        messages.success(request, _("The pilot was registered."))
        return redirect(pilot)
    return render(request, "pilots/pilot_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_http_methods(["GET", "POST"])
def pilot_edit(request, pk: int):
    scope = scope_for(request.user)
    pilot = _pilot(scope, pk)
    _require_pilot_write(scope, pilot.tier)
    form = PilotForm(request.POST or None, instance=pilot, scope=scope, enterprise=pilot.enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.pilot_update(
                pilot=pilot,
                version=form.cleaned_data["version"],
                user=request.user,
                fields=form.model_fields(),
            )
        except services.StaleEditError as error:
            messages.error(request, str(error))
            return redirect(pilot)
        messages.success(request, _("Saved."))
        return redirect(pilot)
    context = {"form": form, "enterprise": pilot.enterprise, "pilot": pilot}
    return render(request, "pilots/pilot_form.html", context)


@login_required
@require_POST
def pilot_status(request, pk: int):
    scope = scope_for(request.user)
    pilot = _pilot(scope, pk)
    _require_pilot_write(scope, pilot.tier)
    form = PilotStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(pilot)
    if form.cleaned_data["status"] == pilot.status:
        messages.info(request, _("The status was not changed."))
        return redirect(pilot)
    try:
        services.pilot_set_status(
            pilot=pilot,
            status=form.cleaned_data["status"],
            version=form.cleaned_data["version"],
            user=request.user,
        )
    except (services.StaleEditError, services.NamedStatusError) as error:
        messages.error(request, str(error))
        return redirect(pilot)
    messages.success(
        request, _("The status is now: %(status)s.") % {"status": pilot.get_status_display()}
    )
    return redirect(pilot)


@login_required
@require_GET
def pilot_history(request, pk: int):
    pilot = _pilot(scope_for(request.user), pk)
    context = {"record": pilot, "history": selectors.record_history(pilot)}
    return render(request, "pilots/history.html", context)
