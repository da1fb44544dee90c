"""The bulletin's pages: the printable page, its .docx, issuing it, and the city's wording.

City staff, administrators and leaders read and download it (leaders change nothing); county,
township officials and reviewers get 403. Issuing and editing the wording are city work.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboards import bulletin
from dashboards.models import BulletinWording
from pilots import writers
from reform.models import PlanYear
from reform.scopes import Scope, scope_for
from reform.selectors import plan_year_from_param

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _reader(request) -> Scope:
    scope = scope_for(request.user)
    if not (scope.is_everywhere and scope.sees_records):
        raise PermissionDenied
    return scope


def _writer(request) -> Scope:
    scope = _reader(request)
    if not scope.runs_city_work:
        raise PermissionDenied
    return scope


def _as_of(value: str | None) -> tuple[datetime.date | None, str]:
    """The date a `?as_of=` names (today when empty), or None and the message saying why."""
    if not value:
        return timezone.localdate(), ""
    try:
        return datetime.date.fromisoformat(value.strip()), ""
    except ValueError:
        return None, _("%(value)s is not a date: write it as YYYY-MM-DD.") % {"value": value[:20]}


def _params(data) -> tuple[PlanYear | None, datetime.date | None, str]:
    plan_year = plan_year_from_param(data.get("year"))
    as_of, error = _as_of(data.get("as_of"))
    if plan_year is None and not error:
        error = _("There is no plan year yet.")
    return plan_year, as_of, error


def _page_url(plan_year: PlanYear | None, as_of: datetime.date | None) -> str:
    url = reverse("dashboards:bulletin")
    if plan_year is None:
        return url
    return f"{url}?year={plan_year.year}" + (f"&as_of={as_of.isoformat()}" if as_of else "")


@login_required
@require_GET
def bulletin_page(request):
    scope = _reader(request)
    plan_year, as_of, error = _params(request.GET)
    view = None
    if not error:
        try:
            view = bulletin.build_bulletin(plan_year, as_of)
        except bulletin.BulletinError as refusal:
            error = str(refusal)
    context = {
        "plan_year": plan_year,
        "plan_years": PlanYear.objects.order_by("-year"),
        "as_of": as_of,
        "as_of_value": request.GET.get("as_of", "")
        if error
        else (as_of.isoformat() if as_of else ""),
        "error": error,
        "bulletin": view,
        "header": bulletin.ranking_header(),
        "rows": [(line, bulletin.ranking_row(line)) for line in view.counties] if view else [],
        "examples": bulletin.example_lines(view) if view else [],
        "issued": plan_year.bulletins.order_by("-as_of")[:20] if plan_year else [],
        "can_issue": scope.runs_city_work,
    }
    return render(request, "dashboards/bulletin.html", context)


@login_required
@require_GET
def bulletin_download(request):
    _reader(request)
    plan_year, as_of, error = _params(request.GET)
    if not error:
        try:
            view = bulletin.build_bulletin(plan_year, as_of)
        except bulletin.BulletinError as refusal:
            error = str(refusal)
    if error:
        messages.error(request, error)
        return redirect(_page_url(plan_year, None))
    response = HttpResponse(bulletin.bulletin_docx(view), content_type=DOCX_TYPE)
    response["Content-Disposition"] = writers.attachment(
        _("bulletin %(year)s as of %(date)s.docx")
        % {"year": plan_year.year, "date": as_of.isoformat()},
        fallback=f"bulletin-{plan_year.year}-{as_of.isoformat()}.docx",
    )
    return response


@login_required
@require_POST
def bulletin_issue(request):
    _writer(request)
    plan_year, as_of, error = _params(request.POST)
    if not error:
        try:
            bulletin.bulletin_issue(plan_year=plan_year, as_of=as_of, user=request.user)
        except bulletin.BulletinError as refusal:
            error = str(refusal)
    if error:
        messages.error(request, error)
        return redirect(_page_url(plan_year, None))
    messages.success(
        request,
        _("The bulletin as of %(date)s was issued: the next one compares with its figures.")
        % {"date": as_of.isoformat()},
    )
    return redirect(_page_url(plan_year, as_of))


class WordingForm(forms.ModelForm):
    class Meta:
        model = BulletinWording
        fields = BulletinWording.TEXTS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in BulletinWording.TEXTS
            if name not in ("title", "issuer")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            allowed = " ".join(f"{{{item}}}" for item in BulletinWording.PLACEHOLDERS[name])
            field.help_text = _("Placeholders: %(allowed)s") % {"allowed": allowed}


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_wording(request):
    _writer(request)
    wording = bulletin.wording()
    form = WordingForm(request.POST or None, instance=wording)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved._history_user = request.user
        saved.save()
        messages.success(request, _("The wording of the bulletin was saved."))
        return redirect("dashboards:bulletin_wording")
    return render(request, "dashboards/bulletin_wording.html", {"form": form})
