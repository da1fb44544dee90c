"""Writes of clusters and guidance stations: keyword-only, checked against the user's scope.

Every write is all or nothing: when one enterprise or pilot lies outside what the user may
change, a ValidationError names it and nothing is written.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clusters.models import Cluster, ClusterMembership, GuidanceStation
from pilots.models import Enterprise, Pilot
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.models import Park, PlanYear
from reform.scopes import scope_for
from reform.text import normalise_text

# NFKC (in normalise_text) has already made full-width commas and semicolons half-width.
_SEPARATORS = re.compile(r"[\s,;、]+")


def _require_cluster_write(*, cluster: Cluster, user) -> None:
    if not scope_for(user).allows_county_write(county_id=cluster.county_id):
        raise PermissionDenied


def _outside_scope(enterprises: Iterable[Enterprise], user) -> list[Enterprise]:
    scope = scope_for(user)
    return [
        e
        for e in enterprises
        if not scope.allows_write(county_id=e.county_id, township_id=e.township_id)
    ]


@transaction.atomic
def cluster_members_add(*, cluster: Cluster, enterprises: Iterable[Enterprise], user) -> int:
    """Make the enterprises members (those already members are left as they are).

    Returns how many were added. Raises PermissionDenied when the user may not change the
    cluster, ValidationError naming every enterprise outside the user's scope (nothing added).
    """
    _require_cluster_write(cluster=cluster, user=user)
    enterprises = list({e.pk: e for e in enterprises}.values())
    outside = _outside_scope(enterprises, user)
    if outside:
        raise ValidationError(
            _("These enterprises lie outside your area and were not added: %(names)s")
            % {"names": "、".join(e.name for e in outside)}
        )
    have = set(
        ClusterMembership.objects.filter(
            cluster=cluster, enterprise__in=[e.pk for e in enterprises]
        ).values_list("enterprise_id", flat=True)
    )
    new = [
        ClusterMembership(cluster=cluster, enterprise=e, added_by=user)
        for e in enterprises
        if e.pk not in have
    ]
    if new:
        bulk_create_with_history(
            new,
            ClusterMembership,
            default_user=user,
            default_change_reason="cluster_members_add",
        )
    return len(new)


@transaction.atomic
def cluster_members_remove(*, cluster: Cluster, enterprises: Iterable[Enterprise], user) -> int:
    """End the memberships of the enterprises; history keeps who removed them and when."""
    _require_cluster_write(cluster=cluster, user=user)
    enterprises = list(enterprises)
    outside = _outside_scope(enterprises, user)
    if outside:
        raise ValidationError(
            _("These enterprises lie outside your area and were not removed: %(names)s")
            % {"names": "、".join(e.name for e in outside)}
        )
    removed = 0
    memberships = ClusterMembership.objects.filter(
        cluster=cluster, enterprise__in=[e.pk for e in enterprises]
    )
    for membership in memberships:
        # One by one so that simple-history records each removal with its user.
        membership._history_user = user
        membership.delete()
        removed += 1
    return removed


# One preview stays one page and one IN (...) query.
MAX_PASTED_CODES = 2000


@dataclass
class MemberPreview:
    """What adding a pasted list and a selection would do, before anything is written."""

    to_add: list[Enterprise] = field(default_factory=list)
    already: list[Enterprise] = field(default_factory=list)
    # (the code or name as given, what is wrong with it)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.problems)


def split_codes(text: str) -> list[str]:
    """The codes of a pasted list: separated by new lines, spaces, commas, semicolons or 、."""
    return [part for part in _SEPARATORS.split(normalise_text(text)) if part]


def cluster_member_preview(
    *, cluster: Cluster, user, codes_text: str = "", selected: Iterable[Enterprise] = ()
) -> MemberPreview:
    """Check a pasted list of credit codes (and a selection) without writing anything.

    Each malformed code, unknown code and enterprise outside the user's area is named.
    """
    scope = scope_for(user)
    preview = MemberPreview()
    seen: set[int] = set()
    codes: list[tuple[str, str]] = []  # (as given, normalised)
    given_codes: set[str] = set()
    given = split_codes(codes_text)
    if len(given) > MAX_PASTED_CODES:
        preview.problems.append(
            (
                f"{len(given)}",
                _("At most %(max)d codes can be checked at once; paste them in parts.")
                % {"max": MAX_PASTED_CODES},
            )
        )
        return preview
    for raw in given:
        try:
            code = validate_credit_code(raw)
        except CreditCodeError as error:
            preview.problems.append((raw, str(error)))
            continue
        if code in given_codes:
            continue
        given_codes.add(code)
        codes.append((raw, code))

    found = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[c for _raw, c in codes]).select_related(
            "county", "township"
        )
    }
    candidates = list(selected)
    for raw, code in codes:
        enterprise = found.get(code)
        if enterprise is None:
            preview.problems.append((raw, _("No enterprise with this credit code is registered.")))
            continue
        candidates.append(enterprise)

    members = set(
        ClusterMembership.objects.filter(
            cluster=cluster, enterprise__in=[e.pk for e in candidates]
        ).values_list("enterprise_id", flat=True)
    )
    for enterprise in candidates:
        if enterprise.pk in seen:
            continue
        seen.add(enterprise.pk)
        if not scope.allows_write(
            county_id=enterprise.county_id, township_id=enterprise.township_id
        ):
            preview.problems.append(
                (
                    enterprise.credit_code,
                    _("This enterprise lies outside your area; you cannot add it."),
                )
            )
        elif enterprise.pk in members:
            preview.already.append(enterprise)
        else:
            preview.to_add.append(enterprise)
    return preview


# Guidance stations ---------------------------------------------------------------------------


def _require_park_write(*, park: Park, user) -> None:
    if not scope_for(user).allows_county_write(county_id=park.county_id):
        raise ValidationError(
            {
                "park": _("%(park)s lies outside your area; choose a park of your county.")
                % {"park": park.name}
            }
        )


@transaction.atomic
def station_create(
    *,
    park: Park,
    name: str,
    user,
    founded_on: datetime.date | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> GuidanceStation:
    """Found a station in a park the user may work in."""
    _require_park_write(park=park, user=user)
    station = GuidanceStation(
        park=park,
        name=name,
        founded_on=founded_on,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_update(*, station: GuidanceStation, user, **fields) -> GuidanceStation:
    """Change a station's facts; moving it to another park needs write rights on both."""
    # The stored park, not the instance's: a ModelForm has already put the new one there.
    stored = GuidanceStation.objects.select_related("park").get(pk=station.pk)
    if not scope_for(user).allows_county_write(county_id=stored.park.county_id):
        raise PermissionDenied
    park = fields.get("park", stored.park)
    if park.pk != stored.park_id:
        _require_park_write(park=park, user=user)
    for name, value in fields.items():
        setattr(station, name, value)
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_pilots_set(
    *, station: GuidanceStation, plan_year: PlanYear, pilots: Iterable[Pilot], user
) -> tuple[int, int]:
    """Make these the station's pilots of the plan year; other years stay as they are.

    Every pilot must be of the plan year, in the station park's county and in the user's scope.
    Returns (added, removed).
    """
    scope = scope_for(user)
    if not scope.allows_county_write(county_id=station.park.county_id):
        raise PermissionDenied
    pilots = list(pilots)
    wrong = [
        p
        for p in pilots
        if p.plan_year_id != plan_year.pk
        or p.enterprise.county_id != station.park.county_id
        or not scope.allows_write(
            county_id=p.enterprise.county_id, township_id=p.enterprise.township_id
        )
    ]
    if wrong:
        raise ValidationError(
            _("These pilots are not in the station park's county-level unit: %(names)s")
            % {"names": "、".join(p.enterprise.name for p in wrong)}
        )
    wanted = {p.pk for p in pilots}
    current = set(station.pilots.filter(plan_year=plan_year).values_list("pk", flat=True))
    to_remove = current - wanted
    to_add = wanted - current
    if to_remove:
        station.pilots.remove(*to_remove)
    if to_add:
        station.pilots.add(*to_add)
    return len(to_add), len(to_remove)
