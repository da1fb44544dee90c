"""Media reports from an Excel list: a kind of import (pilots.imports.kinds).

The shared machinery reads the file, keeps the batch and its plan, runs big files in the
background, asks before discarding or undoing and marks the errors in a workbook; this module
gives what is the reports' own: the columns, the check of each row against the database, the
writing of the confirmed plan (through promotion.services.report_write, as the form writes)
and its undo.

A report is matched by its title, outlet and date: sending the same list again updates the
reports it recorded the first time instead of recording them twice.

A planned row is a list: [row number, matched report id or None, "create"/"update"/"same",
fields (JSON values), changes [[field, old, new]] (values as kept, put into words when shown),
pilot ids, case ids, shown {title, outlet, date, pilots}].
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots.imports.apply import RowsChanged, iter_plan_rows
from pilots.imports.cells import as_typed
from pilots.imports.check import RowError
from pilots.imports.kinds import ImportKind, register
from pilots.imports.messages import say
from pilots.imports.plan import Preview
from pilots.imports.read import Layout, Table, clean_text
from pilots.imports.workbooks import list_template
from pilots.models import Pilot
from pilots.writers import xlsx_bytes
from promotion import selectors
from promotion.models import Case, MediaReport, Programme
from promotion.services import REPORT_FIELDS, report_delete, report_write
from promotion.validators import is_web_link
from reform.creditcode import normalise_credit_code
from reform.messages import define, message
from reform.text import normalise_text

KIND = "media_reports"

LAYOUT = Layout(
    {
        "title": "标题 报道标题 稿件标题 题目 新闻标题",
        "outlet": "媒体 媒体名称 刊发媒体 发布媒体 报道媒体",
        "outlet_kind": "媒体类型 媒体类别 媒体性质",
        "level": "媒体级别 级别 媒体层级",
        "published_on": "日期 发布日期 刊发日期 报道日期 发表日期",
        "link": "链接 网址 报道链接 网页链接",
        "form": "形式 报道形式 体裁",
        "programme": "专栏或节目 专栏 栏目 节目 专栏/节目 专题节目",
        "pilots": "报道的试点企业 试点企业 涉及试点企业 涉及企业 试点",
        "cases": "报道的案例 涉及案例 案例",
    },
    required=("title", "outlet", "outlet_kind", "level", "published_on", "form"),
    keys=("title", "outlet"),
    note_field="",
)
FIELDS = LAYOUT.fields
CHOICE_FIELDS = {
    "outlet_kind": MediaReport.OutletKind,
    "level": MediaReport.Level,
    "form": MediaReport.Form,
}
SEPARATORS = re.compile(r"[、;,\n]+")  # after cleaning: ；，become ; and ,
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXAMPLE_TITLE = "示例："  # the template's example row: refused, so it is never imported

R_NUMBER, R_REPORT, R_ACTION, R_VALUES, R_CHANGES, R_PILOTS, R_CASES, R_SHOWN = range(8)

CODES = define(
    {
        "missing": gettext_lazy("This column is required."),
        "too_long": gettext_lazy("Longer than %(limit)d characters."),
        "choice": gettext_lazy("Unknown value; choose one of: %(choices)s."),
        "date": gettext_lazy("Not a date; write it as 2026-05-01."),
        "future": gettext_lazy("The date lies in the future: record a report once it is out."),
        "link": gettext_lazy(
            "Not a web address: a link must start with http:// or https:// "
            "(javascript:, data: and other addresses are refused)."
        ),
        "programme_unknown": gettext_lazy(
            "No column or programme of this name is recorded; add it under Columns and "
            "programmes first."
        ),
        "programme_twice": gettext_lazy(
            "Several columns or programmes have this name; none of them is of outlet %(outlet)s."
        ),
        "programme_run": gettext_lazy("The report's date lies outside the run of %(programme)s."),
        "pilot_unknown": gettext_lazy("No pilot of %(year)s has this name or credit code."),
        "pilot_outside": gettext_lazy(
            "This pilot lies outside your area (%(county)s); nothing of this row is saved."
        ),
        "case_unknown": gettext_lazy("No case of your area has this title."),
        "twice": gettext_lazy(
            "The same report (title, outlet and date) is also on row %(rows)s of the file."
        ),
        "recorded_elsewhere": gettext_lazy(
            "This report is already recorded by another area (%(place)s); ask them to change it."
        ),
    },
    prefix="media_import",
)


def _say(code: str, **params) -> list:
    return message(CODES[code], **params)


def _choice_words(choices) -> dict[str, str]:
    """Every way to write a choice → its value: the value, its English and Chinese labels."""
    words = {}
    for value, label in choices.choices:
        words[normalise_text(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[normalise_text(str(label)).lower()] = value
    return words


def _chinese_labels(choices) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for _value, label in choices.choices]


def parse_date(cell) -> dt.date | None:
    """A date cell: a date, an Excel day number, or 2026-05-01, 2026/5/1, 2026年5月1日."""
    raw = cell.raw
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if cell.was_number:
        try:
            return EXCEL_EPOCH + dt.timedelta(days=int(float(raw)))
        except (TypeError, ValueError, OverflowError):
            return None
    found = DATE_TEXT.match(cell.text)
    if not found:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


class _Lookups:
    """What a preview checks rows against, loaded once per upload (a fixed number of queries)."""

    def __init__(self, scope, plan_year):
        self.scope = scope
        self.plan_year = plan_year
        self.words = {name: _choice_words(choices) for name, choices in CHOICE_FIELDS.items()}
        self.programmes: dict[str, list[Programme]] = {}
        for programme in Programme.objects.all():
            self.programmes.setdefault(normalise_text(programme.name), []).append(programme)
        pilots = Pilot.objects.filter(plan_year=plan_year).select_related("enterprise__county")
        self.pilots: dict[str, Pilot] = {}
        for pilot in pilots:
            enterprise = pilot.enterprise
            self.pilots[normalise_credit_code(enterprise.credit_code)] = pilot
            self.pilots.setdefault(normalise_text(enterprise.name), pilot)
        self.cases = {
            normalise_text(case.title): case for case in selectors.cases_for_reports(scope=scope)
        }


def _check_row(row, lookups: _Lookups, header) -> tuple[dict, list, list, list]:
    """(fields, pilots, cases, errors) of one row; fields hold model values."""
    errors: list[RowError] = []
    cells = row.values

    def reject(name: str, text: str, said: list) -> None:
        errors.append(RowError(row.number, name, header(name), text, said))

    fields: dict = {}
    if cells["title"].text.startswith(clean_text(EXAMPLE_TITLE)):
        reject("title", cells["title"].text, say("example_row"))
    for name, limit in (("title", 300), ("outlet", 100)):
        text = as_typed(cells[name])  # 东海县：… stays as typed (matching folds it)
        if not text:
            reject(name, "", _say("missing"))
        elif len(text) > limit:
            reject(name, text, _say("too_long", limit=limit))
        fields[name] = text
    for name, choices in CHOICE_FIELDS.items():
        text = cells[name].text
        value = lookups.words[name].get(normalise_text(text).lower()) if text else None
        if not text:
            reject(name, "", _say("missing"))
        elif value is None:
            reject(name, text, _say("choice", choices="、".join(_chinese_labels(choices))))
        fields[name] = value
    cell = cells["published_on"]
    day = parse_date(cell) if cell.text else None
    if not cell.text:
        reject("published_on", "", _say("missing"))
    elif day is None:
        reject("published_on", cell.text, _say("date"))
    elif day > timezone.localdate():
        reject("published_on", day.isoformat(), _say("future"))
        day = None
    fields["published_on"] = day
    link = cells.get("link")
    link_text = link.text if link is not None else ""
    if link_text and (len(link_text) > 500 or not is_web_link(link_text)):
        reject("link", link_text, _say("link"))
    fields["link"] = link_text
    fields["programme"] = _programme(cells, fields, lookups, reject)
    pilots = _pilots(cells, lookups, reject)
    cases = []
    for text in _names(cells, "cases"):
        case = lookups.cases.get(normalise_text(text))
        if case is None:
            reject("cases", text, _say("case_unknown"))
        else:
            cases.append(case)
    return fields, pilots, cases, errors


def _names(cells, name: str) -> list[str]:
    cell = cells.get(name)
    if cell is None or not cell.text:
        return []
    return [part.strip() for part in SEPARATORS.split(cell.text) if part.strip()]


def _programme(cells, fields, lookups, reject) -> Programme | None:
    cell = cells.get("programme")
    if cell is None or not cell.text:
        return None
    found = lookups.programmes.get(normalise_text(cell.text), [])
    if len(found) > 1:
        found = [p for p in found if normalise_text(p.outlet) == normalise_text(fields["outlet"])]
        if len(found) != 1:
            reject("programme", cell.text, _say("programme_twice", outlet=fields["outlet"]))
            return None
    if not found:
        reject("programme", cell.text, _say("programme_unknown"))
        return None
    programme = found[0]
    day = fields["published_on"]
    if day is not None and not programme.runs_on(day):
        reject("programme", cell.text, _say("programme_run", programme=str(programme)))
    return programme


def _pilots(cells, lookups, reject) -> list[Pilot]:
    pilots = []
    scope = lookups.scope
    for text in _names(cells, "pilots"):
        pilot = lookups.pilots.get(normalise_credit_code(text)) or lookups.pilots.get(
            normalise_text(text)
        )
        if pilot is None:
            reject("pilots", text, _say("pilot_unknown", year=lookups.plan_year.year))
            continue
        enterprise = pilot.enterprise
        if not scope.allows_write(
            county_id=enterprise.county_id, township_id=enterprise.township_id
        ):
            county = enterprise.county.name if enterprise.county_id else ""
            reject("pilots", text, _say("pilot_outside", county=county))
            continue
        if pilot not in pilots:
            pilots.append(pilot)
    return pilots


def _key(fields: dict) -> tuple:
    return (
        normalise_text(fields["title"]),
        normalise_text(fields["outlet"]),
        fields["published_on"],
    )


def _jsonable(fields: dict) -> dict:
    values = dict(fields)
    values["published_on"] = fields["published_on"].isoformat()
    values["programme"] = fields["programme"].pk if fields["programme"] else None
    return values


def _model_values(values: dict, programmes: dict[int, Programme]) -> dict:
    """The planned values as model values; `programmes` by id (`_programmes`: one query for
    every row, not one a row)."""
    fields = dict(values)
    fields["published_on"] = dt.date.fromisoformat(values["published_on"])
    fields["programme"] = programmes[values["programme"]] if values["programme"] else None
    return fields


def _programmes(values) -> dict[int, Programme]:
    return Programme.objects.in_bulk({v["programme"] for v in values if v["programme"]})


def _kept(value) -> str:
    """A field's value as the plan keeps it: a choice's value (put into words when shown, in
    the reader's language), a date as 2026-05-01, anything else as its text."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _shown(name: str, value: str) -> str:
    if not value:
        return "—"
    if name in CHOICE_FIELDS:
        return str(CHOICE_FIELDS[name](value).label)
    return value


def _label(name: str) -> str:
    if name == "pilots":
        return _("Pilots covered")
    if name == "cases":
        return _("Cases covered")
    return str(MediaReport._meta.get_field(name).verbose_name)


def _report_state(report: MediaReport) -> list:
    """What the preview saw of a matched report: the digest compares it on confirmation."""
    return [report.pk, report.version]


def build_preview(table: Table, *, scope, plan_year, progress=None) -> Preview:
    """Check every row against the database and plan it; writes nothing."""
    lookups = _Lookups(scope, plan_year)
    preview = Preview(table=table)
    headers = {column.field: column.header for column in table.columns if column.field}

    def header(name: str) -> str:
        return headers.get(name, LAYOUT.headers[name])

    checked = []
    rows_by_key: dict[tuple, list[int]] = {}
    for row in table.rows:
        fields, pilots, cases, errors = _check_row(row, lookups, header)
        if not errors:
            rows_by_key.setdefault(_key(fields), []).append(row.number)
        checked.append((row.number, fields, pilots, cases, errors))
    existing = _existing(rows_by_key)
    counts = dict.fromkeys(("created", "updated", "unchanged"), 0)
    digest = hashlib.sha256()
    for number, fields, pilots, cases, errors in checked:
        report = None
        if not errors:
            # Errors of the report as a whole, said on its title.
            numbers = rows_by_key[_key(fields)]
            report = existing.get(_key(fields))
            said = []
            if len(numbers) > 1:
                said.append(_say("twice", rows="、".join(str(n) for n in numbers if n != number)))
            if report is not None and not report.in_scope(scope):
                said.append(_say("recorded_elsewhere", place=report.place_name))
            errors += [RowError(number, "title", header("title"), fields["title"], s) for s in said]
        if errors:
            preview.rejected += 1
            preview.errors.extend(errors)
            continue
        if report is not None:
            # Matched by its title and outlet as normalised: "：" typed in the form and ":" read
            # from a sheet are the same text, kept as it was.
            fields.update(title=report.title, outlet=report.outlet)
        action, changes = _compare(report, fields, pilots, cases)
        counts[{"create": "created", "update": "updated", "same": "unchanged"}[action]] += 1
        digest.update(repr(_report_state(report) if report else None).encode())
        preview.add_row(
            [
                number,
                report.pk if report else None,
                action,
                _jsonable(fields),
                changes,
                [pilot.pk for pilot in pilots],
                [case.pk for case in cases],
                {
                    "title": fields["title"],
                    "outlet": fields["outlet"],
                    "date": fields["published_on"].isoformat(),
                    "pilots": _listed(pilots, _pilot_name),
                },
            ]
        )
    # The batch's first three counts hold the kind's own records (see pilots.imports.kinds).
    preview.counts = {f"enterprises_{name}": count for name, count in counts.items()}
    preview.digest = digest.hexdigest()
    return preview


def _existing(rows_by_key: dict) -> dict[tuple, MediaReport]:
    """The recorded reports the rows match, by (title, outlet, date): one query."""
    titles = {key[0] for key in rows_by_key}
    if not titles:
        return {}
    reports = (
        MediaReport.objects.filter(published_on__in={key[2] for key in rows_by_key})
        .select_related("programme", "county", "township")
        .prefetch_related("pilot_links__pilot__enterprise", "case_links__case")
    )
    found = {}
    for report in reports:
        key = (normalise_text(report.title), normalise_text(report.outlet), report.published_on)
        if key in rows_by_key:
            found.setdefault(key, report)
    return found


def _pilot_name(pilot: Pilot) -> str:
    return pilot.enterprise.name


def _case_title(case: Case) -> str:
    return case.title


def _listed(items, shown) -> str:
    return "、".join(shown(item) for item in items) or "—"


def _compare(report, fields, pilots, cases) -> tuple[str, list | None]:
    if report is None:
        return "create", None
    changes = [
        [name, _kept(getattr(report, name)), _kept(fields[name])]
        for name in REPORT_FIELDS
        if getattr(report, name) != fields[name]
    ]
    links = (
        ("pilots", report.pilot_links.all(), "pilot", pilots, _pilot_name),
        ("cases", report.case_links.all(), "case", cases, _case_title),
    )
    for field, old_links, name, new, shown in links:
        old = [getattr(link, name) for link in old_links]
        if {item.pk for item in old} != {item.pk for item in new}:
            changes.append([field, _listed(old, shown), _listed(new, shown)])
    return ("update" if changes else "same"), changes


# -- confirmation and undo ---------------------------------------------------------------------


def _before(report: MediaReport) -> list:
    """A report as it was, for undo."""
    values = {name: getattr(report, name) for name in REPORT_FIELDS}
    values["programme"] = report.programme  # _jsonable reads the object
    return [
        report.pk,
        _jsonable(values),
        sorted(link.pilot_id for link in report.pilot_links.all()),
        sorted(link.case_id for link in report.case_links.all()),
        [report.county_id, report.township_id],
    ]


def apply_rows(batch, user, scope, progress, undo, now) -> None:
    """Write the confirmed plan inside the import's transaction; RowsChanged when a matched
    report changed since the preview or a pilot or case now lies outside `scope`."""
    rows = list(iter_plan_rows(batch))
    ids = [row[R_REPORT] for row in rows if row[R_REPORT]]
    reports = {
        report.pk: report
        for report in MediaReport.objects.select_for_update()
        .filter(pk__in=ids)
        .prefetch_related("pilot_links", "case_links")
    }
    digest = hashlib.sha256()
    for row in rows:
        report = reports.get(row[R_REPORT]) if row[R_REPORT] else None
        if row[R_REPORT] and report is None:
            raise RowsChanged
        digest.update(repr(_report_state(report) if report else None).encode())
    if digest.hexdigest() != batch.state_digest:
        raise RowsChanged
    pilots = Pilot.objects.select_related("enterprise").in_bulk(
        {pk for row in rows for pk in row[R_PILOTS]}
    )
    cases = Case.objects.in_bulk({pk for row in rows for pk in row[R_CASES]})
    programmes = _programmes(row[R_VALUES] for row in rows if row[R_ACTION] != "same")
    created, before = [], []
    for done, row in enumerate(rows):
        if progress is not None:
            progress(done, len(rows))
        if row[R_ACTION] == "same":
            continue
        report = reports.get(row[R_REPORT]) if row[R_REPORT] else MediaReport(recorded_by=user)
        if report.pk is not None:
            if not report.in_scope(scope):
                raise RowsChanged
            before.append(_before(report))
            report.version += 1
        try:
            report_write(
                report,
                scope=scope,
                user=user,
                fields=_model_values(row[R_VALUES], programmes),
                pilots=[pilots[pk] for pk in row[R_PILOTS]],
                cases=[cases[pk] for pk in row[R_CASES]],
                reason=batch.change_reason,
            )
        except (ValidationError, KeyError):
            raise RowsChanged from None  # a pilot, case or column changed meanwhile
        if row[R_REPORT] is None:
            created.append(report.pk)
    undo.add("reports_created", created)
    undo.add("reports_before", before)


def changed_since(batch, undo: dict) -> int:
    ids = set(undo.get("reports_created", [])) | {
        item[0] for item in undo.get("reports_before", [])
    }
    later = (
        MediaReport.history.filter(history_date__gt=batch.applied_at, id__in=ids)
        .exclude(history_change_reason=batch.change_reason)
        .values_list("id", flat=True)
    )
    return len(set(later))


def undo_rows(batch, undo: dict, user, reason: str, now, progress) -> None:
    """Delete the reports the batch recorded, and give those it changed their values back."""
    for report in MediaReport.objects.filter(pk__in=undo.get("reports_created", [])):
        report_delete(report=report, user=user, reason=reason)
    before = undo.get("reports_before", [])
    reports = MediaReport.objects.select_for_update().in_bulk([item[0] for item in before])
    programmes = _programmes(item[1] for item in before)
    for pk, values, pilot_ids, case_ids, place in before:
        report = reports[pk]
        report.version += 1
        # The pilots and cases as they were, placed as they were.
        report_write(
            report,
            scope=None,
            user=user,
            fields=_model_values(values, programmes),
            pilots=list(Pilot.objects.filter(pk__in=pilot_ids)),
            cases=list(Case.objects.filter(pk__in=case_ids)),
            reason=reason,
            place=tuple(place),
        )


# -- the pages ----------------------------------------------------------------------------------


def template(scope) -> bytes:
    lists = {name: _chinese_labels(choices) for name, choices in CHOICE_FIELDS.items()}
    lists["programme"] = [p.name for p in selectors.programme_choices()]
    example = {
        "title": f"{EXAMPLE_TITLE}某企业深化产业工人队伍建设改革纪实",
        "outlet": "连云港日报",
        "outlet_kind": lists["outlet_kind"][0],
        "level": lists["level"][2],
        "published_on": timezone.localdate().isoformat(),
        "link": "https://www.example.cn/news/1.html",
        "form": lists["form"][0],
    }
    workbook = list_template(
        sheet_title="宣传报道",
        fields=FIELDS,
        headers=LAYOUT.headers,
        required=LAYOUT.required,
        lists=lists,
        example=example,
        explanations=_explanations(),
        text_fields={"published_on", "link", "pilots"},
        widths={"title": 40, "outlet": 20, "link": 36, "pilots": 36, "cases": 30, "programme": 20},
        freeze="B2",
        note=_(
            "Columns marked * are required. A report is known by its title, outlet and date: "
            "uploading it again updates it instead of recording it twice. Nothing is saved "
            "until you confirm the preview; rows with errors are left out."
        ),
    )
    return xlsx_bytes(workbook)


def _explanations() -> dict[str, str]:
    return {
        "title": _("The report's headline, at most 300 characters."),
        "outlet": _("The newspaper, station or account that published it."),
        "outlet_kind": _("Mainstream, union or new media."),
        "level": _("National, provincial, city or county."),
        "published_on": _("The publication date, e.g. 2026-05-01; not in the future."),
        "link": _("The web address, starting with http:// or https://; empty for print."),
        "form": _("News, feature, column episode, programme or video."),
        "programme": _("The column or programme it appeared in, by its recorded name."),
        "pilots": _(
            "The pilot enterprises it is about, by name or unified social credit code, "
            "separated by 、 or ; — pilots of your area of the current plan year."
        ),
        "cases": _("The cases of your area it covers, by title, separated by 、 or ;."),
    }


def template_filename() -> str:
    return _("media-report-import-template")


def describe(batch, page, summary, scope) -> dict:
    if page is None:
        return {}
    return {
        "changes": [
            {
                "number": row[R_NUMBER],
                "action": row[R_ACTION],
                "changes": [
                    (_label(name), _shown(name, old), _shown(name, new))
                    for name, old, new in row[R_CHANGES] or []
                ],
                **row[R_SHOWN],
            }
            for row in page
        ]
    }


def shows_row(row: list) -> bool:
    return row[R_ACTION] != "same"


def applied_message(batch) -> str:
    return _("Import applied: %(created)d reports recorded, %(updated)d updated.") % {
        "created": batch.enterprises_created,
        "updated": batch.enterprises_updated,
    }


def register_media_reports() -> None:
    register(
        ImportKind(
            name=KIND,
            label=gettext_lazy("Media report list"),
            layout=LAYOUT,
            build_preview=build_preview,
            apply_rows=apply_rows,
            changed_since=changed_since,
            undo_rows=undo_rows,
            template=template,
            template_filename=template_filename,
            urls="promotion:report_import_",
            pages={
                "list": "promotion/report_import_list.html",
                "upload": "promotion/report_import_upload.html",
                "detail": "promotion/report_import_detail.html",
                "ask": "promotion/report_import_ask.html",
            },
            describe=describe,
            shows_row=shows_row,
            applied_message=applied_message,
            sheet_name="宣传报道",
        )
    )
