"""Reads of pairings: lists narrowed to a scope, the pilot page's pairings, and the figures.

Dormant (no activity for DORMANT_DAYS days, counted from the start when there is none yet) and
the ownership mix (which ownership groups the lead and the partners belong to) are computed
here in the database, never stored. Lists load what their rows show in a fixed number of
queries however many pairings there are. Nothing here loads a contact name or phone.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demonstration.models import (
    SMALL_EMPLOYEE_LIMIT,
    ActivityAttachment,
    Pairing,
    PairingActivity,
    PairingPartner,
    dormant_since,
)
from pilots.models import Pilot
from pilots.ownership import OwnershipGroup, group_of, group_q
from pilots.quotas import county_ids_within, pilot_within_q
from reform.models import PlanYear, Region
from reform.scopes import Scope

LOCAL_LEVELS = (Region.Level.COUNTY, Region.Level.TOWNSHIP)

PLACE = {"county": "county", "township": "township"}
GROUPS = tuple(OwnershipGroup.values)  # state-owned, collective, non-public: the mix's order
PILOT_FIELDS = (
    "tier",
    "status",
    "plan_year_id",
    "enterprise__name",
    "enterprise__employee_count",
    "enterprise__ownership",
    "enterprise__state_controls",
    "enterprise__county_id",
    "enterprise__township_id",
    "enterprise__county__name",
    "enterprise__township__name",
)


# The ownership mix ------

# Every combination of groups a pairing can have, in a fixed order: the filter's choices.
MIXES = {
    "state_owned+non_public": _("state-owned – non-public"),
    "state_owned+collective": _("state-owned – collective"),
    "collective+non_public": _("collective – non-public"),
    "state_owned+collective+non_public": _("state-owned – collective – non-public"),
    "state_owned": _("state-owned only"),
    "collective": _("collective only"),
    "non_public": _("non-public only"),
}


def mix_key(groups) -> str:
    present = set(groups)
    return "+".join(group for group in GROUPS if group in present)


def mix_label(key: str) -> str:
    return str(MIXES.get(key, key))


def is_across_groups(key: str) -> bool:
    """The work plan wants exchange across ownership; a one-group pairing is shown as such."""
    return "+" in key


def _has_group(group: str) -> ExpressionWrapper:
    partner = PairingPartner.objects.filter(pairing=OuterRef("pk")).filter(
        group_q(group, "pilot__enterprise__")
    )
    return ExpressionWrapper(Q(Exists(partner)) | group_q(group, "lead__"), BooleanField())


def with_mix(queryset: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """Annotates has_state_owned, has_collective, has_non_public (lead or any partner)."""
    return queryset.annotate(**{f"has_{group}": _has_group(group) for group in GROUPS})


def mix_q(key: str) -> Q:
    """Pairings (annotated by `with_mix`) of exactly this mix."""
    wanted = set(key.split("+"))
    return Q(**{f"has_{group}": group in wanted for group in GROUPS})


def mix_of(pairing: Pairing) -> str:
    return mix_key(group for group in GROUPS if getattr(pairing, f"has_{group}", False))


# Activity and dormancy ------


def with_activity(queryset: QuerySet[Pairing], *, today: datetime.date | None = None):
    """Annotates last_activity, activity_count and is_dormant (active, and no activity — or,
    without any, no start — since DORMANT_DAYS days before today)."""
    today = today or timezone.localdate()
    activities = PairingActivity.objects.filter(pairing=OuterRef("pk")).order_by()
    last = activities.order_by("-held_on").values("held_on")[:1]
    count = activities.values("pairing").annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        last_activity=Subquery(last),
        activity_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        quiet_since=Coalesce(Subquery(last), F("starts_on")),
    ).annotate(
        is_dormant=ExpressionWrapper(
            Q(status=Pairing.Status.ACTIVE, quiet_since__lt=dormant_since(today)),
            BooleanField(),
        )
    )


def dormant_q(today: datetime.date | None = None) -> Q:
    """Pairings (annotated by `with_activity`) that are dormant."""
    return Q(
        status=Pairing.Status.ACTIVE, quiet_since__lt=dormant_since(today or timezone.localdate())
    )


# Lists ------


def _partners_shown() -> QuerySet[Pilot]:
    return (
        Pilot.objects.select_related("enterprise__county", "enterprise__township")
        .only(*PILOT_FIELDS)
        .order_by("enterprise__name")
    )


def pairings_readable(*, scope: Scope) -> QuerySet[Pairing]:
    """The pairings of the user's area (placed by their partners), and those with a partner in
    it: a pairing whose partners lie in two county-level units is placed city-wide, yet each of
    those units' officials follow their own pilots in it (read only: `may_write_pairing` keeps
    writes to a pairing placed in the area). None for reviewers."""
    if not scope.sees_records:
        return Pairing.objects.none()
    if scope.is_everywhere:
        return Pairing.objects.all()
    partner_here = Exists(
        PairingPartner.objects.filter(pairing=OuterRef("pk")).filter(
            scope.q(county="pilot__enterprise__county", township="pilot__enterprise__township")
        )
    )
    return Pairing.objects.filter(scope.q(**PLACE) | Q(partner_here))


def pairing_list(*, scope: Scope, today: datetime.date | None = None) -> QuerySet[Pairing]:
    """The list's rows: lead, partners, place, activity, dormancy and mix; four queries."""
    rows = pairings_readable(scope=scope).select_related(
        "plan_year", "lead__county", "county", "township"
    )
    rows = rows.prefetch_related(Prefetch("partners", queryset=_partners_shown()))
    return with_mix(with_activity(rows, today=today))


def pairing_detail(*, scope: Scope, pk: int) -> Pairing | None:
    return pairing_list(scope=scope).select_related("created_by").filter(pk=pk).first()


def pairing_activities(pairing: Pairing) -> list[PairingActivity]:
    """The activities, newest first, with their attachments: two queries."""
    return list(
        pairing.activities.select_related("recorded_by").prefetch_related(
            Prefetch("attachments", queryset=ActivityAttachment.objects.order_by("pk"))
        )
    )


def pilot_pairings(*, pilot: Pilot, scope: Scope) -> list[Pairing]:
    """The pairings a pilot is a partner in, or (its enterprise) leads, that the user may read."""
    partnered = Q(partner_links__pilot=pilot)
    led = Q(lead_id=pilot.enterprise_id, plan_year_id=pilot.plan_year_id)
    rows = pairing_list(scope=scope).filter(partnered | led).distinct()
    return list(rows.order_by("status", "-starts_on", "-pk"))


def pilot_pairing_context(pilot: Pilot, scope: Scope) -> dict:
    """The pilot page's panel: its pairings (4 queries) and whether the user may start one."""
    enterprise = pilot.enterprise
    return {
        "pilot_id": pilot.pk,
        "enterprise_id": enterprise.pk,
        "year": pilot.plan_year.year,
        "pairings": pilot_pairings(pilot=pilot, scope=scope),
        "can_write": pilot.status != Pilot.Status.WITHDRAWN
        and scope.allows_write(county_id=enterprise.county_id, township_id=enterprise.township_id),
    }


def pilots_for_partnering(*, scope: Scope) -> QuerySet[Pilot]:
    """The pilots a user may choose as partners: of their area, not withdrawn."""
    pilots = Pilot.objects.exclude(status=Pilot.Status.WITHDRAWN).select_related(
        "enterprise__county", "plan_year"
    )
    pilots = pilots.order_by("-plan_year__year", "enterprise__name")
    return scope.filter(pilots, county="enterprise__county", township="enterprise__township")


# Figures for the overview and county pages (a fixed number of queries) ------


def pairings_within(
    *, plan_year: PlanYear, within: Region | None, county_ids: list[int] | None = None
) -> QuerySet[Pairing]:
    """The year's pairings with a partner inside the region (all of them without one).

    `county_ids`, the region's county-level units when the caller has them (a city page's
    `Progress.county_ids`), saves the query that finds them."""
    pairings = Pairing.objects.filter(plan_year=plan_year)
    if within is not None:
        partner = PairingPartner.objects.filter(
            Q(pairing=OuterRef("pk")) & pilot_within_q(within, "pilot__", county_ids=county_ids)
        )
        pairings = pairings.filter(Exists(partner))
    return pairings


def small_pilots(
    *, plan_year: PlanYear, within: Region | None = None, county_ids: list[int] | None = None
) -> QuerySet[Pilot]:
    """The year's small pilots (fewer than 300 employees) that have not withdrawn."""
    return Pilot.objects.filter(
        pilot_within_q(within, county_ids=county_ids),
        plan_year=plan_year,
        enterprise__employee_count__lt=SMALL_EMPLOYEE_LIMIT,
    ).exclude(status=Pilot.Status.WITHDRAWN)


def in_active_pairing() -> Q:
    """Pilots that are a partner of an active pairing. An uncorrelated `IN` (the partners of
    active pairings, read once), not an EXISTS per pilot: SQLite ran that as a scan of the
    pairings for each of the small pilots (0.6 s with 2,000 pairings)."""
    partners = PairingPartner.objects.filter(pairing__status=Pairing.Status.ACTIVE)
    return Q(pk__in=partners.values("pilot_id"))


@dataclass(frozen=True)
class PairingFigures:
    active_by_kind: dict[str, int]  # every kind
    ended: int
    dormant: int
    small_paired: int
    small_total: int
    mixes: dict[str, int]  # every mix, of the active pairings

    @property
    def active(self) -> int:
        return sum(self.active_by_kind.values())

    @property
    def total(self) -> int:
        return self.active + self.ended


def pairing_figures(
    *,
    plan_year: PlanYear,
    within: Region | None = None,
    today: datetime.date | None = None,
    county_ids: list[int] | None = None,
    small_total: int | None = None,
) -> PairingFigures:
    """Pairings by kind and status, dormant ones, the mix of the active ones, and the small
    pilots in an active pairing out of all small pilots. Three queries (four for a city when
    `county_ids` is not given).

    `small_total`, the region's small pilots that have not withdrawn when the caller has counted
    them (`pilots.quotas.quota_figures(small_below=SMALL_EMPLOYEE_LIMIT)`, with the quota
    figures): the third query then counts only the paired ones, starting from the partners of
    the active pairings instead of reading every pilot of the region."""
    if within is not None and within.level not in LOCAL_LEVELS and county_ids is None:
        county_ids = county_ids_within(within)
    pairings = pairings_within(plan_year=plan_year, within=within, county_ids=county_ids)
    by_kind, ended, dormant = dict.fromkeys(Pairing.Kind.values, 0), 0, 0
    groups: dict[int, set[str]] = {}  # the ownership groups of each active pairing
    rows = with_activity(pairings, today=today).values_list(
        "pk", "kind", "status", "is_dormant", "lead__ownership", "lead__state_controls"
    )
    for pk, kind, status, is_dormant, ownership, state_controls in rows:
        if status == Pairing.Status.ENDED:
            ended += 1
            continue
        by_kind[kind] += 1
        dormant += bool(is_dormant)
        groups[pk] = {group_of(ownership, state_controls)}
    # The partners' groups, read as rows (one query) rather than as three EXISTS per pairing,
    # which PostgreSQL answered by hashing the enterprises of every group.
    partners = PairingPartner.objects.filter(
        pairing__in=pairings.filter(status=Pairing.Status.ACTIVE).values("pk")
    ).values_list("pairing_id", "pilot__enterprise__ownership", "pilot__enterprise__state_controls")
    for pairing_id, ownership, state_controls in partners:
        if pairing_id in groups:
            groups[pairing_id].add(group_of(ownership, state_controls))
    mixes = dict.fromkeys(MIXES, 0)
    for present in groups.values():
        key = mix_key(present)
        mixes[key] = mixes.get(key, 0) + 1
    small = small_pilots(plan_year=plan_year, within=within, county_ids=county_ids)
    if small_total is None:
        small = small.aggregate(total=Count("pk"), paired=Count("pk", filter=in_active_pairing()))
    else:
        partners = PairingPartner.objects.filter(
            pairing__status=Pairing.Status.ACTIVE, pilot__in=small.values("pk")
        )
        small = {"total": small_total, "paired": partners.values("pilot").distinct().count()}
    return PairingFigures(
        active_by_kind=by_kind,
        ended=ended,
        dormant=dormant,
        small_paired=small["paired"],
        small_total=small["total"],
        mixes=mixes,
    )


def pairing_history(pairing: Pairing, *, limit: int | None = None) -> list:
    """The pairing's history (pilots.selectors.record_history) with its lead and creator named
    rather than numbered: one query per kind of name."""
    from dataclasses import replace

    from pilots.models import Enterprise
    from pilots.selectors import record_history
    from reform.models import User

    entries = record_history(pairing, limit=limit)
    fields = {
        str(Pairing._meta.get_field("lead").verbose_name): Enterprise,
        str(Pairing._meta.get_field("created_by").verbose_name): User,
    }
    wanted = {model: set() for model in fields.values()}
    for entry in entries:
        for change in entry.changes:
            if change.field in fields:
                wanted[fields[change.field]] |= {v for v in (change.old, change.new) if v.isdigit()}
    names = {
        (model, str(obj.pk)): (obj.get_full_name() or obj.username) if model is User else obj.name
        for model, ids in wanted.items()
        for obj in model.objects.filter(pk__in=[int(i) for i in ids])
    }
    for entry in entries:
        entry.changes[:] = [
            replace(
                change,
                old=names.get((fields[change.field], change.old), change.old),
                new=names.get((fields[change.field], change.new), change.new),
            )
            if change.field in fields
            else change
            for change in entry.changes
        ]
    return entries
