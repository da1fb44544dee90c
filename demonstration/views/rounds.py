"""Rounds: the list, a round's page, creating and editing it, its phases, quotas and rubric."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from demonstration import selectors, services
from demonstration.forms import PhaseExtendForm, QuotaForm, RoundForm, RubricEditor
from demonstration.models import PHASES, Phase, RoundPhase
from demonstration.rubric import points_text
from demonstration.selectors import Progress
from demonstration.tables import RoundTable
from demonstration.views.common import (
    get_round,
    require_city,
    round_context,
    scope_of,
    show_errors,
)
from reform.paging import paginate_table


@login_required
@require_GET
def round_list(request):
    scope = scope_of(request)
    table = RoundTable(selectors.round_list(scope=scope))
    paginate_table(request, table, per_page=25)
    return render(
        request, "demonstration/round_list.html", {"table": table, "runs": scope.runs_city_work}
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    scope = scope_of(request)
    require_city(scope)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(
                plan_year=form.cleaned_data["plan_year"],
                fields=form.round_fields(),
                phase_days=form.phase_days(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The round was created with the proposed rubric (4 × 25 points): adapt it "
                    "before the review starts."
                ),
            )
            return redirect(round)
    return render(request, "demonstration/round_form.html", {"form": form, "round": None})


def phase_rows(round, scope) -> list[dict]:
    """The phases in order, with their state now and what city staff may do with them."""
    now = timezone.now()
    rows = []
    phases = services.phases_of(round)
    for index, name in enumerate(PHASES):
        phase = phases[name]
        state = phase.state(now)
        following = phases[PHASES[index + 1]] if index + 1 < len(PHASES) else None
        rows.append(
            {
                "phase": phase,
                "state": state,
                "can_close": scope.runs_city_work and state == RoundPhase.State.OPEN,
                "can_extend": scope.runs_city_work
                and (following is None or following.state(now) == RoundPhase.State.UPCOMING),
            }
        )
    return rows


@login_required
@require_GET
def round_detail(request, pk: int):
    scope = scope_of(request)
    round = get_round(pk)
    context = round_context(round, scope, active="round")
    rubric = selectors.rubric(round)
    context.update(
        phase_rows=phase_rows(round, scope),
        progress=Progress.of(round),
        rubric=rubric,
        rubric_total=points_text(sum((d.max_points for d in rubric), 0)),
        units=selectors.recommendation_units(scope=scope, round=round),
        may_apply=bool(scope.registrable_tiers),
        extend_form=PhaseExtendForm(),
        history=_phase_history(round),
    )
    return render(request, "demonstration/round_detail.html", context)


def _phase_history(round, limit: int = 8) -> list:
    """The latest changes of the phases' dates: who closed or extended what, and when."""
    history = RoundPhase.history.filter(round_id=round.pk, history_type="~")
    return list(history.select_related("history_user").order_by("-history_date")[:limit])


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    phases = [services.phases_of(round)[p] for p in PHASES]
    form = RoundForm(request.POST or None, instance=round, phases=phases)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                round=round,
                fields=form.round_fields(),
                phase_days=form.phase_days(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(round)
    return render(request, "demonstration/round_form.html", {"form": form, "round": round})


@login_required
@require_POST
def round_phase(request, pk: int, phase: str):
    """Close a phase now, or extend it to a later last day."""
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    if phase not in Phase.values:
        raise Http404
    label = Phase(phase).label
    try:
        if request.POST.get("action") == "close":
            services.round_phase_close(round=round, phase=phase, user=request.user)
            messages.success(request, _("The %(phase)s phase is closed.") % {"phase": label})
        else:
            form = PhaseExtendForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose the new last day of the phase."))
                return redirect(round)
            services.round_phase_extend(
                round=round, phase=phase, last_day=form.cleaned_data["last_day"], user=request.user
            )
            messages.success(request, _("The %(phase)s phase was extended.") % {"phase": label})
    except ValidationError as error:
        show_errors(request, error)
    return redirect(round)


@login_required
@require_http_methods(["GET", "POST"])
def round_quotas(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    rows = selectors.quota_rows(round)
    form = QuotaForm(request.POST or None, rows=rows, default=round.default_quota)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_quotas_set(round=round, quotas=form.quotas(), user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The quotas were saved."))
            return redirect(round)
    context = round_context(round, scope, active="round")
    context["form"] = form
    return render(request, "demonstration/round_quotas.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    rubric = selectors.rubric(round)
    if request.method == "POST":
        editor = RubricEditor(data=request.POST)
        known = {d.pk: {i.pk for i in d.indicators.all()} for d in rubric}
        dimensions = editor.dimensions(known)
        if dimensions is not None:
            try:
                services.rubric_save(round=round, dimensions=dimensions, user=request.user)
            except ValidationError as error:
                editor.errors.extend(error.messages)
            else:
                messages.success(request, _("The rubric was saved and adopted for this round."))
                return redirect(round)
    else:
        editor = RubricEditor(rubric=rubric)
    context = round_context(round, scope, active="round")
    review = services.phases_of(round)[Phase.REVIEW]
    context.update(
        editor=editor,
        rows=list(zip(editor.rows, editor.totals, strict=True)),
        grand_total=editor.grand_total(),
        locked=review.state(timezone.now()) != RoundPhase.State.UPCOMING,
        points_text=points_text,
    )
    return render(request, "demonstration/rubric_form.html", context)
