"""The scope a batch is checked and applied in: its uploader's, narrowed by the confirmer's.

A batch belongs to the area it was uploaded in (`ImportBatch.scope_county`/`scope_township`).
Whoever checks it again or confirms it, every row it writes must lie inside that area and
inside the area of the user confirming: a city official confirming a county official's upload
writes no further than the county; the county official confirming a preview a city official
re-checked writes no further than the county either.
"""

from __future__ import annotations

from pilots.models import ImportBatch
from reform.models import User
from reform.scopes import NOWHERE, Scope

_CONFLICT = object()


def uploader_scope(batch: ImportBatch) -> Scope:
    """The uploader's scope as it was at upload time (kept on the batch)."""
    if batch.scope_township_id is not None:
        role = User.Role.TOWNSHIP
    elif batch.scope_county_id is not None:
        role = User.Role.COUNTY
    else:
        role = User.Role.CITY_STAFF
    return Scope(
        role=role,
        county_id=batch.scope_county_id,
        township_id=batch.scope_township_id,
        can_write=True,
    )


def _meet(first: int | None, second: int | None):
    if first is None:
        return second
    if second is None or first == second:
        return first
    return _CONFLICT


def both(first: Scope, second: Scope) -> Scope:
    """The part of the region tree inside both scopes, with the tiers both may register."""
    county = _meet(first.county_id, second.county_id)
    township = _meet(first.township_id, second.township_id)
    can_write = first.can_write and second.can_write
    if county is _CONFLICT or township is _CONFLICT:
        return Scope(role=first.role, county_id=NOWHERE, township_id=NOWHERE, can_write=can_write)
    if township is not None:
        role = User.Role.TOWNSHIP
    elif county is not None:
        role = User.Role.COUNTY
    else:
        role = second.role if first.is_admin else first.role
    return Scope(
        role=role,
        county_id=county,
        township_id=township,
        can_write=can_write,
        is_admin=first.is_admin and second.is_admin,
    )


def batch_scope(batch: ImportBatch, scope: Scope) -> Scope:
    """Where `batch` may write when the user of `scope` checks or confirms it."""
    return both(uploader_scope(batch), scope)
