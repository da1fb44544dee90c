"""Applications: the round's list, opening one, its page and form, evidence files, and the
units' recommendation pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from demonstration import selectors, services
from demonstration.filtersets import ApplicationFilter
from demonstration.forms import ApplicationForm, ApplicationOpenForm, RecommendationForm
from demonstration.models import Application, Evidence, Phase, RoundPhase
from demonstration.tables import ApplicationTable
from demonstration.views.common import get_round, round_context, scope_of, show_errors
from reform.files import attachment_response
from reform.paging import paginate_table
from reform.scopes import scope_for

PER_PAGE = 50


@login_required
@require_GET
def application_list(request, pk: int):
    scope = scope_of(request)
    round = get_round(pk)
    filterset = ApplicationFilter(
        request.GET, queryset=selectors.application_list(scope=scope, round=round), scope=scope
    )
    table = ApplicationTable(filterset.qs)
    paginate_table(request, table, per_page=PER_PAGE)
    context = round_context(round, scope, active="applications")
    context.update(filter=filterset, table=table, may_apply=bool(scope.registrable_tiers))
    return render(request, "demonstration/application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request, pk: int):
    scope = scope_of(request)
    if not scope.registrable_tiers:
        raise PermissionDenied
    round = get_round(pk)
    pilots = list(selectors.eligible_pilots(scope=scope, round=round))
    initial = {"pilot": request.GET.get("pilot")} if request.GET.get("pilot", "").isdigit() else {}
    form = ApplicationOpenForm(
        request.POST or None,
        pilots=selectors.area_pilots(scope=scope, round=round),
        eligible=pilots,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_open(
                round=round, pilot=form.cleaned_data["pilot"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The application was opened: fill in every dimension."))
            return redirect("demonstration:application_edit", application.pk)
    problem = services.move_problem(
        Application.MOVES["open"], state=None, phases=services.phases_of(round)
    )
    context = round_context(round, scope, active="applications")
    context.update(form=form, problem=problem, has_pilots=bool(pilots))
    return render(request, "demonstration/application_open.html", context)


def _application(request, pk: int):
    scope = scope_of(request)
    application = selectors.application_for_page(scope=scope, pk=pk)
    if application is None:
        raise Http404
    return scope, application


@login_required
@require_GET
def application_detail(request, pk: int):
    scope, application = _application(request, pk)
    phases = services.phases_of(application.round)
    may_write = services.may_write_application(request.user, application.pilot)

    def allowed(action: str) -> bool:
        return may_write and services.move_allowed(
            Application.MOVES[action], state=application.status, phases=phases
        )

    context = round_context(application.round, scope, active="applications")
    context.update(
        application=application,
        sections=selectors.application_sections(application),
        can_edit=allowed("edit"),
        can_submit=allowed("submit"),
        can_reopen=allowed("reopen"),
        not_submitted_in_time=application.status == Application.Status.DRAFT
        and phases[Phase.APPLICATION].state(timezone.now()) == RoundPhase.State.CLOSED,
        history=application.history.select_related("history_user").order_by("-history_date")[:6],
    )
    return render(request, "demonstration/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk: int):
    scope, application = _application(request, pk)
    if not services.may_write_application(request.user, application.pilot):
        raise PermissionDenied
    problem = services.move_problem(
        Application.MOVES["edit"],
        state=application.status,
        state_label=application.get_status_display(),
        phases=services.phases_of(application.round),
    )
    if problem:
        messages.error(request, problem)
        return redirect(application)
    sections = selectors.application_sections(application)
    form = ApplicationForm(request.POST or None, request.FILES or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_save(
                application=application,
                texts=form.texts(),
                new_files=form.new_files(),
                removed_files=form.removed_files(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "submit" not in request.POST:
                messages.success(request, _("Saved as a draft."))
                return redirect(application)
            # What was typed is saved first; a refused submission keeps it as a draft.
            try:
                services.application_submit(application=application, user=request.user)
            except ValidationError as error:
                show_errors(request, error)
                messages.info(request, _("Your text and files were saved as a draft."))
                return redirect("demonstration:application_edit", application.pk)
            messages.success(request, _("The application was submitted."))
            return redirect(application)
    context = round_context(application.round, scope, active="applications")
    context.update(application=application, form=form)
    return render(request, "demonstration/application_form.html", context)


def _transition(request, pk: int, service, done: str):
    _scope, application = _application(request, pk)
    if not services.may_write_application(request.user, application.pilot):
        raise PermissionDenied
    try:
        service(application=application, user=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return redirect(application)


@login_required
@require_POST
def application_submit(request, pk: int):
    return _transition(
        request, pk, services.application_submit, _("The application was submitted.")
    )


@login_required
@require_POST
def application_reopen(request, pk: int):
    return _transition(
        request, pk, services.application_reopen, _("The application is a draft again.")
    )


@login_required
@require_GET
def evidence_download(request, pk: int):
    """An evidence file, for those who see its application or were assigned to review it."""
    evidence = (
        Evidence.objects.select_related("section__application__pilot__enterprise")
        .filter(pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    application = evidence.section.application
    scope = scope_for(request.user)
    if scope.is_reviewer:
        assigned = scope.filter_assigned(application.assignments.all(), reviewer="reviewer")
        if not assigned.exists():
            raise Http404
    else:
        enterprise = application.pilot.enterprise
        if not scope.allows(county_id=enterprise.county_id, township_id=enterprise.township_id):
            raise Http404
    return attachment_response(evidence, inline=request.GET.get("inline") == "1")


# Recommendation ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk: int, unit: str):
    scope = scope_of(request)
    round = get_round(pk)
    try:
        county = selectors.unit_region(unit)
    except LookupError:
        raise Http404 from None
    county_id = county.pk if county else None
    if not scope.reads_unit(county_id=county_id):
        raise Http404
    may_write = scope.allows_recommending(county_id=county_id)
    if request.method == "POST" and not may_write:
        raise PermissionDenied
    applications = list(
        services.unit_applications(round, county)
        .select_related("pilot__enterprise__county", "pilot__enterprise__township")
        .order_by("recommendation_order", "pilot__enterprise__name")
    )
    form = RecommendationForm(request.POST or None, applications=applications)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.recommendation_save(
                round=round, county=county, decisions=form.decisions(), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Saved: %(count)s applications recommended.") % {"count": count}
            )
            return redirect("demonstration:recommendation_edit", round.pk, unit)
    phases = services.phases_of(round)
    problem = services.move_problem(
        Application.MOVES["recommend"], state=Application.Status.SUBMITTED, phases=phases
    )
    drafts = Application.objects.filter(round=round, status=Application.Status.DRAFT)
    drafts = (
        drafts.filter(pilot__tier="city")
        if county is None
        else drafts.filter(pilot__enterprise__county=county).exclude(pilot__tier="city")
    )
    context = round_context(round, scope, active="recommendation")
    context.update(
        unit=unit,
        unit_name=county.name if county else _("City-tier pilots"),
        quota=services.quota_for(round, county_id),
        form=form,
        may_write=may_write and problem is None,
        problem=problem,
        drafts=drafts.count(),
        chosen=sum(a.status == Application.Status.RECOMMENDED for a in applications),
        units=selectors.recommendation_units(scope=scope, round=round),
    )
    return render(request, "demonstration/recommendation.html", context)
