"""Writes of applications (申报) and of the units' recommendations (推荐).

Who: staff whose scope holds the pilot (and its tier) write its application; a county-level
unit's officials recommend its applications, city staff those of city-tier pilots
(reform.scopes). When: the MOVES table of Application, checked against the dated phases.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from demonstration.models import (
    Application,
    ApplicationSection,
    Evidence,
    RubricDimension,
    SelectionRound,
)
from demonstration.services.moves import check_move, now, phases_of
from demonstration.services.rounds import quota_for
from pilots.models import Pilot
from reform.files import CheckedFile
from reform.models import Region, User
from reform.scopes import scope_for


def _save(record, *, user: User | None) -> None:
    record._history_user = user
    record.full_clean()
    record.save()


def may_write_application(user: User | None, pilot: Pilot) -> bool:
    enterprise = pilot.enterprise
    return scope_for(user).allows_pilot_write(
        county_id=enterprise.county_id, township_id=enterprise.township_id, tier=pilot.tier
    )


def _check(application: Application, action: str) -> None:
    check_move(
        Application.MOVES[action],
        state=application.status,
        state_label=application.get_status_display(),
        phases=phases_of(application.round),
    )


@transaction.atomic
def application_open(*, round: SelectionRound, pilot: Pilot, user: User | None) -> Application:
    """A new (draft) application of a confirmed pilot of the round's plan year."""
    if not may_write_application(user, pilot):
        raise PermissionDenied
    check_move(Application.MOVES["open"], state=None, phases=phases_of(round))
    if pilot.plan_year_id != round.plan_year_id:
        raise ValidationError(
            _("Only pilots of plan year %(year)s can apply in this round.")
            % {"year": round.plan_year.year}
        )
    if pilot.status != Pilot.Status.CONFIRMED:
        raise ValidationError(
            _("Only confirmed pilots can apply; %(name)s is %(status)s.")
            % {"name": pilot.enterprise.name, "status": pilot.get_status_display()}
        )
    if Application.objects.filter(round=round, pilot=pilot).exists():
        raise ValidationError(_("This pilot already has an application in this round."))
    application = Application(round=round, pilot=pilot, created_by=user)
    _save(application, user=user)
    return application


@transaction.atomic
def application_save(
    *,
    application: Application,
    texts: dict[int, str],
    new_files: dict[int, list[CheckedFile]],
    removed_files: set[int],
    user: User | None,
) -> Application:
    """Save the self-assessments (by dimension id), add and remove evidence files."""
    if not may_write_application(user, application.pilot):
        raise PermissionDenied
    _check(application, "edit")
    dimensions = {d.pk: d for d in RubricDimension.objects.filter(round=application.round)}
    sections = {s.dimension_id: s for s in application.sections.all()}
    for dimension_id in set(texts) | set(new_files):
        if dimension_id not in dimensions:
            raise ValidationError(_("This dimension is not in the round's rubric."))
        section = sections.get(dimension_id) or ApplicationSection(
            application=application, dimension=dimensions[dimension_id]
        )
        text = texts.get(dimension_id, section.text).strip()
        if section.pk is None or section.text != text:
            section.text = text
            _save(section, user=user)
            sections[dimension_id] = section
        for checked in new_files.get(dimension_id, []):
            evidence = Evidence(section=section, uploaded_by=user, **checked.model_fields())
            _save(evidence, user=user)
    for evidence in Evidence.objects.filter(pk__in=removed_files, section__application=application):
        evidence._history_user = user
        evidence.file.delete(save=False)
        evidence.delete()
    return application


@transaction.atomic
def application_submit(*, application: Application, user: User | None) -> Application:
    """Hand the application in: from now on only the recommendation decides about it."""
    if not may_write_application(user, application.pilot):
        raise PermissionDenied
    _check(application, "submit")
    written = {s.dimension_id for s in application.sections.all() if s.text.strip()}
    missing = [
        d.name
        for d in RubricDimension.objects.filter(round=application.round)
        if d.pk not in written
    ]
    if missing:
        raise ValidationError(
            _("Write the self-assessment of every dimension before submitting; missing: %(names)s.")
            % {"names": "、".join(missing)}
        )
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now()
    application.submitted_by = user
    _save(application, user=user)
    return application


@transaction.atomic
def application_reopen(*, application: Application, user: User | None) -> Application:
    """Take a submitted application back to draft, while applications are still open."""
    if not may_write_application(user, application.pilot):
        raise PermissionDenied
    _check(application, "reopen")
    application.status = Application.Status.DRAFT
    application.submitted_at = None
    application.submitted_by = None
    _save(application, user=user)
    return application


# Recommendation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    application_id: int
    recommend: bool
    order: int | None = None
    opinion: str = ""


def unit_applications(round: SelectionRound, county: Region | None):
    """The applications a unit decides on: submitted ones and those already decided.

    A county-level unit decides on its county- and township-tier pilots; the city (county
    None) on the city-tier pilots.
    """
    queryset = Application.objects.filter(round=round, status__in=Application.DECIDED)
    if county is None:
        return queryset.filter(pilot__tier=Pilot.Tier.CITY)
    return queryset.filter(pilot__enterprise__county=county).exclude(pilot__tier=Pilot.Tier.CITY)


@transaction.atomic
def recommendation_save(
    *,
    round: SelectionRound,
    county: Region | None,
    decisions: list[Decision],
    user: User | None,
) -> int:
    """The unit's recommendations: which applications, in which order, with which opinion.

    At most the unit's quota; every recommended one needs an opinion and its own place in the
    order. Refused as a whole, with every problem named, when anything is wrong. Returns how
    many applications are recommended.
    """
    county_id = county.pk if county else None
    if not scope_for(user).allows_recommending(county_id=county_id):
        raise PermissionDenied
    applications = {
        a.pk: a for a in unit_applications(round, county).select_related("pilot__enterprise")
    }
    unknown = [d for d in decisions if d.application_id not in applications]
    if unknown:
        raise ValidationError(_("An application of another unit was sent; nothing was saved."))
    # The unit decides on all its applications at once, so the quota counts every one of them.
    if {d.application_id for d in decisions} != set(applications):
        raise ValidationError(
            _("The unit's list of applications changed: reload the page and decide again.")
        )
    for decision in decisions:
        _check(applications[decision.application_id], "recommend")
    chosen = [d for d in decisions if d.recommend]
    quota = quota_for(round, county_id)
    unit = county.name if county else _("City-tier pilots")
    errors = []
    if len(chosen) > quota:
        errors.append(
            _("%(unit)s may recommend at most %(quota)s applications; %(count)s were chosen.")
            % {"unit": unit, "quota": quota, "count": len(chosen)}
        )
    no_opinion = [applications[d.application_id] for d in chosen if not d.opinion.strip()]
    if no_opinion:
        errors.append(
            _("Write an opinion on every recommended application: %(names)s.")
            % {"names": "、".join(a.pilot.enterprise.name for a in no_opinion)}
        )
    orders = [d.order for d in chosen if d.order is not None]
    repeated = sorted({o for o in orders if orders.count(o) > 1})
    if repeated:
        errors.append(
            _(
                "Each recommended application needs its own place in the order; "
                "%(orders)s is given twice."
            )
            % {"orders": "、".join(str(o) for o in repeated)}
        )
    if errors:
        raise ValidationError(errors)
    # Places as given, those without one after them; numbered 1, 2, 3 … without gaps.
    ordered = sorted(
        chosen,
        key=lambda d: (d.order is None, d.order or 0, applications[d.application_id].pk),
    )
    places = {d.application_id: place for place, d in enumerate(ordered, start=1)}
    at = now()
    for decision in decisions:
        application = applications[decision.application_id]
        if decision.recommend:
            values = (Application.Status.RECOMMENDED, places[application.pk])
        else:
            values = (Application.Status.NOT_RECOMMENDED, None)
        opinion = decision.opinion.strip()
        if (application.status, application.recommendation_order) == values and (
            application.recommendation_opinion == opinion
        ):
            continue
        application.status, application.recommendation_order = values
        application.recommendation_opinion = opinion
        application.recommended_by, application.recommended_at = user, at
        _save(application, user=user)
    return len(chosen)


@transaction.atomic
def applications_close_undecided(*, round: SelectionRound, user: User | None) -> int:
    """Close what no unit decided on as not recommended, once the recommendation phase is over.

    Called when the review is prepared (assignments, the notice list); returns how many.
    """
    undecided = list(round.applications.filter(status=Application.Status.SUBMITTED))
    if not undecided:
        return 0
    _check(undecided[0], "close")
    for application in undecided:
        application.status = Application.Status.NOT_RECOMMENDED
        application._change_reason = "closed: not recommended when the phase ended"
        _save(application, user=user)
    return len(undecided)
