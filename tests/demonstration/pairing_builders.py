"""Builders of pairings and their activities for tests (hand-made, no factory library)."""

import datetime

from demonstration.models import Pairing, PairingActivity, PairingPartner
from pilots.models import Enterprise
from tests.builders import make_enterprise, make_pilot


def state_lead(**fields) -> Enterprise:
    """A state-owned enterprise of 500 employees in 灌南县: a lead of 大手牵小手 anywhere."""
    values = {"county": "320724", "township": None, "name": "国有龙头集团有限公司"}
    values |= {"ownership": Enterprise.Ownership.STATE_OWNED, "employee_count": 500}
    return make_enterprise(**(values | fields))


def small_pilot(plan_year, *, employees: int = 80, **fields):
    """A small private pilot of 东海县 · 牛山街道 (fewer than 300 employees)."""
    return make_pilot(plan_year, employee_count=employees, **fields)


def make_pairing(
    plan_year,
    *,
    lead: Enterprise,
    partners,
    kind: str = Pairing.Kind.BIG_SMALL,
    starts_on: datetime.date = datetime.date(2026, 3, 1),
    status: str = Pairing.Status.ACTIVE,
    ends_on: datetime.date | None = None,
    **fields,
) -> Pairing:
    """A pairing written straight to the database (the rules are the services' tests)."""
    first = partners[0].enterprise
    same_county = all(p.enterprise.county_id == first.county_id for p in partners)
    same_township = same_county and all(
        p.enterprise.township_id == first.township_id for p in partners
    )
    pairing = Pairing.objects.create(
        plan_year=plan_year,
        kind=kind,
        lead=lead,
        starts_on=starts_on,
        goals=fields.pop("goals", "共建目标"),
        status=status,
        ends_on=ends_on or (starts_on if status == Pairing.Status.ENDED else None),
        county_id=first.county_id if same_county else None,
        township_id=first.township_id if same_township else None,
        **fields,
    )
    for pilot in partners:
        PairingPartner.objects.create(pairing=pairing, pilot=pilot)
    return pairing


def make_activity(pairing: Pairing, held_on: datetime.date, **fields) -> PairingActivity:
    values = {"kind": "exchange", "participants": "双方工会主席", "summary": "座谈交流"}
    return PairingActivity.objects.create(pairing=pairing, held_on=held_on, **(values | fields))
