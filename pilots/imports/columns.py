"""Column extensions of the Excel import: columns whose meaning lives in a higher layer.

The enterprise list has a "cluster" column (产业集群), but clusters live in the clusters app,
which sits above pilots: pilots may not import it. So pilots offers this hook and clusters
fills it (dependency inversion): `clusters.apps.ClustersConfig.ready()` registers an extension
for the "cluster" field, and the import calls it at four points:

- the template: `values(scope)`, the dropdown of the column;
- the preview: `resolver(scope)` once per upload (its queries: a fixed number), then per row
  `resolve(text)` → the targets the cell names, or `ColumnError` (a row error like any other),
  per chunk of rows `existing(enterprise_ids)` → the links that already exist, so that a
  second upload of the same file plans nothing new, and for each new link `refusal(target)` →
  why the user may not add it (a row error), or None;
- the confirmation, inside the import's transaction: `apply(batch, pairs, user)` with the
  (enterprise id, target id) pairs of the applied rows, a chunk at a time; it writes the links
  that do not exist yet (history tagged with `batch.change_reason`) and returns what undo needs;
- undo: `undo(batch, items, user)` with everything `apply` returned, before the enterprises the
  batch created are deleted.

An extension only adds links; an empty cell, or a cell naming another target, removes nothing.
Without a registered extension the column is read and kept in the plan, and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pilots.imports.headers import HEADERS
from reform.models import User
from reform.scopes import Scope


class ColumnError(Exception):
    """What is wrong with a cell; str() is the message, in the user's language."""


class ColumnResolver(Protocol):
    def resolve(self, text: str) -> list[tuple[int, str]]:
        """The targets a non-empty cell names, as (id, display name); raise ColumnError."""

    def existing(self, enterprise_ids: list[int]) -> set[tuple[int, int]]:
        """The (enterprise id, target id) links that exist already, in one query."""

    def refusal(self, target: int) -> str | None:
        """Why the user may not add a link to this target (in their language), or None."""


class ColumnExtension(Protocol):
    field: str  # the spreadsheet field it handles (a key of pilots.imports.headers.HEADERS)

    def values(self, scope: Scope) -> list[str]:
        """The template's dropdown for the scope: the targets its users may link to."""

    def explanation(self) -> str:
        """What to write in the column, for the template's help sheet."""

    def resolver(self, scope: Scope) -> ColumnResolver:
        """Loads what a preview needs, once per upload."""

    def describe(self, label: str) -> str:
        """One planned link as the preview shows it, e.g. "joins 东海水晶产业集群"."""

    def count_label(self, count: int, *, applied: bool) -> str:
        """The summary's heading for the number of links the batch adds (or added)."""

    def apply(self, batch, pairs: list[tuple[int, int]], user: User | None) -> list:
        """Write the links not there yet; return JSON-able items for `undo`."""

    def undo(self, batch, items: list, user: User | None) -> None:
        """Remove what `apply` wrote (items: everything it returned), keeping older links."""


COLUMN_EXTENSIONS: dict[str, ColumnExtension] = {}


def register_column(extension: ColumnExtension) -> None:
    if extension.field not in HEADERS:
        raise ValueError(f"The import reads no column {extension.field!r}.")
    COLUMN_EXTENSIONS[extension.field] = extension


def column_extensions() -> Iterable[ColumnExtension]:
    return COLUMN_EXTENSIONS.values()
