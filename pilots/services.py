"""Writes of enterprises and pilots: keyword-only, typed, with history and optimistic locking.

Every change is saved through the model (so django-simple-history records who, when and what);
bulk writes go through simple_history's bulk helpers. An edit carries the version it was based
on; when someone else saved in between, the edit is refused and nothing is overwritten.
"""

from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from pilots.candidates import region_q, rule_tier
from pilots.models import Enterprise, Pilot
from reform.models import PlanYear, User


class StaleEditError(Exception):
    """Someone else saved the record after this edit was started; str() is for the user."""

    def __init__(self, record: Model):
        self.record = record
        super().__init__(
            _(
                "Someone else saved %(record)s while you were editing it. Nothing was "
                "overwritten: look at the current version and make your change again."
            )
            % {"record": record}
        )


def _claim_version(model: type[Model], *, pk: int, version: int) -> None:
    """Move the row from `version` to the next one, or refuse when it is no longer `version`.

    A single UPDATE … WHERE pk AND version: of two concurrent saves based on the same version,
    exactly one matches a row; the database's row lock makes the other wait and then miss.
    """
    claimed = model.objects.filter(pk=pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleEditError(model.objects.get(pk=pk))


def _save(record: Model, *, user: User | None, reason: str = "") -> None:
    record._history_user = user  # simple_history: who, also outside a request
    if reason:
        record._change_reason = reason  # simple_history: why (e.g. the round that named it)
    record.full_clean()
    record.save()


@transaction.atomic
def enterprise_create(*, user: User | None, fields: dict) -> Enterprise:
    enterprise = Enterprise(**fields)
    _save(enterprise, user=user)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, version: int, user: User | None, fields: dict
) -> Enterprise:
    _claim_version(Enterprise, pk=enterprise.pk, version=version)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.version = version + 1
    _save(enterprise, user=user)
    return enterprise


@transaction.atomic
def pilot_create(
    *,
    enterprise: Enterprise,
    plan_year: PlanYear,
    tier: str,
    status: str = Pilot.Status.PROPOSED,
    own_plan: str = "",
    user: User | None,
) -> Pilot:
    pilot = Pilot(
        enterprise=enterprise,
        plan_year=plan_year,
        tier=tier,
        status=status,
        own_plan=own_plan,
        registered_by=user,
    )
    _save(pilot, user=user)
    return pilot


@transaction.atomic
def pilot_update(
    *, pilot: Pilot, version: int, user: User | None, fields: dict, reason: str = ""
) -> Pilot:
    _claim_version(Pilot, pk=pilot.pk, version=version)
    for name, value in fields.items():
        setattr(pilot, name, value)
    pilot.version = version + 1
    _save(pilot, user=user, reason=reason)
    return pilot


class NamedStatusError(ValueError):
    """A status change that only a selection round's naming (or its revocation) may make."""


def pilot_set_status(
    *,
    pilot: Pilot,
    status: str,
    version: int,
    user: User | None,
    reason: str = "",
    by_naming: bool = False,
) -> Pilot:
    """Change the status; withdrawing keeps the record (it just stops counting).

    Becoming a demonstration unit, or ceasing to be one, is a naming's or a revocation's doing
    (`by_naming`); anyone else gets NamedStatusError. `reason` goes into the history record (a
    naming names its selection round there).
    """
    demonstration = Pilot.Status.DEMONSTRATION
    if not by_naming and status != pilot.status and demonstration in (status, pilot.status):
        raise NamedStatusError(
            _(
                "A pilot becomes a demonstration unit by a selection round's naming, and stops "
                "being one when the naming is revoked there."
            )
        )
    return pilot_update(
        pilot=pilot, version=version, user=user, fields={"status": status}, reason=reason
    )


class ProposalError(ValueError):
    """A candidate that cannot be proposed; str() is for the user. Nothing was changed."""


@transaction.atomic
def candidate_propose(
    *, enterprise_id: int, plan_year: PlanYear, region, rule: str, scope, user: User | None
) -> Pilot:
    """Propose a candidate of a region's gap (pilots/candidates.py) as a pilot of the year at
    the rule's tier, in one step: a new proposed pilot, or the enterprise's withdrawn pilot of
    the year brought back as proposed at that tier (its history says so).

    Refused with ProposalError, nothing changed: a plan year without this rule, a tier the user
    may not register, an enterprise outside the user's scope or not a candidate of the region
    under the rule, an enterprise that already has a pilot of the year.
    """
    if not plan_year.rules.filter(rule=rule).exists():
        raise ProposalError(
            _("The plan year %(year)s has no targets for this rule yet: nothing to propose for.")
            % {"year": plan_year.year}
        )
    tier = rule_tier(rule)
    if not scope.allows_tier(tier):
        raise ProposalError(
            _("You may not register %(tier)s pilots.") % {"tier": Pilot.Tier(tier).label}
        )
    enterprise = (
        Enterprise.objects.select_for_update()
        .filter(pk=enterprise_id)
        .filter(scope.q(county="county", township="township"))
        .first()
    )
    if enterprise is None or not scope.allows_write(
        county_id=enterprise.county_id, township_id=enterprise.township_id
    ):
        raise ProposalError(
            _("This enterprise is not one you may propose: it lies outside your region.")
        )
    if not Enterprise.objects.filter(region_q(region, rule), pk=enterprise.pk).exists():
        raise ProposalError(
            _("%(enterprise)s is not a candidate of %(region)s under this rule.")
            % {"enterprise": enterprise, "region": region}
        )
    pilot = (
        Pilot.objects.select_for_update().filter(enterprise=enterprise, plan_year=plan_year).first()
    )
    if pilot is not None and pilot.status != Pilot.Status.WITHDRAWN:
        raise ProposalError(
            _("%(enterprise)s is already a %(status)s pilot of %(year)s.")
            % {
                "enterprise": enterprise,
                "status": pilot.get_status_display(),
                "year": plan_year.year,
            }
        )
    if pilot is not None:
        return pilot_update(
            pilot=pilot,
            version=pilot.version,
            user=user,
            fields={"status": Pilot.Status.PROPOSED, "tier": tier},
            reason=_("proposed again as a candidate of %(region)s") % {"region": region},
        )
    return pilot_create(enterprise=enterprise, plan_year=plan_year, tier=tier, user=user)
