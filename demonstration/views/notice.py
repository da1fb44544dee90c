"""The public notice (公示): its list, the printable page and its .docx, objections, naming."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from demonstration import selectors, services
from demonstration.forms import NoticeAddForm, ObjectionForm, ObjectionHandleForm, ReasonForm
from demonstration.models import Application, Naming, NoticeEntry, Objection, Phase, SelectionRound
from demonstration.views.common import get_round, require_city, round_context, scope_of, show_errors
from pilots import writers
from reform.documents import DOCX_TYPE, DocumentWriter
from reform.models import Region


def _visible_round(request, pk: int):
    """The notice is public once published; before that, only the city's readers see it."""
    scope = scope_of(request)
    round = get_round(pk)
    if not scope.is_everywhere and round.notice_state != SelectionRound.NoticeState.PUBLISHED:
        raise Http404
    return scope, round


def _texts(round: SelectionRound, entries: list[NoticeEntry]) -> dict:
    """The notice's wording, the same on the page and in the .docx."""
    notice = services.phases_of(round)[Phase.NOTICE]
    city = Region.objects.filter(level=Region.Level.CITY).first()
    issuer = (
        _("%(city)s Federation of Trade Unions") % {"city": city.name}
        if city
        else _("City Federation of Trade Unions")
    )
    published = round.notice_published_at
    return {
        "title": _("Public notice of the proposed demonstration units: %(round)s")
        % {"round": round.name},
        "body": _(
            "After application, recommendation by their county-level units and review by the "
            "city, the following %(count)s units are proposed to be named demonstration units "
            "of the industrial-workforce reform. They are published for public notice from "
            "%(start)s to %(end)s. Anyone who objects may say so during the notice period, "
            "giving their name and the facts; objections are handled in confidence."
        )
        % {
            "count": len(entries),
            "start": date_format(notice.first_day, "DATE_FORMAT"),
            "end": date_format(notice.last_day, "DATE_FORMAT"),
        },
        "contact": _("Objections to: %(contact)s") % {"contact": round.notice_contact}
        if round.notice_contact
        else "",
        "issuer": issuer,
        "date": date_format(
            timezone.localtime(published).date() if published else timezone.localdate(),
            "DATE_FORMAT",
        ),
    }


@login_required
@require_GET
def notice_detail(request, pk: int):
    scope, round = _visible_round(request, pk)
    entries = selectors.notice_entries(round)
    active = [e for e in entries if e.is_active]
    phases = services.phases_of(round)

    def allowed(action: str) -> bool:
        return scope.runs_city_work and services.move_allowed(
            SelectionRound.NOTICE_MOVES[action], state=round.notice_state, phases=phases
        )

    listed = {e.application_id for e in active}
    objections = (
        list(
            Objection.objects.filter(round=round)
            .select_related("entry__application__pilot__enterprise")
            .order_by("received_at", "pk")
        )
        if scope.is_everywhere
        else []
    )
    context = round_context(round, scope, active="notice")
    context.update(
        objections=objections,
        objections_settled=bool(objections)
        and all(o.outcome != Objection.Outcome.PENDING for o in objections),
        entries=active,
        removed=[e for e in entries if not e.is_active] if scope.is_everywhere else [],
        texts=_texts(round, active),
        namings=list(
            Naming.objects.filter(round=round).select_related("pilot__enterprise__county")
        ),
        can_prepare=allowed("prepare"),
        can_add=allowed("add"),
        can_drop=allowed("drop") or allowed("take_off"),
        can_publish=allowed("publish"),
        can_object=allowed("object"),
        can_name=allowed("name"),
        runs=scope.runs_city_work,
        add_form=NoticeAddForm(
            applications=Application.objects.filter(
                round=round, status=Application.Status.RECOMMENDED
            )
            .exclude(pk__in=listed)
            .select_related("pilot__enterprise__county")
        )
        if allowed("add")
        else None,
    )
    return render(request, "demonstration/notice.html", context)


@login_required
@require_GET
def notice_docx(request, pk: int):
    _scope, round = _visible_round(request, pk)
    entries = [e for e in selectors.notice_entries(round) if e.is_active]
    texts = _texts(round, entries)
    writer = DocumentWriter()
    writer.title(texts["title"], size=18)
    writer.paragraph("")
    writer.paragraph(texts["body"], indent=True)
    rows = [[_("No."), _("Unit"), _("County-level unit"), _("Tier")]]
    for number, entry in enumerate(entries, start=1):
        pilot = entry.application.pilot
        rows.append(
            [number, pilot.enterprise.name, pilot.enterprise.county.name, pilot.get_tier_display()]
        )
    writer.table(rows, widths=[1.5, 8, 3.5, 2.5])
    if texts["contact"]:
        writer.paragraph("")
        writer.paragraph(texts["contact"], indent=True)
    writer.paragraph("")
    writer.paragraph(texts["issuer"], right=True)
    writer.paragraph(texts["date"], right=True)
    response = HttpResponse(writer.bytes(), content_type=DOCX_TYPE)
    year = round.plan_year.year
    response["Content-Disposition"] = writers.attachment(
        _("%(year)s demonstration units public notice.docx") % {"year": year},
        fallback=f"notice-{year}.docx",
    )
    return response


def _city_round(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    return get_round(pk)


def _after(request, service, done, **kwargs):
    try:
        result = service(user=request.user, **kwargs)
    except ValidationError as error:
        show_errors(request, error)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result


@login_required
@require_POST
def notice_prepare(request, pk: int):
    round = _city_round(request, pk)
    notes = _after(
        request,
        services.notice_prepare,
        _("The list was filled from the ranking."),
        round=round,
    )
    for note in notes or []:
        messages.warning(request, note)
    return redirect("demonstration:notice_detail", round.pk)


@login_required
@require_POST
def notice_entry_add(request, pk: int):
    round = _city_round(request, pk)
    form = NoticeAddForm(
        request.POST,
        applications=Application.objects.filter(round=round, status=Application.Status.RECOMMENDED),
    )
    if not form.is_valid():
        messages.error(request, _("Choose a unit and give the reason for adding it."))
    else:
        _after(
            request,
            services.notice_entry_add,
            _("The unit was added to the list."),
            round=round,
            application=form.cleaned_data["application"],
            reason=form.cleaned_data["reason"],
        )
    return redirect("demonstration:notice_detail", round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def notice_entry_remove(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    entry = (
        NoticeEntry.objects.select_related("round", "application__pilot__enterprise__county")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_entry_remove(
                entry=entry, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The unit was taken off the list."))
            return redirect("demonstration:notice_detail", entry.round_id)
    context = round_context(get_round(entry.round_id), scope, active="notice")
    context.update(entry=entry, form=form)
    return render(request, "demonstration/notice_entry_remove.html", context)


@login_required
@require_POST
def notice_publish(request, pk: int):
    round = _city_round(request, pk)
    _after(
        request,
        services.notice_publish,
        lambda phase: (
            _("The notice is published; it runs until %(day)s.")
            % {"day": date_format(phase.last_day, "DATE_FORMAT")}
        ),
        round=round,
    )
    return redirect("demonstration:notice_detail", round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def objection_create(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    round = get_round(pk)
    form = ObjectionForm(request.POST or None, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_record(
                round=round,
                entry=form.cleaned_data["entry"],
                objector=form.cleaned_data["objector"],
                content=form.cleaned_data["content"],
                received_at=form.cleaned_data["received_at"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The objection was recorded."))
            return redirect("demonstration:notice_detail", round.pk)
    context = round_context(round, scope, active="notice")
    context.update(form=form, objection=None)
    return render(request, "demonstration/objection_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def objection_edit(request, pk: int):
    """How an objection was handled and its outcome."""
    scope = scope_of(request)
    require_city(scope)
    objection = (
        Objection.objects.select_related("round", "entry__application__pilot__enterprise")
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise Http404
    form = ObjectionHandleForm(request.POST or None, instance=objection)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_handle(
                objection=Objection.objects.get(pk=objection.pk),
                handling=form.cleaned_data["handling"],
                outcome=form.cleaned_data["outcome"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("demonstration:notice_detail", objection.round_id)
    context = round_context(get_round(objection.round_id), scope, active="notice")
    context.update(form=form, objection=objection)
    return render(request, "demonstration/objection_form.html", context)


@login_required
@require_POST
def naming_create(request, pk: int):
    round = _city_round(request, pk)
    _after(
        request,
        services.naming_run,
        lambda count: (
            ngettext(
                "%(count)d unit was named demonstration unit.",
                "%(count)d units were named demonstration units.",
                count,
            )
            % {"count": count}
        ),
        round=round,
    )
    return redirect("demonstration:notice_detail", round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def naming_revoke(request, pk: int):
    scope = scope_of(request)
    require_city(scope)
    naming = (
        Naming.objects.select_related("round", "pilot__enterprise__county").filter(pk=pk).first()
    )
    if naming is None:
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.naming_revoke(
                naming=naming, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The naming was revoked; %(name)s is a confirmed pilot again.")
                % {"name": naming.pilot.enterprise.name},
            )
            return redirect("demonstration:notice_detail", naming.round_id)
    context = round_context(get_round(naming.round_id), scope, active="notice")
    context.update(naming=naming, form=form)
    return render(request, "demonstration/naming_revoke.html", context)
