"""The kinds of list the import reads, by `ImportBatch.kind`: one machinery, several lists.

Reading the file, parsing cells, the coded messages, the plan file, the background jobs, the
confirm/discard/undo steps with their checks (status, busy, the uploader's and confirmer's
scope) and the error workbook are shared; a kind gives what differs:

- `layout`: its columns (pilots.imports.headers.Layout);
- `build_preview(table, scope=, plan_year=, progress=)`: checks the rows and plans them into a
  pilots.imports.plan.Preview (its `counts` are the batch's count fields to set);
- `apply_rows(batch, user, scope, progress)`: writes the plan inside the import's transaction
  (raise pilots.imports.apply.RowsChanged to have the preview made again) and saves its undo
  log with pilots.imports.apply.UndoLog;
- `changed_since(batch, undo)` and `undo_rows(batch, undo, user, reason, now, progress)`:
  undo, inside its transaction;
- `template(scope)`: the blank workbook, and `template_filename`;
- `urls`: the URL name prefix of its pages ("pilots:import_" → "pilots:import_detail", …);
- `pages`: its templates by page ("list", "upload", "detail", "ask"); `shows_row(row)`: whether
  a planned row is listed on the detail page, and `describe(batch, page, summary, scope)`: the
  detail page's context for a page of those rows (page None: the batch has no preview);
- `applied_message(batch)`: what the confirmation says;
- `may_use(scope)`: who may upload and confirm (reform.scopes.Scope).

The enterprise list is registered by pilots.apps, media reports by promotion.apps (a higher
layer: pilots imports nothing of it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from pilots.imports.headers import Layout

ENTERPRISES = "enterprises"


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: object  # a lazy text: what the list is, e.g. "Enterprise list"
    layout: Layout
    build_preview: Callable
    apply_rows: Callable
    changed_since: Callable
    undo_rows: Callable
    template: Callable
    template_filename: Callable[[], str]
    urls: str
    pages: dict[str, str]
    describe: Callable
    shows_row: Callable[[list], bool]
    applied_message: Callable
    may_use: Callable = field(default=lambda scope: scope.can_write)
    sheet_name: str = "Sheet1"

    def url(self, page: str, *args) -> str:
        return reverse(f"{self.urls}{page}", args=args)

    def links(self, batch=None) -> dict[str, str]:
        """The addresses the shared templates link to: the kind's pages, and the batch's."""
        links = {page: self.url(page) for page in ("list", "upload", "template")}
        if batch is not None:
            for page in ("detail", "confirm", "discard", "undo", "original", "errors"):
                links[page] = self.url(page, batch.pk)
        return links


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    KINDS[kind.name] = kind


def kind_of(batch) -> ImportKind:
    return KINDS[batch.kind]


def choices() -> list[tuple[str, str]]:
    return [(name, kind.label) for name, kind in KINDS.items()]
