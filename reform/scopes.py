"""Who may see and change what: decided here, applied by every selector, view and export.

A scope is the part of the region tree a user works in. Querysets are narrowed by naming the
fields that place a record in a county-level unit and a township; views ask `can_write` and
`allows` before they change anything. Anything outside a scope answers 404 (see
`get_object_in_scope`), never someone else's data.

Reviewers (评审专家) have no region scope at all: every list of records is empty for them and
every record page answers 404; they see only what they were assigned to score
(`filter_assigned`). The aggregated dashboards stay visible to them, as to every signed-in user.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from reform.models import Park, Region, User

# A region id no record has: a scope placed here sees no records of any unit.
NOWHERE = -1


@dataclass(frozen=True)
class Scope:
    role: str
    county_id: int | None = None  # None: every county-level unit
    township_id: int | None = None  # None: every township of the county
    can_write: bool = False
    is_admin: bool = False
    reviewer_id: int | None = None  # a reviewer's own user id: their assignments

    @property
    def is_reviewer(self) -> bool:
        return self.reviewer_id is not None

    @property
    def sees_records(self) -> bool:
        """False for reviewers and anonymous visitors: no records of any unit."""
        return self.county_id != NOWHERE

    @property
    def runs_city_work(self) -> bool:
        """City staff and administrators: they run what the city runs (selection rounds)."""
        return self.can_write and self.is_everywhere

    @property
    def names_reviewers(self) -> bool:
        """Who may see which reviewer gave which score: those who run the review.

        Leaders read the scores too, with the reviewers shown as 专家1…N.
        """
        return self.runs_city_work

    def filter_assigned(self, queryset: QuerySet, *, reviewer: str) -> QuerySet:
        """The records this reviewer was assigned (`reviewer`: the lookup to the reviewer);
        nothing for everyone else, who reach records through their region scope."""
        if self.reviewer_id is None:
            return queryset.none()
        return queryset.filter(**{f"{reviewer}_id": self.reviewer_id})

    @property
    def is_everywhere(self) -> bool:
        return self.county_id is None and self.township_id is None

    @property
    def region_id(self) -> int | None:
        return self.township_id or self.county_id

    def q(self, *, county: str, township: str | None = None) -> Q:
        """A filter keeping the records placed inside this scope.

        `county` and `township` are the lookups to the record's county-level unit and township,
        for example county="enterprise__county", township="enterprise__township".
        """
        if self.township_id is not None:
            if township is None:
                return Q(pk__in=[])
            return Q(**{f"{township}_id": self.township_id})
        if self.county_id is not None:
            return Q(**{f"{county}_id": self.county_id})
        return Q()

    def filter(self, queryset: QuerySet, *, county: str, township: str | None = None) -> QuerySet:
        if self.is_everywhere:
            return queryset
        return queryset.filter(self.q(county=county, township=township))

    def allows(self, *, county_id: int | None, township_id: int | None = None) -> bool:
        """Whether a record placed in this county (and township) lies inside the scope."""
        if self.township_id is not None:
            return township_id == self.township_id
        if self.county_id is not None:
            return county_id == self.county_id
        return True

    def covers(self, region: Region) -> bool:
        """Whether a whole region (city, county-level unit or township) lies inside the scope.

        Then every pilot placed in it is in the user's lists, so a figure about the region may
        link to the list of its pilots and the list shows the same number.
        """
        if self.is_everywhere:
            return True
        if region.level == Region.Level.TOWNSHIP:
            return self.allows(county_id=region.parent_id, township_id=region.pk)
        if region.level == Region.Level.COUNTY:
            return self.township_id is None and self.county_id == region.pk
        return False

    def allows_write(self, *, county_id: int | None, township_id: int | None = None) -> bool:
        return self.can_write and self.allows(county_id=county_id, township_id=township_id)

    @property
    def registrable_tiers(self) -> tuple[str, ...]:
        """The pilot tiers this scope may register and change (tiers are named like levels).

        City staff and administrators: every tier; county officials: county and township tier
        in their county; township officials: township tier in their township; leaders: none.
        """
        if not self.can_write:
            return ()
        if self.township_id is not None:
            return (Region.Level.TOWNSHIP.value,)
        if self.county_id is not None:
            return (Region.Level.COUNTY.value, Region.Level.TOWNSHIP.value)
        return (Region.Level.CITY.value, Region.Level.COUNTY.value, Region.Level.TOWNSHIP.value)

    def allows_tier(self, tier: str) -> bool:
        return tier in self.registrable_tiers

    def allows_pilot_write(
        self, *, county_id: int | None, township_id: int | None, tier: str
    ) -> bool:
        """Whether a pilot, and everything that is part of it (its own plan), may be changed:
        its enterprise lies inside the scope and its tier is one the scope registers. A county
        official reads a city-tier pilot of the county, and its plan, but changes neither."""
        in_scope = self.allows_write(county_id=county_id, township_id=township_id)
        return in_scope and self.allows_tier(tier)

    def allows_recommending(self, *, county_id: int | None) -> bool:
        """Who recommends a unit's applications in a demonstration selection round: a
        county-level unit's officials (city staff too), and city staff for the city-tier
        pilots (county_id None)."""
        if county_id is None:
            return self.runs_city_work
        return self.allows_county_write(county_id=county_id)

    def reads_unit(self, *, county_id: int | None) -> bool:
        """Who reads a unit's recommendation list: the county's own officials (not township
        officials: it lists other townships' pilots) and those who read everything."""
        if self.is_everywhere:
            return True
        return county_id is not None and self.township_id is None and county_id == self.county_id

    def parks(self) -> QuerySet:
        """The parks a user may place an enterprise in: those of the counties in scope."""
        parks = Park.objects.select_related("county")
        if self.county_id is not None:
            return parks.filter(county_id=self.county_id)
        return parks

    def filter_county_records(self, queryset: QuerySet, *, county: str) -> QuerySet:
        """Records that belong to a county-level unit as a whole (parks, clusters, stations).

        They have no township: township officials read those of their own county.
        """
        if self.county_id is None:
            return queryset
        return queryset.filter(**{f"{county}_id": self.county_id})

    def allows_county_write(self, *, county_id: int | None) -> bool:
        """Whether a county-level record may be changed: writers above township level only."""
        if not self.can_write or self.township_id is not None:
            return False
        return self.county_id is None or county_id == self.county_id

    def regions(self, level: str) -> QuerySet:
        """The regions of a level a user may choose (county or township)."""
        regions = Region.objects.filter(level=level)
        if self.township_id is not None:
            if level == Region.Level.TOWNSHIP:
                return regions.filter(pk=self.township_id)
            return regions.filter(children=self.township_id)
        if self.county_id is not None:
            if level == Region.Level.TOWNSHIP:
                return regions.filter(parent_id=self.county_id)
            return regions.filter(pk=self.county_id)
        return regions


NO_SCOPE = Scope(role="anonymous", county_id=NOWHERE, township_id=NOWHERE)


def scope_for(user) -> Scope:
    """The scope of a user; anonymous and inactive users see nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_SCOPE
    if user.is_superuser or user.role == User.Role.ADMIN:
        return Scope(role=User.Role.ADMIN, can_write=True, is_admin=True)
    if user.role == User.Role.CITY_STAFF:
        return Scope(role=user.role, can_write=True)
    if user.role == User.Role.LEADER:
        return Scope(role=user.role, can_write=False)
    if user.role == User.Role.REVIEWER:
        # Their own county-level unit (user.region) only keeps them off its applications.
        return Scope(role=user.role, county_id=NOWHERE, township_id=NOWHERE, reviewer_id=user.pk)
    if user.role == User.Role.COUNTY and user.region_id:
        return Scope(role=user.role, county_id=user.region_id, can_write=True)
    if user.role == User.Role.TOWNSHIP and user.region_id:
        region = user.region
        return Scope(
            role=user.role, county_id=region.parent_id, township_id=region.pk, can_write=True
        )
    return NO_SCOPE


def get_object_in_scope(
    queryset: QuerySet, scope: Scope, *, county: str, township: str | None, **lookup
) -> Model:
    """The record, or 404 when it does not exist or lies outside the scope."""
    obj = scope.filter(queryset, county=county, township=township).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def get_county_record_in_scope(queryset: QuerySet, scope: Scope, *, county: str, **lookup) -> Model:
    """A record belonging to a county as a whole (see `Scope.filter_county_records`), or 404."""
    obj = scope.filter_county_records(queryset, county=county).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def require_write(scope: Scope) -> None:
    """Leaders (and anyone without write rights) get 403 on changes."""
    if not scope.can_write:
        raise PermissionDenied
