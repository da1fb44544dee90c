"""The history of a case or report with its links: who changed what and when.

django-simple-history keeps the record's own versions and, in separate tables, the links to
pilots, dimensions, cases and the attachments. This module reads them into one timeline of
`pilots.selectors.HistoryEntry` (the same entries and template as the pilot pages): changes by
the same person within a few seconds (a save and the links it set) make one entry.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from pilots.selectors import Change, HistoryEntry
from reform.models import User

# Texts longer than this are not repeated in full: the entry says they changed.
LONG_TEXT = 80
SAME_SAVE = datetime.timedelta(seconds=5)
SKIPPED = {"id", "version", "created_at", "recorded_at", "updated_at"}


@dataclass(frozen=True)
class LinkHistory:
    """The history of one kind of link of the record (e.g. CasePilot rows of a case)."""

    label: str
    rows: QuerySet
    name: Callable[[list], Callable[[object], str]]  # rows → (row → what the link names)


def _user_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "—"


def _shown(field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return names.get((field.related_model, value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if len(text) > LONG_TEXT:
        return _("(%(count)d characters)") % {"count": len(text)}
    return text


def _related_names(fields, rows) -> dict:
    """(model, pk) → name for the foreign keys in the rows: one query per related model."""
    wanted: dict[type[Model], set] = {}
    for field in fields:
        if field.is_relation:
            ids = {getattr(row, field.attname) for row in rows} - {None}
            wanted.setdefault(field.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        for obj in model.objects.filter(pk__in=ids):
            label = _user_name(obj) if isinstance(obj, User) else str(obj)
            names[(model, obj.pk)] = label
    return names


def _record_events(record: Model) -> list[HistoryEntry]:
    model = type(record)
    rows = list(record.history.select_related("history_user").order_by("history_date"))
    tracked = {f.name for f in model.history.model._meta.fields}
    fields = [f for f in model._meta.concrete_fields if f.name in tracked and f.name not in SKIPPED]
    names = _related_names(fields, rows)
    events, previous = [], None
    for row in rows:
        changes = []
        for field in fields:
            new = getattr(row, field.attname)
            old = getattr(previous, field.attname) if previous else None
            if previous is None and new in (None, "", False):
                continue
            if previous is not None and old == new:
                continue
            changes.append(
                Change(
                    field=str(field.verbose_name),
                    old=_shown(field, old, names) if previous else "",
                    new=_shown(field, new, names),
                )
            )
        events.append(
            HistoryEntry(
                when=row.history_date,
                who=_user_name(row.history_user),
                kind=row.history_type,
                changes=changes,
            )
        )
        previous = row
    return events


def _link_events(link: LinkHistory) -> list[HistoryEntry]:
    rows = list(link.rows.select_related("history_user").order_by("history_date"))
    name = link.name(rows)
    events = []
    for row in rows:
        if row.history_type == "+":
            change = Change(field=link.label, old="—", new=name(row))
        elif row.history_type == "-":
            change = Change(field=link.label, old=name(row), new="—")
        else:
            continue
        events.append(
            HistoryEntry(
                when=row.history_date,
                who=_user_name(row.history_user),
                kind="~",
                changes=[change],
            )
        )
    return events


def timeline(record: Model, *, links: list[LinkHistory]) -> list[HistoryEntry]:
    """Every change of the record and its links, newest first."""
    events = _record_events(record)
    for link in links:
        events.extend(_link_events(link))
    events.sort(key=lambda entry: (entry.when, entry.kind != "+"))
    merged: list[HistoryEntry] = []
    for event in events:
        last = merged[-1] if merged else None
        if last and last.who == event.who and event.when - last.when <= SAME_SAVE:
            last.changes.extend(event.changes)
            continue
        merged.append(event)
    merged.reverse()
    return merged


def names_by_id(
    model: type[Model], attname: str, label: Callable[[Model], str], *, related: tuple = ()
):
    """A LinkHistory `name`: looks the linked records (and `related` ones) up in one query."""

    def build(rows: list) -> Callable[[object], str]:
        ids = {getattr(row, attname) for row in rows}
        linked = model.objects.filter(pk__in=ids).select_related(*related)
        found = {obj.pk: label(obj) for obj in linked}
        return lambda row: found.get(getattr(row, attname), f"#{getattr(row, attname)}")

    return build
