"""Pages of pairings (结对共建): the list and its download, a pairing with its activities, the
forms, and "who is still alone" with suggested leads.

Who: pairings are read inside the area of their partners (city staff, administrators and
leaders read all) and written by the writers of that area; reviewers see none (empty list,
404 on every pairing). The lead may lie outside the area: it is shown by name only, linked to
its pages only where the user's scope holds it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from demonstration import services
from demonstration.models import ActivityAttachment, Pairing
from demonstration.pairings import selectors
from demonstration.pairings.exports import EXPORT as PAIRING_EXPORT
from demonstration.pairings.exports import EXPORT_WEIGHT as PAIRING_EXPORT_WEIGHT
from demonstration.pairings.exports import pairing_export_response, pairing_records
from demonstration.pairings.filtersets import PairingFilter
from demonstration.pairings.forms import ActivityForm, PairingEndForm, PairingForm
from demonstration.pairings.suggestions import alone_pilots, with_suggestions
from demonstration.pairings.tables import PairingTable, mix_badge, status_badge
from pilots.export_jobs import job_if_long
from reform.files import attachment_response
from reform.paging import BoundedTableMixin, int_param, paginate
from reform.scopes import Scope, require_write, scope_for
from reform.selectors import plan_year_current, plan_year_from_param


def _pairing(scope: Scope, pk: int) -> Pairing:
    """A pairing the user may read, with its list annotations; 404 otherwise."""
    pairing = selectors.pairing_detail(scope=scope, pk=pk)
    if pairing is None:
        raise Http404
    return pairing


def _pairing_to_change(request, pk: int) -> tuple[Pairing, Scope]:
    """404 outside the area, 403 for readers (leaders)."""
    scope = scope_for(request.user)
    pairing = _pairing(scope, pk)
    require_write(scope)
    if not services.may_write_pairing(pairing, scope):
        raise PermissionDenied
    return pairing, scope


def _in_scope(scope: Scope, enterprise) -> bool:
    return scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id)


# The list ---------------------------------------------------------------------------------------


class PairingListView(LoginRequiredMixin, BoundedTableMixin, SingleTableMixin, FilterView):
    template_name = "demonstration/pairing_list.html"
    table_class = PairingTable
    filterset_class = PairingFilter
    per_page = 25

    def get_queryset(self):
        self.scope = scope_for(self.request.user)
        return selectors.pairing_list(scope=self.scope)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["scope"] = self.scope
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.scope.can_write
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


pairing_list = PairingListView.as_view()


@login_required
@require_GET
def pairing_export(request):
    """The filtered list as .xlsx, in the page's order (same filterset, same table); a long one
    is written by a background job (its page shows the progress, then the file)."""
    pairings = pairing_records(request.GET, scope_for(request.user))
    job = job_if_long(
        request, pairings, kind=PAIRING_EXPORT, model=Pairing, weight=PAIRING_EXPORT_WEIGHT
    )
    if job is not None:
        return job
    return pairing_export_response(pairings)


# One pairing ------------------------------------------------------------------------------------


@login_required
@require_GET
def pairing_detail(request, pk: int):
    scope = scope_for(request.user)
    pairing = _pairing(scope, pk)
    activities = selectors.pairing_activities(pairing)
    partners = list(pairing.partners.all())
    context = {
        "pairing": pairing,
        "partners": partners,
        "linked_partners": {p.pk for p in partners if _in_scope(scope, p.enterprise)},
        # The lead may lie outside the area: then it is shown by name only.
        "lead_in_scope": _in_scope(scope, pairing.lead),
        "activities": activities,
        "status_badge": status_badge(pairing),
        "mix_badge": mix_badge(pairing),
        "can_write": pairing.is_active and services.may_write_pairing(pairing, scope),
        "can_record": services.may_write_pairing(pairing, scope),
        "history": selectors.pairing_history(pairing, limit=6),
    }
    return render(request, "demonstration/pairing_detail.html", context)


def _prefill(request, scope: Scope) -> dict:
    """The form's values from a suggestion's link (?kind=…&lead=…&partners=…&plan_year=…)."""
    initial = {}
    kind = request.GET.get("kind")
    if kind in Pairing.Kind.values:
        initial["kind"] = kind
    lead = int_param(request.GET.get("lead"), minimum=1)
    if lead is not None:
        initial["lead"] = lead
    partners = [int_param(value, minimum=1) for value in request.GET.getlist("partners")]
    partners = [pk for pk in partners if pk is not None]
    if partners:
        chosen = selectors.pilots_for_partnering(scope=scope).filter(pk__in=partners)
        if found := list(chosen.values_list("pk", flat=True)):
            initial["partners"] = found
    year = int_param(request.GET.get("plan_year"), minimum=1, maximum=9999)
    if year is not None:
        initial["plan_year"] = year
    return initial


def _form_page(request, form, template: str, **context):
    return render(request, template, {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create(request):
    scope = scope_for(request.user)
    require_write(scope)
    form = PairingForm(request.POST or None, scope=scope, initial=_prefill(request, scope))
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_create(user=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The pairing was created."))
            return redirect(pairing)
    return _form_page(request, form, "demonstration/pairing_form.html", pairing=None)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_edit(request, pk: int):
    pairing, scope = _pairing_to_change(request, pk)
    if not pairing.is_active:
        messages.error(request, _("This pairing has ended: it can no longer be changed."))
        return redirect(pairing)
    form = PairingForm(request.POST or None, instance=pairing, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.pairing_update(
                pairing=pairing, user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(pairing)
    return _form_page(request, form, "demonstration/pairing_form.html", pairing=pairing)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end(request, pk: int):
    pairing, _scope = _pairing_to_change(request, pk)
    if not pairing.is_active:
        messages.error(request, _("This pairing has already ended."))
        return redirect(pairing)
    form = PairingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_end(
                pairing=pairing,
                user=request.user,
                ends_on=form.cleaned_data["ends_on"],
                closing_summary=form.cleaned_data["closing_summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The pairing has ended."))
            return redirect(pairing)
    return _form_page(request, form, "demonstration/pairing_end.html", pairing=pairing)


@login_required
@require_GET
def pairing_history(request, pk: int):
    pairing = _pairing(scope_for(request.user), pk)
    return render(
        request,
        "pilots/history.html",
        {"record": pairing, "history": selectors.pairing_history(pairing)},
    )


# Activities -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, pk: int):
    pairing, _scope = _pairing_to_change(request, pk)
    form = ActivityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_record(
                pairing=pairing,
                user=request.user,
                held_on=data["held_on"],
                kind=data["kind"],
                participants=data["participants"],
                summary=data["summary"],
                files=[*data["photos"], *data["files"]],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect(pairing)
    if request.method == "POST" and not form.is_valid() and request.FILES:
        messages.warning(
            request, _("Please choose the photos and files again: a browser does not keep them.")
        )
    return _form_page(request, form, "demonstration/activity_form.html", pairing=pairing)


def _attachment(request, pk: int, file_pk: int) -> ActivityAttachment:
    pairing = _pairing(scope_for(request.user), pk)
    attachment = ActivityAttachment.objects.filter(activity__pairing=pairing, pk=file_pk).first()
    if attachment is None:
        raise Http404
    return attachment


@login_required
@require_GET
def activity_attachment(request, pk: int, file_pk: int):
    attachment = _attachment(request, pk, file_pk)
    return attachment_response(attachment, inline=request.GET.get("download") != "1")


@login_required
@require_GET
def activity_thumbnail(request, pk: int, file_pk: int):
    attachment = _attachment(request, pk, file_pk)
    if not attachment.thumbnail:
        raise Http404
    # The same safe headers as reform.files.attachment_response, for the small JPEG.
    response = FileResponse(attachment.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Who is still alone ----------------------------------------------------------------------------


@login_required
@require_GET
def pairing_alone(request):
    """Small pilots without an active pairing, each with its suggested leads and the reason."""
    scope = scope_for(request.user)
    plan_year = plan_year_from_param(request.GET.get("year")) or plan_year_current()
    pilots = alone_pilots(scope=scope, plan_year=plan_year) if plan_year else None
    page = paginate(request, pilots if pilots is not None else [], per_page=20)
    context = {
        "plan_year": plan_year,
        "page": page,
        "rows": with_suggestions(list(page.object_list)) if page.object_list else [],
        "can_write": scope.can_write,
    }
    return render(request, "demonstration/pairing_alone.html", context)
