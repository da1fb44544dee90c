"""Pages of media reports and of the columns and programmes they belong to.

Reports are public coverage: every signed-in user reads them (they carry no contact data).
Staff record them inside their area: city staff and administrators anywhere, county and
township officials about pilots (and cases) of their own area; leaders read. Columns and
programmes are kept by the city or by a county-level unit (not by townships).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from pilots.export_jobs import job_if_long
from pilots.models import Pilot
from promotion import selectors, services
from promotion.exports import EXPORT as REPORT_EXPORT
from promotion.exports import EXPORT_WEIGHT as REPORT_EXPORT_WEIGHT
from promotion.exports import report_export_response, report_records
from promotion.filtersets import ReportFilter
from promotion.forms import ProgrammeForm, ReportForm
from promotion.history import LinkHistory, names_by_id, timeline
from promotion.models import Case, MediaReport, Programme, ReportCase, ReportPilot, case_may_read
from promotion.tables import ProgrammeTable, ReportTable
from reform.paging import BoundedTableMixin
from reform.scopes import Scope, require_write, scope_for


def _report(scope: Scope, pk: int) -> MediaReport:
    """A report the user may read: any, but reviewers none (404)."""
    reports = MediaReport.objects if scope.sees_records else MediaReport.objects.none()
    report = (
        reports.select_related("programme", "county", "township", "recorded_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _report_to_change(scope: Scope, pk: int) -> MediaReport:
    """A report the user may change: 404 outside their area, 403 for readers (leaders)."""
    report = _report(scope, pk)
    if not scope.allows(county_id=report.county_id, township_id=report.township_id):
        raise Http404
    require_write(scope)
    return report


# Reports ---------------------------------------------------------------------------------------


class ReportListView(LoginRequiredMixin, BoundedTableMixin, SingleTableMixin, FilterView):
    template_name = "promotion/report_list.html"
    table_class = ReportTable
    filterset_class = ReportFilter
    per_page = 25

    def get_queryset(self):
        return selectors.report_list(scope=scope_for(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = scope_for(self.request.user).can_write
        context["querystring"] = self.request.GET.urlencode()
        return context


report_list = ReportListView.as_view()


@login_required
@require_GET
def report_export(request):
    """The filtered list as .xlsx, in the page's order (same filterset, same table); a long one
    is written by a background job (its page shows the progress, then the file)."""
    scope = scope_for(request.user)
    reports = report_records(request.GET, scope)
    job = job_if_long(
        request, reports, kind=REPORT_EXPORT, model=MediaReport, weight=REPORT_EXPORT_WEIGHT
    )
    if job is not None:
        return job
    return report_export_response(reports, scope=scope)


@login_required
@require_GET
def report_detail(request, pk: int):
    scope = scope_for(request.user)
    report = _report(scope, pk)
    pilots = list(
        report.pilots.select_related("enterprise__county", "plan_year").order_by("enterprise__name")
    )
    cases = [
        case
        for case in report.cases.select_related("plan_year").order_by("title")
        if case_may_read(case, scope)
    ]
    context = {
        "report": report,
        "pilots": pilots,
        "linked_pilots": {
            p.pk
            for p in pilots
            if scope.allows(county_id=p.enterprise.county_id, township_id=p.enterprise.township_id)
        },
        "cases": cases,
        "can_edit": scope.allows_write(county_id=report.county_id, township_id=report.township_id),
        "in_scope": scope.allows(county_id=report.county_id, township_id=report.township_id),
    }
    return render(request, "promotion/report_detail.html", context)


def _report_saved(request, form: ReportForm, report: MediaReport | None) -> MediaReport | None:
    data = form.cleaned_data
    arguments = {
        "user": request.user,
        "fields": data,
        "pilots": list(data["pilots"]),
        "cases": list(data["cases"]),
    }
    try:
        if report is None:
            return services.report_create(**arguments)
        return services.report_update(report=report, version=data["version"] or 0, **arguments)
    except services.StaleEditError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    scope = scope_for(request.user)
    require_write(scope)
    initial = {}
    case_pk = request.GET.get("case", "")
    if case_pk.isdigit() and selectors.cases_for_reports(scope=scope).filter(pk=case_pk).exists():
        initial["cases"] = [int(case_pk)]
    form = ReportForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = _report_saved(request, form, None)
        if report is not None:
            messages.success(request, _("The media report was recorded."))
            return redirect(report)
    return render(request, "promotion/report_form.html", {"form": form, "report": None})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    scope = scope_for(request.user)
    report = _report_to_change(scope, pk)
    form = ReportForm(request.POST or None, instance=report, scope=scope)
    if request.method == "POST" and form.is_valid():
        saved = _report_saved(request, form, report)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "promotion/report_form.html", {"form": form, "report": report})


@login_required
@require_GET
def report_history(request, pk: int):
    scope = scope_for(request.user)
    report = _report(scope, pk)
    if not scope.allows(county_id=report.county_id, township_id=report.township_id):
        raise Http404
    entries = timeline(
        report,
        links=[
            LinkHistory(
                label=_("pilots covered"),
                rows=ReportPilot.history.filter(report_id=report.pk),
                name=names_by_id(
                    Pilot, "pilot_id", lambda p: p.enterprise.name, related=("enterprise",)
                ),
            ),
            LinkHistory(
                label=_("cases covered"),
                rows=ReportCase.history.filter(report_id=report.pk),
                name=names_by_id(Case, "case_id", lambda c: c.title),
            ),
        ],
    )
    return render(request, "pilots/history.html", {"record": report, "history": entries})


# Columns and programmes ------------------------------------------------------------------------


def _may_keep_programmes(scope: Scope) -> bool:
    return scope.allows_county_write(county_id=scope.county_id)


class ProgrammeListView(LoginRequiredMixin, BoundedTableMixin, SingleTableView):
    template_name = "promotion/programme_list.html"
    table_class = ProgrammeTable
    per_page = 25

    def get_queryset(self):
        return selectors.programme_list(scope=scope_for(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = _may_keep_programmes(scope_for(self.request.user))
        return context


programme_list = ProgrammeListView.as_view()


@login_required
@require_GET
def programme_detail(request, pk: int):
    scope = scope_for(request.user)
    programme = selectors.programme_list(scope=scope).filter(pk=pk).first()
    if programme is None:
        raise Http404
    context = {
        "programme": programme,
        "reports": list(programme.reports.order_by("-published_on", "-pk")),
        "can_edit": scope.allows_county_write(county_id=programme.county_id),
    }
    return render(request, "promotion/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    scope = scope_for(request.user)
    require_write(scope)
    if not _may_keep_programmes(scope):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(user=request.user, fields=form.cleaned_data)
        messages.success(request, _("The column or programme was recorded."))
        return redirect(programme)
    return render(request, "promotion/programme_form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    scope = scope_for(request.user)
    programme = Programme.objects.filter(pk=pk).first()
    if programme is None:
        raise Http404
    require_write(scope)
    if not scope.allows_county_write(county_id=programme.county_id):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.programme_update(programme=programme, user=request.user, fields=form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(programme)
    return render(request, "promotion/programme_form.html", {"form": form, "programme": programme})
