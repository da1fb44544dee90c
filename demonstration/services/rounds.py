"""Writes of rounds: creating and editing them, their phases, quotas and rubric.

Only those who run the city's work (city staff, administrators; reform.scopes) change rounds.
Every change is saved through the model, so django-simple-history records who and when.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from demonstration.models import (
    DEFAULT_PHASE_DAYS,
    PHASES,
    ApplicationSection,
    Phase,
    RecommendationQuota,
    RoundPhase,
    RubricDimension,
    RubricIndicator,
    SelectionRound,
    day_start,
)
from demonstration.rubric import DimensionInput, default_rubric, rubric_errors
from demonstration.services.moves import now, phases_of
from pilots.models import Pilot
from reform.models import PlanYear, Region, User
from reform.scopes import scope_for

# The fields of a round a form may set (besides its phases).
ROUND_FIELDS = (
    "name",
    "units_to_name",
    "default_quota",
    "city_quota",
    "reviewers_per_application",
    "notice_days",
    "notice_contact",
)

# Phase dates as people give them: the first and the last day it is open.
PhaseDays = dict[str, tuple[datetime.date, datetime.date]]


def require_city_work(user: User | None) -> None:
    if not scope_for(user).runs_city_work:
        raise PermissionDenied


def _save(record, *, user: User | None, reason: str = "") -> None:
    record._history_user = user
    if reason:
        record._change_reason = reason
    record.full_clean()
    record.save()


def default_phase_days(start: datetime.date, *, notice_days: int = 7) -> PhaseDays:
    """Back-to-back phases from `start`, each of its default length."""
    days, first = {}, start
    for phase in PHASES:
        length = notice_days if phase == Phase.NOTICE else DEFAULT_PHASE_DAYS[phase]
        days[phase] = (first, first + datetime.timedelta(days=length - 1))
        first += datetime.timedelta(days=length)
    return days


def _spans(days: PhaseDays) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    return {
        phase: (day_start(first), day_start(last + datetime.timedelta(days=1)))
        for phase, (first, last) in days.items()
    }


def check_phase_order(spans: dict[str, tuple[datetime.datetime, datetime.datetime]]) -> None:
    """Every phase opens before it closes, and after the one before it has closed."""
    errors = []
    for index, phase in enumerate(PHASES):
        opens, closes = spans[phase]
        if opens >= closes:
            errors.append(
                _("The %(phase)s phase must end on or after the day it opens.")
                % {"phase": Phase(phase).label}
            )
        if index and opens < spans[PHASES[index - 1]][1]:
            errors.append(
                _("The %(phase)s phase must open after the %(earlier)s phase has closed.")
                % {"phase": Phase(phase).label, "earlier": Phase(PHASES[index - 1]).label}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(
    *, plan_year: PlanYear, fields: dict, phase_days: PhaseDays, user: User | None
) -> SelectionRound:
    """A round with its five phases and the default rubric (a proposal until adopted)."""
    require_city_work(user)
    if SelectionRound.objects.filter(plan_year=plan_year).exists():
        raise ValidationError(_("This plan year already has a selection round."))
    spans = _spans(phase_days)
    check_phase_order(spans)
    round = SelectionRound(plan_year=plan_year, created_by=user, **fields)
    _save(round, user=user)
    for phase in PHASES:
        opens, closes = spans[phase]
        _save(RoundPhase(round=round, phase=phase, opens_at=opens, closes_at=closes), user=user)
    _write_rubric(round, default_rubric(), user=user)
    return round


@transaction.atomic
def round_update(
    *, round: SelectionRound, fields: dict, phase_days: PhaseDays, user: User | None
) -> SelectionRound:
    """Change a round's figures and the dates of its phases.

    A phase whose days are given as they stand keeps its exact moments, so a phase that was
    closed early stays closed.
    """
    require_city_work(user)
    phases = phases_of(round)
    spans = {phase: (row.opens_at, row.closes_at) for phase, row in phases.items()}
    changed = []
    for phase, (first, last) in phase_days.items():
        row = phases[phase]
        if (first, last) == (row.first_day, row.last_day):
            continue
        spans[phase] = (
            day_start(first) if first != row.first_day else row.opens_at,
            day_start(last + datetime.timedelta(days=1)) if last != row.last_day else row.closes_at,
        )
        changed.append(phase)
    check_phase_order(spans)
    for name, value in fields.items():
        setattr(round, name, value)
    _save(round, user=user)
    for phase in changed:
        row = phases[phase]
        row.opens_at, row.closes_at = spans[phase]
        _save(row, user=user, reason="round_update")
    return round


@transaction.atomic
def round_phase_close(*, round: SelectionRound, phase: str, user: User | None) -> RoundPhase:
    """Close an open phase now (city staff end it early)."""
    require_city_work(user)
    row = phases_of(round)[phase]
    at = now()
    if row.state(at) != RoundPhase.State.OPEN:
        raise ValidationError(
            _("The %(phase)s phase is not open: there is nothing to close.")
            % {"phase": row.get_phase_display()}
        )
    row.closes_at = at
    _save(row, user=user, reason="closed early")
    return row


@transaction.atomic
def round_phase_extend(
    *, round: SelectionRound, phase: str, last_day: datetime.date, user: User | None
) -> RoundPhase:
    """Let a phase run until the end of `last_day` (reopening it if it had closed)."""
    require_city_work(user)
    phases = phases_of(round)
    row = phases[phase]
    closes = day_start(last_day + datetime.timedelta(days=1))
    if closes <= max(row.closes_at, now()):
        raise ValidationError(
            _("Choose a day after %(day)s: extending moves the end later.")
            % {"day": date_format(max(row.last_day, last_day), "DATE_FORMAT")}
        )
    index = PHASES.index(phase)
    if index + 1 < len(PHASES):
        following = phases[PHASES[index + 1]]
        if closes > following.opens_at:
            raise ValidationError(
                _(
                    "The %(phase)s phase would then overlap the %(next)s phase, which opens on "
                    "%(day)s. Move that phase first (edit the round's dates)."
                )
                % {
                    "phase": row.get_phase_display(),
                    "next": following.get_phase_display(),
                    "day": date_format(following.first_day, "DATE_FORMAT"),
                }
            )
    row.closes_at = closes
    _save(row, user=user, reason="extended")
    return row


@transaction.atomic
def round_quotas_set(
    *, round: SelectionRound, quotas: dict[int, int | None], user: User | None
) -> int:
    """Give county-level units their own recommendation quota (None: the round's default).

    Refused once the recommendation phase is over, and below what a unit already recommended.
    Returns how many units changed.
    """
    from demonstration.models import Application

    require_city_work(user)
    recommendation = phases_of(round)[Phase.RECOMMENDATION]
    if recommendation.state(now()) == RoundPhase.State.CLOSED:
        raise ValidationError(
            _("The recommendation phase is over: the quotas can no longer change.")
        )
    counties = {r.pk: r for r in Region.objects.filter(pk__in=quotas, level=Region.Level.COUNTY)}
    have = {q.county_id: q for q in RecommendationQuota.objects.filter(round=round)}
    recommended = {}
    recommended_here = Application.objects.filter(
        round=round, status=Application.Status.RECOMMENDED
    ).exclude(pilot__tier=Pilot.Tier.CITY)  # city-tier pilots are the city's, not the county's
    for county_id in recommended_here.values_list("pilot__enterprise__county_id", flat=True):
        recommended[county_id] = recommended.get(county_id, 0) + 1
    errors, changed = [], 0
    for county_id, quota in quotas.items():
        county = counties.get(county_id)
        if county is None:
            raise ValidationError(_("Choose a county-level unit."))
        effective = round.default_quota if quota is None else quota
        if effective < recommended.get(county_id, 0):
            errors.append(
                _("%(county)s has already recommended %(count)s; its quota cannot be lower.")
                % {"county": county.name, "count": recommended[county_id]}
            )
    if errors:
        raise ValidationError(errors)
    for county_id, quota in quotas.items():
        row = have.get(county_id)
        if quota is None or quota == round.default_quota:
            if row is not None:
                row._history_user = user
                row.delete()
                changed += 1
        elif row is None or row.quota != quota:
            row = row or RecommendationQuota(round=round, county=counties[county_id])
            row.quota = quota
            _save(row, user=user)
            changed += 1
    return changed


def quota_for(round: SelectionRound, county_id: int | None) -> int:
    """The recommendation quota of a county-level unit (None: the city's, for city tier)."""
    if county_id is None:
        return round.city_quota
    row = RecommendationQuota.objects.filter(round=round, county_id=county_id).first()
    return row.quota if row else round.default_quota


@transaction.atomic
def rubric_save(
    *, round: SelectionRound, dimensions: list[DimensionInput], user: User | None
) -> None:
    """Replace the round's rubric by this one (and adopt it), until the review starts.

    Refused with every problem named — nothing is saved — when an indicator's points do not
    add up to its dimension's maximum, or a dimension that applications wrote about would go.
    """
    require_city_work(user)
    review = phases_of(round)[Phase.REVIEW]
    if review.state(now()) != RoundPhase.State.UPCOMING:
        raise ValidationError(
            _("The review started on %(day)s: the rubric can no longer change.")
            % {"day": date_format(review.first_day, "DATE_FORMAT")}
        )
    errors = rubric_errors(dimensions)
    kept = {d.pk for d in dimensions if d.pk}
    gone = RubricDimension.objects.filter(round=round).exclude(pk__in=kept)
    written = (
        ApplicationSection.objects.filter(dimension__in=gone)
        .filter(~Q(text="") | Q(evidence__isnull=False))
        .values_list("dimension__name", flat=True)
        .distinct()
    )
    for name in written:
        errors.append(
            _("%(dimension)s cannot be removed: applications already hold self-assessments on it.")
            % {"dimension": name}
        )
    if errors:
        raise ValidationError(errors)
    ApplicationSection.objects.filter(dimension__in=gone).delete()
    for dimension in gone:
        dimension._history_user = user
        dimension.delete()
    _write_rubric(round, dimensions, user=user)
    round.rubric_adopted_at = now()
    round.rubric_adopted_by = user
    _save(round, user=user, reason="rubric adopted")


def _write_rubric(round: SelectionRound, dimensions: list[DimensionInput], *, user) -> None:
    existing = {d.pk: d for d in RubricDimension.objects.filter(round=round)}
    indicators = {i.pk: i for i in RubricIndicator.objects.filter(dimension__round=round)}
    for order, given in enumerate(dimensions, start=1):
        dimension = existing.get(given.pk) or RubricDimension(round=round, key=given.key)
        if (dimension.pk, dimension.name, dimension.max_points, dimension.order) != (
            given.pk,
            given.name,
            given.max_points,
            order,
        ):
            dimension.name, dimension.max_points, dimension.order = (
                given.name,
                given.max_points,
                order,
            )
            _save(dimension, user=user)
        keep = set()
        for position, item in enumerate(given.indicators, start=1):
            indicator = indicators.get(item.pk)
            if indicator is None or indicator.dimension_id != dimension.pk:
                indicator = RubricIndicator(dimension=dimension)
            if (indicator.pk, indicator.name, indicator.max_points, indicator.order) != (
                item.pk,
                item.name,
                item.max_points,
                position,
            ):
                indicator.name, indicator.max_points, indicator.order = (
                    item.name,
                    item.max_points,
                    position,
                )
                _save(indicator, user=user)
            keep.add(indicator.pk)
        for indicator in RubricIndicator.objects.filter(dimension=dimension).exclude(pk__in=keep):
            indicator._history_user = user
            indicator.delete()
