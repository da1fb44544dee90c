"""Pages of the Excel import: upload, preview, confirm, discard, undo, and the workbooks."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pilots import quotas, selectors, writers
from pilots.imports import apply, batches, jobs, plan, undo
from pilots.imports.columns import COLUMN_EXTENSIONS
from pilots.imports.kinds import ENTERPRISES, KINDS, ImportKind
from pilots.imports.workbooks import error_workbook
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.jobs import is_stale, job_state
from reform.messages import render as render_message
from reform.models import Job, Region
from reform.paging import page_number, page_size, paginate
from reform.scopes import get_object_in_scope, require_write, scope_for
from reform.selectors import plan_year_current
from reform.storage import FileGone, open_stored

BATCH_PLACE = selectors.BATCH_PLACE
CHANGES_PER_PAGE = 100
ERRORS_SHOWN = 500
PLAN_GONE = gettext_lazy(
    "The preview of this upload is no longer in the site's file store (it was removed outside "
    "the site), so it cannot be saved. Nothing was changed. Upload the file again for a new "
    "preview."
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Enterprise list"),
        help_text=gettext_lazy("An .xlsx, .xls, .ods or .csv file (UTF-8 or GBK)."),
    )

    def __init__(self, *args, kind: ImportKind | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind is not None:
            self.fields["file"].label = kind.label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB. Split it into smaller files.")
                % {"limit": f"{limit / 1024 / 1024:g}"}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def _batches(scope, kind: str = ENTERPRISES):
    return selectors.import_batch_list(scope=scope).filter(kind=kind)


def _batch(request, pk: int, kind: str):
    scope = scope_for(request.user)
    return scope, get_object_in_scope(_batches(scope, kind), scope, **BATCH_PLACE, pk=pk)


def _require_use(scope, kind: ImportKind) -> None:
    """Who may upload, confirm, discard and undo a list of this kind (and get its template)."""
    require_write(scope)
    if not kind.may_use(scope):
        raise PermissionDenied


@login_required
@require_GET
def import_list(request, kind: str = ENTERPRISES):
    scope = scope_for(request.user)
    page = paginate(request, _batches(scope, kind), per_page=30)
    context = {
        "page": page,
        "kind": KINDS[kind],
        "urls": KINDS[kind].links(),
        "may_use": KINDS[kind].may_use(scope),
    }
    return render(request, KINDS[kind].pages["list"], context)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind: str = ENTERPRISES):
    scope = scope_for(request.user)
    _require_use(scope, KINDS[kind])
    plan_year = plan_year_current()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, kind=KINDS[kind])
    else:
        form = ImportUploadForm(kind=KINDS[kind])
    if request.method == "POST" and plan_year is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = batches.batch_create(
            data=upload.read(),
            filename=upload.name,
            user=request.user,
            scope=scope,
            plan_year=plan_year,
            background_rows=settings.IMPORT_BACKGROUND_ROWS,
            kind=kind,
        )
        if batch.status == ImportBatch.Status.PREVIEWING:
            return redirect(jobs.start(jobs.PREVIEW, batch, request.user))
        return redirect(batch)
    return render(
        request,
        KINDS[kind].pages["upload"],
        {
            "kind": KINDS[kind],
            "urls": KINDS[kind].links(),
            "form": form,
            "plan_year": plan_year,
            "max_mb": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}",
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
    )


@login_required
@require_GET
def import_detail(request, pk: int, kind: str = ENTERPRISES):
    scope, batch = _batch(request, pk, kind)
    template = KINDS[kind].pages["detail"]
    context = {
        "kind": KINDS[kind],
        "urls": KINDS[kind].links(batch),
        "batch": batch,
        "job": (job := _visible_job(request, batch)),
        "job_state": job_state(job) if job else None,
        "can_write": scope.can_write and KINDS[kind].may_use(scope),
        "preview_failed": jobs.preview_failed(batch),
    }
    if batch.plan:
        size = page_size(request, CHANGES_PER_PAGE)
        try:
            page, summary = _plan_page(batch, page_number(request), size, KINDS[kind].shows_row)
        except FileNotFoundError:
            # Removed from the storage behind the site's back: say so instead of a 500.
            context["plan_gone"] = True
            return render(request, template, context)
        context.update(KINDS[kind].describe(batch, page, summary, scope))
        context.update(
            errors=[
                [row, field, header, value, render_message(message)]
                for row, field, header, value, message in summary["errors"][:ERRORS_SHOWN]
            ],
            more_errors=max(len(summary["errors"]) - ERRORS_SHOWN, 0),
            warnings=[
                [row, field, header, value, render_message(message)]
                for row, field, header, value, message in summary.get("warnings", [])[:ERRORS_SHOWN]
            ],
            more_warnings=max(len(summary.get("warnings", [])) - ERRORS_SHOWN, 0),
            sheet=summary.get("sheet", ""),
            other_sheets=summary.get("other_sheets", []),
            page=page,
            previous=ImportBatch.objects.filter(
                sha256=batch.sha256, status=ImportBatch.Status.APPLIED, pk__lt=batch.pk
            )
            .filter(pk__in=_batches(scope, kind).values("pk"))
            .order_by("-pk")
            .first(),
        )
    else:
        context.update(KINDS[kind].describe(batch, None, None, scope))
    return render(request, template, context)


def describe_enterprises(batch: ImportBatch, page, summary: dict | None, scope) -> dict:
    """The enterprise list's part of the detail page: the page's rows as changes, the links
    and quota effects (page None: the batch has no preview)."""
    context = {"link_counts": _link_counts(batch), "written": _written_links(batch)}
    if page is None:
        return context
    changes = [_describe(row) for row in page]
    _link_records(changes, scope=scope, plan_year=batch.plan_year)
    _name_townships(changes)
    if batch.status == ImportBatch.Status.PREVIEWED:
        context["quota_effects"] = [
            (_quota_label(effect), effect)
            for effect in quotas.quota_effect(batch.plan_year, summary.get("quota_changes", []))
        ]
    context["changes"] = changes
    return context


def _visible_job(request, batch: ImportBatch) -> Job | None:
    """The batch's background job, when it is the reader's own (or the reader is an
    administrator): its page shows how far it got."""
    job = jobs.batch_job(batch)
    if job is None or not (job.user_id == request.user.pk or scope_for(request.user).is_admin):
        return None
    return job


def _busy(request, batch: ImportBatch) -> bool:
    """A background job of the batch is waiting or running: say so, and start nothing."""
    if batch.status == ImportBatch.Status.PREVIEWING:
        messages.error(
            request,
            _(
                "This upload is still being checked; it can be confirmed when its preview is "
                "ready. Nothing was changed."
            ),
        )
        return True
    job = jobs.batch_job(batch)
    if job and job.status in (Job.Status.QUEUED, Job.Status.RUNNING) and not is_stale(job):
        messages.error(
            request,
            _(
                "A background task is already working on this import; wait until it has "
                "finished. Nothing else was started."
            ),
        )
        return True
    return False


def _plan_page(batch: ImportBatch, number: int, size: int, shows_row):
    """One page of the new and changed rows, and the plan's summary, in one pass over the
    plan file: a preview of 100,000 rows is never loaded whole for a page of 100."""
    start = (number - 1) * size
    window, count, summary = [], 0, {}
    for item in plan.iter_plan(batch):
        if isinstance(item, dict):
            summary = item
        elif shows_row(item):
            if start <= count < start + size:
                window.append(item)
            count += 1
    page = Paginator(range(count), size).get_page(number)
    if page.number != number:  # past the end: the last page instead
        return _plan_page(batch, page.number, size, shows_row)
    page.object_list = window
    return page, summary


def changes_something(row: list) -> bool:
    return (
        row[plan.R_ACTION] != "same"
        or row[plan.R_PILOT_ACTION] in ("create", "update")
        or bool(_links(row))
    )


def _links(row: list) -> list:
    return row[plan.R_LINKS] if len(row) > plan.R_LINKS else []


def _describe(row: list) -> dict:
    """A plan row as the preview table shows it, fields named as the forms name them."""
    values = dict(zip(plan.ENTERPRISE_FIELDS, row[plan.R_VALUES], strict=True))

    def labelled(model, changes):
        return [(model._meta.get_field(name).verbose_name, old, new) for name, old, new in changes]

    pilot = None
    if row[plan.R_PILOT_ACTION] in ("create", "update"):
        tier, status = (row[plan.R_PILOT_VALUES][plan.PILOT_FIELDS.index(n)] for n in TIER_STATUS)
        pilot = {
            "tier": Pilot.Tier(tier).label,
            "status": Pilot.Status(status).label,
            "township_id": values["township"],
        }
    return {
        "pilot": pilot,
        "number": row[plan.R_NUMBER],
        "code": row[plan.R_CODE],
        "name": values["name"],
        "action": row[plan.R_ACTION],
        "changes": labelled(Enterprise, row[plan.R_CHANGES] or []),
        "pilot_action": row[plan.R_PILOT_ACTION],
        "pilot_changes": labelled(Pilot, row[plan.R_PILOT_CHANGES] or []),
        "links": [
            COLUMN_EXTENSIONS[name].describe(label)
            for name, _pk, label in _links(row)
            if name in COLUMN_EXTENSIONS
        ],
    }


TIER_STATUS = ("tier", "status")
RULE_NAMES = {
    "city": gettext_lazy("city-tier pilots"),
    "county": gettext_lazy("county-tier pilots"),
    "county_dev_zone": gettext_lazy("county-tier pilots in development zones"),
    "township": gettext_lazy("township-tier pilots"),
}


def _quota_label(effect) -> str:
    """ "东海县 county-tier pilots": the region and the rule an effect is about."""
    return f"{effect.progress.region.name} {RULE_NAMES.get(effect.progress.rule, '')}"


def _name_townships(changes: list[dict]) -> None:
    """The township of each new or changed pilot of the page, by name (1 query)."""
    ids = {c["pilot"]["township_id"] for c in changes if c["pilot"] and c["pilot"]["township_id"]}
    names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    for change in changes:
        if change["pilot"]:
            change["pilot"]["township"] = names.get(change["pilot"]["township_id"], "")


def _written_links(batch: ImportBatch) -> dict | None:
    """Where an applied import's records are: the lists narrowed to what it wrote, and the
    dashboard it changed (the uploader's township or county, or the city overview)."""
    if batch.status != ImportBatch.Status.APPLIED:
        return None
    year = batch.plan_year.year
    area = batch.scope_township or batch.scope_county
    dashboard = area.get_absolute_url() if area else reverse("dashboards:home")
    return {
        "enterprises": f"{reverse('pilots:enterprise_list')}?batch={batch.pk}",
        "enterprise_count": batch.enterprises_created + batch.enterprises_updated,
        "pilots": f"{reverse('pilots:pilot_list')}?batch={batch.pk}&plan_year={year}",
        "pilot_count": batch.pilots_created + batch.pilots_updated,
        "dashboard": f"{dashboard}?year={year}",
        "area": area.name if area else "",
    }


def _link_records(changes: list[dict], *, scope, plan_year) -> None:
    """Give each row of the page the address of its enterprise and pilot, where they exist and
    the user may open them (2 queries for the page)."""
    codes = [change["code"] for change in changes]
    pilots = Pilot.objects.filter(plan_year=plan_year)
    enterprises = {
        enterprise.credit_code: enterprise
        for enterprise in selectors.enterprise_list(scope=scope)
        .filter(credit_code__in=codes)
        .prefetch_related(Prefetch("pilots", queryset=pilots, to_attr="year_pilots"))
    }
    for change in changes:
        enterprise = enterprises.get(change["code"])
        change["url"] = enterprise.get_absolute_url() if enterprise else ""
        year_pilots = enterprise.year_pilots if enterprise else []
        change["pilot_url"] = year_pilots[0].get_absolute_url() if year_pilots else ""


def _link_counts(batch: ImportBatch) -> list[tuple[str, int]]:
    """The summary's figures of the extension columns: (heading, number of links)."""
    applied = batch.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.UNDONE)
    return [
        (COLUMN_EXTENSIONS[name].count_label(count, applied=applied), count)
        for name, count in (batch.link_counts or {}).items()
        if name in COLUMN_EXTENSIONS
    ]


@login_required
@require_POST
def import_confirm(request, pk: int, kind: str = ENTERPRISES):
    scope, batch = _batch(request, pk, kind)
    _require_use(scope, KINDS[kind])
    if _busy(request, batch):
        return redirect(batch)
    if batch.status != ImportBatch.Status.PREVIEWED:
        messages.error(request, _("This import is no longer waiting for confirmation."))
        return redirect(batch)
    if jobs.runs_in_background(batch):
        return redirect(jobs.start(jobs.APPLY, batch, request.user))
    try:
        batch = apply.batch_apply(batch=batch, user=request.user, scope=scope)
    except apply.NotPreviewed:
        messages.error(request, _("This import is no longer waiting for confirmation."))
        return redirect(batch)
    except FileNotFoundError:
        messages.error(request, PLAN_GONE)
        return redirect(batch)
    except apply.StalePreview:
        messages.warning(
            request,
            _(
                "Some of these records were changed by someone else after your upload. The "
                "preview below was checked again against the current data: review it and "
                "confirm again."
            ),
        )
        return redirect(batch)
    messages.success(request, KINDS[kind].applied_message(batch))
    return redirect(batch)


def enterprises_applied(batch: ImportBatch) -> str:
    applied = _(
        "Import applied: %(created)d enterprises created, %(updated)d updated; "
        "%(pilots_created)d pilots created, %(pilots_updated)d updated."
    ) % {
        "created": batch.enterprises_created,
        "updated": batch.enterprises_updated,
        "pilots_created": batch.pilots_created,
        "pilots_updated": batch.pilots_updated,
    }
    for label, count in _link_counts(batch):
        if count:
            applied += " " + _("%(label)s: %(count)d.") % {"label": label, "count": count}
    return applied


@login_required
@require_http_methods(["GET", "POST"])
def import_discard(request, pk: int, kind: str = ENTERPRISES):
    """GET asks (what would be left out), POST discards."""
    scope, batch = _batch(request, pk, kind)
    _require_use(scope, KINDS[kind])
    if batch.status != ImportBatch.Status.PREVIEWED and not jobs.preview_failed(batch):
        messages.error(request, _("This import is no longer waiting for confirmation."))
        return redirect(batch)
    if request.method == "GET":
        context = {"batch": batch, "action": "discard", "urls": KINDS[kind].links(batch)}
        return render(request, KINDS[kind].pages["ask"], context)
    batches.batch_discard(batch=batch)
    messages.info(request, _("The import was discarded; nothing was changed."))
    return redirect(batch)


@login_required
@require_http_methods(["GET", "POST"])
def import_undo(request, pk: int, kind: str = ENTERPRISES):
    """GET asks (what would be put back), POST undoes."""
    scope, batch = _batch(request, pk, kind)
    _require_use(scope, KINDS[kind])
    if request.method == "GET":
        if batch.status != ImportBatch.Status.APPLIED:
            messages.error(request, _("Only an applied import can be undone."))
            return redirect(batch)
        context = {"batch": batch, "action": "undo", "urls": KINDS[kind].links(batch)}
        return render(request, KINDS[kind].pages["ask"], context)
    if _busy(request, batch):
        return redirect(batch)
    if batch.status == ImportBatch.Status.APPLIED and jobs.runs_in_background(batch):
        return redirect(jobs.start(jobs.UNDO, batch, request.user))
    try:
        undo.batch_undo(batch=batch, user=request.user)
    except undo.CannotUndo as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import was undone: every record is as it was before."))
    return redirect(batch)


@login_required
@require_GET
def import_template(request, kind: str = ENTERPRISES):
    scope = scope_for(request.user)
    _require_use(scope, KINDS[kind])
    return writers.xlsx_response(
        KINDS[kind].template(scope),
        filename=KINDS[kind].template_filename() + ".xlsx",
        fallback=f"{kind}-import-template.xlsx",
    )


def enterprise_template_filename() -> str:
    return _("pilot-enterprise-import-template")


@login_required
@require_GET
def import_original(request, pk: int, kind: str = ENTERPRISES):
    _scope, batch = _batch(request, pk, kind)
    stored = open_stored(
        batch.original, label=batch.original_name, back_url=batch.get_absolute_url()
    )
    return FileResponse(stored, as_attachment=True, filename=batch.original_name)


@login_required
@require_GET
def import_errors(request, pk: int, kind: str = ENTERPRISES):
    _scope, batch = _batch(request, pk, kind)
    if not batch.plan:
        raise Http404
    stem = batch.original_name.rsplit(".", 1)[0]
    filename = f"{stem}-{_('errors')}.xlsx"
    try:
        content = error_workbook(batch)
    except FileNotFoundError as exc:
        # Built from the uploaded file and the preview: one of them left the storage.
        raise FileGone(filename, stored_name=str(exc), back_url=batch.get_absolute_url()) from None
    return writers.xlsx_response(
        content, filename=filename, fallback=f"import-{batch.pk}-errors.xlsx"
    )
