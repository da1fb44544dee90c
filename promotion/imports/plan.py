"""The media-report preview: each checked row compared with the report it matches, and
planned.

A planned row is a list: [row number, matched report id or None, "create"/"update"/"same",
fields (JSON values), changes [[field, old, new]] (values as kept, put into words when shown),
pilot ids, case ids, shown {title, outlet, date, pilots}].
"""

from __future__ import annotations

import datetime as dt
import hashlib

from pilots.imports.check import RowError
from pilots.imports.plan import Preview
from pilots.imports.read import Table
from pilots.models import Pilot
from promotion.imports.check import LAYOUT, _check_row, _Lookups, _say
from promotion.models import Case, MediaReport
from promotion.services import REPORT_FIELDS
from reform.text import normalise_text

R_NUMBER, R_REPORT, R_ACTION, R_VALUES, R_CHANGES, R_PILOTS, R_CASES, R_SHOWN = range(8)


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


def _kept(value) -> str:
    """A field's value as the plan keeps it: a choice's value (put into words when shown, in
    the reader's language), a date as 2026-05-01, anything else as its text."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
