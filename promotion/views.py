"""Pages of cases: the work list, writing and editing, the moves, the library and the collection.

Who may do what: a case's writers are the county and township officials (and city staff) whose
area holds it; the city moves it on (promotion.models.CASE_TRANSITIONS). Drafts and submitted
cases are read inside their area (city staff, administrators and leaders read all); published
cases are the library, read by every signed-in user. Anything else answers 404.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from pilots.models import Pilot
from promotion import jobs as promotion_jobs
from promotion import selectors, services
from promotion.collection import collection_bytes, collection_title
from promotion.filtersets import CaseFilter, LibraryFilter
from promotion.forms import CaseForm, CaseMoveForm
from promotion.history import LinkHistory, names_by_id, timeline
from promotion.models import (
    Case,
    CaseAttachment,
    CaseDimension,
    CaseMove,
    CasePilot,
    case_may_edit,
    case_moves_for,
)
from promotion.tables import CaseTable
from reform.documents import DOCX_TYPE
from reform.files import attachment_response
from reform.models import Dimension, PlanYear
from reform.paging import BoundedPageMixin, BoundedTableMixin
from reform.scopes import Scope, get_object_in_scope, require_write, scope_for
from reform.selectors import plan_year_current, plan_year_from_param

MOVE_DONE = {
    CaseMove.SUBMIT: gettext_lazy("The case was submitted to the city."),
    CaseMove.RETURN: gettext_lazy("The case was returned to its writers with your comment."),
    CaseMove.SELECT: gettext_lazy("The case was selected."),
    CaseMove.PUBLISH: gettext_lazy("The case was published in the library."),
    CaseMove.UNPUBLISH: gettext_lazy("The case was taken out of the library."),
}


def may_download_collection(scope: Scope) -> bool:
    """City staff, administrators and leaders: the city's view of every case."""
    return scope.is_everywhere and scope.role != "anonymous"


def _readable_case(scope: Scope, pk: int) -> Case:
    case = selectors.case_detail(scope=scope).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _case_in_scope(scope: Scope, pk: int) -> Case:
    return get_object_in_scope(
        Case.objects.select_related("plan_year", "county", "township"),
        scope,
        **selectors.PLACE,
        pk=pk,
    )


# Lists -----------------------------------------------------------------------------------------


class CaseListView(LoginRequiredMixin, BoundedTableMixin, SingleTableMixin, FilterView):
    """The work list: drafts, submitted, selected and published cases of the user's area."""

    template_name = "promotion/case_list.html"
    table_class = CaseTable
    filterset_class = CaseFilter
    per_page = 25

    def get_queryset(self):
        self.scope = scope_for(self.request.user)
        return selectors.case_list(scope=self.scope)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["scope"] = self.scope
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.scope.can_write
        return context


case_list = CaseListView.as_view()


class LibraryView(LoginRequiredMixin, BoundedPageMixin, FilterView):
    """The case library: published cases as cards, searchable and filterable."""

    template_name = "promotion/case_library.html"
    filterset_class = LibraryFilter
    per_page = 12

    def get_queryset(self):
        return selectors.case_library(scope=scope_for(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        context["can_write"] = scope.can_write
        if may_download_collection(scope):
            context["collection_years"] = list(PlanYear.objects.all())
            current = plan_year_current()
            context["collection_year"] = current.year if current else None
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


case_library = LibraryView.as_view()


# One case --------------------------------------------------------------------------------------


@login_required
@require_GET
def case_detail(request, pk: int):
    scope = scope_for(request.user)
    case = _readable_case(scope, pk)
    attachments = selectors.case_attachments(case)
    in_scope = case.in_scope(scope)
    pilots = selectors.case_pilots(case)
    context = {
        "case": case,
        "pilots": pilots,
        # Pilot pages open inside the user's area only.
        "linked_pilots": {
            p.pk
            for p in pilots
            if scope.allows(county_id=p.enterprise.county_id, township_id=p.enterprise.township_id)
        },
        "dimensions": [link.get_dimension_display() for link in case.dimension_links.all()],
        "photos": [a for a in attachments if a.is_photo],
        # Files may hold names and phones: only inside the case's area.
        "files": [a for a in attachments if not a.is_photo] if in_scope else [],
        "in_scope": in_scope,
        "moves": case_moves_for(case, scope),
        "can_edit": case_may_edit(case, scope),
        "reports": list(case.media_reports.order_by("-published_on", "-pk")),
        "steps": _steps(case),
    }
    return render(request, "promotion/case_detail.html", context)


def _steps(case: Case) -> list[tuple[str, str]]:
    """The workflow's states for the progress bar: done, now, or still to come ("")."""
    now = Case.Status.values.index(case.status)
    return [
        (label, "done" if index < now else "now" if index == now else "")
        for index, (_value, label) in enumerate(Case.Status.choices)
    ]


@login_required
@require_GET
def case_print(request, pk: int):
    scope = scope_for(request.user)
    case = _readable_case(scope, pk)
    context = {
        "case": case,
        "pilots": selectors.case_pilots(case),
        "dimensions": [link.get_dimension_display() for link in case.dimension_links.all()],
        "photos": [a for a in selectors.case_attachments(case) if a.is_photo],
    }
    return render(request, "promotion/case_print.html", context)


@login_required
@require_GET
def case_history(request, pk: int):
    case = _case_in_scope(scope_for(request.user), pk)
    entries = timeline(
        case,
        links=[
            LinkHistory(
                label=_("pilots"),
                rows=CasePilot.history.filter(case_id=case.pk),
                name=names_by_id(
                    Pilot, "pilot_id", lambda p: p.enterprise.name, related=("enterprise",)
                ),
            ),
            LinkHistory(
                label=_("dimensions"),
                rows=CaseDimension.history.filter(case_id=case.pk),
                name=lambda rows: lambda row: str(Dimension(row.dimension).label),
            ),
            LinkHistory(
                label=_("attachments"),
                rows=CaseAttachment.history.filter(case_id=case.pk),
                name=lambda rows: lambda row: row.original_name,
            ),
        ],
    )
    return render(request, "pilots/history.html", {"record": case, "history": entries})


def _case_form_valid(request, form: CaseForm, case: Case | None) -> Case | None:
    data = form.cleaned_data
    fields = {
        "user": request.user,
        "title": data["title"],
        "plan_year": data["plan_year"],
        "pilots": list(data["pilots"]),
        "dimensions": data["dimensions"],
        "summary": data["summary"],
        "text": data["text"],
        "files": [*data["photos"], *data["files"]],
    }
    try:
        if case is None:
            return services.case_create(**fields)
        return services.case_update(
            case=case, version=data["version"] or 0, remove=data.get("remove", []), **fields
        )
    except services.StaleEditError as error:
        form.add_error(None, str(error))
    except ValidationError as error:
        form.add_error(None, error)
    return None


def _form_page(request, form: CaseForm, case: Case | None):
    if request.method == "POST" and not form.is_valid() and request.FILES:
        messages.warning(
            request, _("Please choose the photos and files again: a browser does not keep them.")
        )
    return render(request, "promotion/case_form.html", {"form": form, "case": case})


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    scope = scope_for(request.user)
    require_write(scope)
    initial = {}
    pilot = request.GET.get("pilot", "")
    if pilot.isdigit():
        chosen = selectors.pilots_for_writing(scope=scope).filter(pk=pilot).first()
        if chosen is not None:
            initial = {"pilots": [chosen.pk], "plan_year": chosen.plan_year.year}
    form = CaseForm(request.POST or None, request.FILES or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = _case_form_valid(request, form, None)
        if case is not None:
            messages.success(
                request,
                _("The case was saved as a draft. Submit it to the city when it is ready."),
            )
            return redirect(case)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk: int):
    scope = scope_for(request.user)
    case = _case_in_scope(scope, pk)
    require_write(scope)
    if not case_may_edit(case, scope):
        messages.error(
            request,
            _(
                "This case is %(status)s: only city union staff can change it now. Nothing was "
                "saved. Ask them to return it to you if it needs changes."
            )
            % {"status": case.get_status_display()},
        )
        return redirect(case)
    form = CaseForm(request.POST or None, request.FILES or None, instance=case, scope=scope)
    if request.method == "POST" and form.is_valid():
        saved = _case_form_valid(request, form, case)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return _form_page(request, form, case)


@login_required
@require_POST
def case_move(request, pk: int):
    scope = scope_for(request.user)
    case = _case_in_scope(scope, pk)
    require_write(scope)
    form = CaseMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That step is not known. Nothing was changed."))
        return redirect(case)
    move = form.cleaned_data["move"]
    try:
        services.case_move(
            case=case, move=move, user=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, MOVE_DONE[move])
    return redirect(case)


# Files -----------------------------------------------------------------------------------------


def _attachment(request, pk: int, file_pk: int) -> tuple[Case, CaseAttachment, Scope]:
    scope = scope_for(request.user)
    case = _readable_case(scope, pk)
    attachment = CaseAttachment.objects.filter(case=case, pk=file_pk).first()
    # Photos go with the case (the library shows them); files only inside the case's area.
    if attachment is None or not (attachment.is_photo or case.in_scope(scope)):
        raise Http404
    return case, attachment, scope


@login_required
@require_GET
def case_attachment(request, pk: int, file_pk: int):
    _case, attachment, _scope = _attachment(request, pk, file_pk)
    return attachment_response(attachment, inline=request.GET.get("download") != "1")


@login_required
@require_GET
def case_thumbnail(request, pk: int, file_pk: int):
    _case, attachment, _scope = _attachment(request, pk, file_pk)
    if not attachment.thumbnail:
        raise Http404
    # The same safe headers as reform.files.attachment_response, for the small JPEG.
    response = FileResponse(attachment.thumbnail.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# The collection --------------------------------------------------------------------------------


@login_required
@require_GET
def case_collection(request):
    """The year's selected and published cases as one Word document (案例汇编)."""
    scope = scope_for(request.user)
    if not may_download_collection(scope):
        raise PermissionDenied
    plan_year = plan_year_from_param(request.GET.get("year"))
    if plan_year is None:
        raise Http404
    cases = list(selectors.case_collection(plan_year=plan_year))
    if not cases:
        messages.warning(
            request,
            _("No case of %(year)s has been selected yet: there is nothing to compile.")
            % {"year": plan_year.year},
        )
        return redirect("promotion:case_library")
    if len(cases) > settings.COLLECTION_BACKGROUND_CASES:
        # Photos of many cases take seconds: a background job, its page shows the progress.
        return redirect(promotion_jobs.start_collection(plan_year, request.user, len(cases)))
    response = HttpResponse(
        collection_bytes(plan_year=plan_year, cases=cases), content_type=DOCX_TYPE
    )
    name = f"{collection_title(plan_year)}.docx"
    response["Content-Disposition"] = (
        f'attachment; filename="case-collection-{plan_year.year}.docx"; '
        f"filename*=UTF-8''{quote(name)}"
    )
    return response
