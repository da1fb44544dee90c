"""The media-report list's columns, and the check of each of its rows against the database:
the reference data loaded once per upload (`_Lookups`), the values read and every error said
with its row and column. No database writes here.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from pilots.imports.cells import as_typed, clean_text
from pilots.imports.check import RowError
from pilots.imports.headers import Layout
from pilots.imports.messages import say
from pilots.models import Pilot
from promotion import selectors
from promotion.models import MediaReport, Programme
from promotion.validators import is_web_link
from reform.creditcode import normalise_credit_code
from reform.messages import define, message
from reform.text import normalise_text

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
