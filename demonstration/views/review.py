"""Review: appointing and assigning reviewers, the review's progress, the ranking and its
export (city staff, administrators, leaders), and the reviewers' own queue and score sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from demonstration import selectors, services
from demonstration.filtersets import RankingFilter
from demonstration.forms import AssignmentAddForm, ReviewersForm, ScoreForm
from demonstration.models import Application, Assignment, RoundReviewer
from demonstration.ranking import reviewer_labels, round_ranking
from demonstration.rubric import points_text
from demonstration.tables import RankingTable, score_text
from demonstration.views.common import (
    get_round,
    require_city,
    require_city_reader,
    round_context,
    scope_of,
    show_errors,
)
from pilots import writers
from pilots.exports import Column, xlsx_bytes
from reform.models import User
from reform.scopes import scope_for


@login_required
@require_http_methods(["GET", "POST"])
def round_reviewers(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    current = list(
        RoundReviewer.objects.filter(round=round).select_related("reviewer__region").order_by("pk")
    )
    form = ReviewersForm(
        request.POST or None, initial={"reviewers": [a.reviewer_id for a in current]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reviewers_set(
                round=round, reviewers=list(form.cleaned_data["reviewers"]), user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The round's reviewers were saved."))
            return redirect("demonstration:review_progress", round.pk)
    context = round_context(round, scope, active="review")
    context.update(form=form, current=current)
    return render(request, "demonstration/reviewers.html", context)


@login_required
@require_POST
def assignment_auto(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    try:
        added = services.assignments_auto(round=round, user=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            ngettext("%(count)d assignment added.", "%(count)d assignments added.", added)
            % {"count": added},
        )
    return redirect("demonstration:review_progress", round.pk)


@login_required
@require_POST
def assignment_add(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    form = _add_form(round, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an application and a reviewer."))
    else:
        try:
            services.assignment_add(
                application=form.cleaned_data["application"],
                reviewer=form.cleaned_data["reviewer"],
                user=request.user,
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("The reviewer was assigned."))
    return redirect("demonstration:review_progress", round.pk)


@login_required
@require_POST
def assignment_remove(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    assignment = Assignment.objects.select_related("application__round").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    try:
        services.assignment_remove(assignment=assignment, user=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The assignment was removed."))
    return redirect("demonstration:review_progress", assignment.application.round_id)


def _add_form(round, data=None) -> AssignmentAddForm:
    return AssignmentAddForm(
        data,
        applications=Application.objects.filter(
            round=round, status=Application.Status.RECOMMENDED
        ).select_related("pilot__enterprise__county"),
        reviewers=User.objects.filter(appointments__round=round).order_by("username"),
    )


@login_required
@require_GET
def review_progress(request, pk: int):
    """Who reviews what and how far they are; the totals of submitted sheets."""
    scope = scope_of(request)
    require_city_reader(scope)
    round = get_round(pk)
    rows = round_ranking(round, scope)
    rows.sort(key=lambda r: (r.county.code, r.application.recommendation_order or 0))
    labels = reviewer_labels(round, scope)
    loads = {reviewer_id: [0, 0] for reviewer_id in labels}
    for row in rows:
        for item in row.reviewers:
            if item.reviewer_id in loads:
                loads[item.reviewer_id][0] += 1
                loads[item.reviewer_id][1] += item.total is not None
    context = round_context(round, scope, active="review")
    context.update(
        rows=rows,
        loads=[(labels[r], assigned, done) for r, (assigned, done) in loads.items()],
        add_form=_add_form(round) if scope.runs_city_work else None,
        points_text=points_text,
    )
    return render(request, "demonstration/review_progress.html", context)


def _ranking(request, round, scope):
    rows = round_ranking(round, scope)
    filterset = RankingFilter(
        request.GET,
        queryset=Application.objects.filter(round=round, status=Application.Status.RECOMMENDED),
    )
    if (
        filterset.is_bound
        and filterset.form.is_valid()
        and any(filterset.form.cleaned_data.values())
    ):
        wanted = set(filterset.qs.values_list("pk", flat=True))
        rows = [r for r in rows if r.application.pk in wanted]
    return filterset, rows


@login_required
@require_GET
def ranking(request, pk: int):
    scope = scope_of(request)
    require_city_reader(scope)
    round = get_round(pk)
    filterset, rows = _ranking(request, round, scope)
    dimensions = selectors.rubric(round)
    table = RankingTable(rows, dimensions=dimensions)
    RequestConfig(request, paginate=False).configure(table)
    context = round_context(round, scope, active="ranking")
    context.update(filter=filterset, table=table, query=request.GET.urlencode())
    return render(request, "demonstration/ranking.html", context)


@login_required
@require_GET
def ranking_export(request, pk: int):
    """The ranking as .xlsx through the project's safe writer: one column per reviewer."""
    scope = scope_of(request)
    require_city_reader(scope)
    round = get_round(pk)
    _filterset, rows = _ranking(request, round, scope)
    labels = reviewer_labels(round, scope)

    def total_of(reviewer_id):
        def value(row):
            for item in row.reviewers:
                if item.reviewer_id == reviewer_id and item.total is not None:
                    return float(item.total)
            return ""

        return value

    columns = [
        Column(_("Rank"), lambda r: r.rank if r.rank is not None else ""),
        Column(_("Enterprise"), lambda r: r.application.pilot.enterprise.name),
        Column(_("County-level unit"), lambda r: r.county.name),
        Column(_("Tier"), lambda r: r.application.pilot.get_tier_display()),
        *[Column(label, total_of(reviewer_id)) for reviewer_id, label in labels.items()],
        *[
            Column(
                d.name,
                lambda r, key=str(d.pk): (
                    float(r.dimension_means[key]) if r.dimension_means.get(key) is not None else ""
                ),
            )
            for d in selectors.rubric(round)
        ],
        Column(_("Reviews submitted"), lambda r: f"{r.submitted}/{r.assigned}"),
        Column(_("Final score"), lambda r: float(r.final) if r.final is not None else ""),
    ]
    data = xlsx_bytes(rows, columns, title=str(_("Ranking")))
    year = round.plan_year.year
    return writers.xlsx_response(
        data,
        filename=_("%(year)s demonstration selection ranking.xlsx") % {"year": year},
        fallback=f"ranking-{year}.xlsx",
    )


# The reviewer's own pages ----------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    scope = scope_for(request.user)
    if not scope.is_reviewer:
        raise Http404
    assignments = list(selectors.review_queue(scope=scope))
    indicator_counts = selectors.indicator_counts({a.application.round_id for a in assignments})
    return render(
        request,
        "demonstration/review_queue.html",
        {"assignments": assignments, "indicator_counts": indicator_counts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_score(request, pk: int):
    scope = scope_for(request.user)
    assignment = selectors.assignment_for_reviewer(scope=scope, pk=pk)
    if assignment is None:
        raise Http404
    application = assignment.application
    round = application.round
    phases = services.phases_of(round)
    action = "submit" if "submit" in request.POST else "score"
    problem = services.move_problem(
        Assignment.MOVES["score"],
        state=assignment.status,
        state_label=assignment.get_status_display(),
        phases=phases,
    )
    rubric = selectors.rubric(round)
    indicators = [i for d in rubric for i in d.indicators.all()]
    scores = {s.indicator_id: s.points for s in assignment.scores.all()}
    form = ScoreForm(
        request.POST or None,
        indicators=indicators,
        scores=scores,
        disabled=problem is not None,
        initial={"comment": assignment.comment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                assignment=assignment,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                submit=action == "submit",
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if action == "submit":
                messages.success(request, _("Your scores were submitted. Thank you."))
                return redirect("demonstration:review_queue")
            messages.success(request, _("Your scores were saved; submit them when you are done."))
            return redirect("demonstration:review_score", assignment.pk)
    blocks = [
        {
            "dimension": d,
            "fields": [(i, form.field_for(i)) for i in d.indicators.all()],
        }
        for d in rubric
    ]
    total = sum(scores.values()) if scores else None
    context = {
        "assignment": assignment,
        "application": application,
        "round": round,
        "sections": selectors.application_sections(application),
        "form": form,
        "blocks": blocks,
        "problem": problem,
        "total": points_text(total) if total is not None else "",
        "max_total": points_text(sum((d.max_points for d in rubric), 0)),
        "score_text": score_text,
    }
    return render(request, "demonstration/review_score.html", context)
