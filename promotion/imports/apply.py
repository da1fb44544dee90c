"""Writing the confirmed media-report plan, inside the import's transaction, through
promotion.services.report_write as the form writes; and its undo.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError

from pilots.imports.apply import RowsChanged, iter_plan_rows
from pilots.models import Pilot
from promotion.imports.plan import (
    R_ACTION,
    R_CASES,
    R_PILOTS,
    R_REPORT,
    R_VALUES,
    _jsonable,
    _report_state,
)
from promotion.models import Case, MediaReport, Programme
from promotion.services import REPORT_FIELDS, report_delete, report_write


def _model_values(values: dict, programmes: dict[int, Programme]) -> dict:
    """The planned values as model values; `programmes` by id (`_programmes`: one query for
    every row, not one a row)."""
    fields = dict(values)
    fields["published_on"] = dt.date.fromisoformat(values["published_on"])
    fields["programme"] = programmes[values["programme"]] if values["programme"] else None
    return fields


def _programmes(values) -> dict[int, Programme]:
    return Programme.objects.in_bulk({v["programme"] for v in values if v["programme"]})


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
