"""Who is still alone: small pilots without an active pairing, and the leads to suggest.

A lead suits a small pilot when it could lead it in 大手牵小手 (state-owned, a leading
enterprise or at least 300 employees, and more employees than the pilot). Suggestions are
ranked by what the two share — same industry cluster, then same industry division (the first
two digits of a GB/T 4754-2017 code; an unclassified or section-level enterprise has none), then
same park, then
same county-level unit (a lead sharing none of these is not suggested) — and, among equals, a
state-owned or leading lead of another ownership group comes first (the work plan wants
exchange across ownership). Each suggestion says why it was made.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clusters.models import ClusterMembership
from demonstration.models import SMALL_EMPLOYEE_LIMIT
from demonstration.pairings.selectors import in_active_pairing, small_pilots
from pilots.models import Enterprise, Pilot
from pilots.ownership import OwnershipGroup, group_of, group_q
from reform.models import Industry, PlanYear
from reform.scopes import Scope

# How many leads a pilot is offered.
SUGGESTIONS_SHOWN = 3
SAME_CLUSTER, SAME_INDUSTRY, SAME_PARK, SAME_COUNTY = range(4)


@dataclass(frozen=True)
class Suggestion:
    lead: Enterprise
    closeness: int  # SAME_CLUSTER … SAME_COUNTY
    reason: str
    across: bool  # a state-owned or leading lead of another ownership group
    across_reason: str = ""

    @property
    def key(self) -> tuple:
        return (self.closeness, not self.across, self.lead.name, self.lead.pk)


@dataclass(frozen=True)
class AlonePilot:
    pilot: Pilot
    suggestions: list[Suggestion]


def alone_pilots(*, scope: Scope, plan_year: PlanYear) -> QuerySet[Pilot]:
    """Small pilots of the year in the user's area without an active pairing of any kind."""
    pilots = small_pilots(plan_year=plan_year).exclude(in_active_pairing())
    pilots = pilots.select_related(
        "enterprise__county", "enterprise__township", "enterprise__park", "enterprise__industry"
    ).order_by("enterprise__county__code", "enterprise__name", "pk")
    if not scope.sees_records:
        return pilots.none()
    return scope.filter(pilots, county="enterprise__county", township="enterprise__township")


def lead_candidates() -> list[Enterprise]:
    """Every enterprise that could lead a 大手牵小手 pairing, with its place and industry."""
    qualifies = (
        group_q(OwnershipGroup.STATE_OWNED)
        | Q(is_leading=True)
        | Q(employee_count__gte=SMALL_EMPLOYEE_LIMIT)
    )
    return list(
        Enterprise.objects.filter(qualifies)
        .select_related("county", "park", "industry")
        .only(
            "name", "employee_count", "ownership", "state_controls", "is_leading",
            "county__name", "park__name", "industry__code", "industry__name",
        )
        .order_by("name", "pk")
    )  # fmt: skip


def _clusters(enterprise_ids) -> dict[int, dict[int, str]]:
    """enterprise id → {cluster id: cluster name}, one query."""
    found = defaultdict(dict)
    rows = ClusterMembership.objects.filter(enterprise_id__in=list(enterprise_ids)).values_list(
        "enterprise_id", "cluster_id", "cluster__name"
    )
    for enterprise_id, cluster_id, name in rows:
        found[enterprise_id][cluster_id] = name
    return found


def division_of(enterprise: Enterprise) -> str:
    """The GB/T 4754-2017 division (两位数代码) an enterprise is classed in, "" when none: an
    unclassified (待归类) enterprise, or one classed only at its section."""
    code = enterprise.industry.code if enterprise.industry_id else ""
    return code[:2] if code[:2].isdigit() else ""


def _divisions() -> dict[str, str]:
    """Division code → name, one query (97 rows)."""
    rows = Industry.objects.filter(level=Industry.Level.DIVISION).values_list("code", "name")
    return dict(rows)


def _closeness(
    pilot: Enterprise, lead: Enterprise, clusters, divisions: dict[str, str]
) -> tuple[int, str] | None:
    shared = set(clusters.get(pilot.pk, {})) & set(clusters.get(lead.pk, {}))
    if shared:
        name = clusters[pilot.pk][min(shared)]
        return SAME_CLUSTER, _("same cluster: %(name)s") % {"name": name}
    division = division_of(pilot)
    if division and division == division_of(lead):
        name = divisions.get(division, division)
        return SAME_INDUSTRY, _("same industry division: %(code)s %(name)s") % {
            "code": division,
            "name": name,
        }
    if pilot.park_id and pilot.park_id == lead.park_id:
        return SAME_PARK, _("same park: %(name)s") % {"name": pilot.park.name}
    if pilot.county_id == lead.county_id:
        return SAME_COUNTY, _("same county-level unit: %(name)s") % {"name": pilot.county.name}
    return None


def _across(pilot: Enterprise, lead: Enterprise) -> str:
    """Why the lead brings exchange across ownership, or "" when it does not."""
    lead_group = group_of(lead.ownership, lead.state_controls)
    if lead_group == group_of(pilot.ownership, pilot.state_controls):
        return ""
    if lead_group == OwnershipGroup.STATE_OWNED:
        return _("state-owned, of another ownership group")
    if lead.is_leading:
        return _("leading enterprise of another ownership group")
    return ""


def suggest_leads(
    pilot: Pilot,
    candidates: list[Enterprise],
    clusters,
    divisions: dict[str, str],
    *,
    limit: int = SUGGESTIONS_SHOWN,
) -> list[Suggestion]:
    small = pilot.enterprise
    found = []
    for lead in candidates:
        if lead.pk == small.pk or lead.employee_count <= small.employee_count:
            continue
        close = _closeness(small, lead, clusters, divisions)
        if close is None:
            continue
        across = _across(small, lead)
        found.append(Suggestion(lead, close[0], close[1], bool(across), across))
    found.sort(key=lambda suggestion: suggestion.key)
    return found[:limit]


def with_suggestions(pilots: list[Pilot]) -> list[AlonePilot]:
    """The pilots (of one page) each with its best leads: four queries in all."""
    candidates = lead_candidates()
    clusters = _clusters({p.enterprise_id for p in pilots} | {c.pk for c in candidates})
    divisions = _divisions()
    return [
        AlonePilot(pilot, suggest_leads(pilot, candidates, clusters, divisions)) for pilot in pilots
    ]
