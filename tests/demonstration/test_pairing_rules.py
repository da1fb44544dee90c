"""The rules of pairings (issue 12), each with its own message; a refused write saves nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from demonstration.models import Pairing, PairingActivity, PairingPartner
from demonstration.services import activity_record, pairing_create, pairing_end, pairing_update
from pilots.models import Enterprise, Pilot
from reform.services import plan_year_create
from tests.builders import make_enterprise, make_pilot
from tests.demonstration.pairing_builders import make_pairing, small_pilot, state_lead

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english():
    """The messages as the tests quote them (the interface is Chinese by default)."""
    with translation.override("en"):
        yield


START = TODAY - datetime.timedelta(days=30)


def create(user, plan_year, *, lead, partners, kind=Pairing.Kind.BIG_SMALL, starts_on=START):
    return pairing_create(
        user=user,
        plan_year=plan_year,
        kind=kind,
        lead=lead,
        partners=partners,
        starts_on=starts_on,
        goals="资源共享、信息互通",
    )


def refused(call, field: str) -> str:
    """The message of `field` when the write is refused; the database is unchanged."""
    before = (Pairing.objects.count(), PairingPartner.objects.count())
    with pytest.raises(ValidationError) as error:
        call()
    assert (Pairing.objects.count(), PairingPartner.objects.count()) == before
    return " ".join(error.value.message_dict[field])


def test_a_county_official_pairs_small_pilots_with_a_state_owned_lead_of_another_county(
    users, plan_year
):
    lead = state_lead()
    partners = [small_pilot(plan_year), small_pilot(plan_year, township="320722002")]
    pairing = create(users["county"], plan_year, lead=lead, partners=partners)
    assert pairing.status == Pairing.Status.ACTIVE
    assert set(pairing.partners.all()) == set(partners)
    # Placed in the partners' county-level unit (two townships), not the lead's.
    assert (pairing.county.code, pairing.township_id) == ("320722", None)
    assert pairing.history.count() == 1
    assert pairing.history.first().history_user == users["county"]
    assert PairingPartner.history.filter(pairing_id=pairing.pk).count() == 2


@pytest.mark.parametrize(
    ("fields", "qualifies"),
    [
        ({"ownership": Enterprise.Ownership.STATE_CONTROLLED, "employee_count": 150}, True),
        ({"ownership": Enterprise.Ownership.MIXED, "state_controls": True}, True),
        ({"ownership": Enterprise.Ownership.PRIVATE, "is_leading": True}, True),
        ({"ownership": Enterprise.Ownership.PRIVATE, "employee_count": 300}, True),
        ({"ownership": Enterprise.Ownership.PRIVATE, "employee_count": 299}, False),
        ({"ownership": Enterprise.Ownership.MIXED, "state_controls": False}, False),
        ({"ownership": Enterprise.Ownership.COLLECTIVE, "employee_count": 299}, False),
    ],
)
def test_a_big_small_lead_is_state_owned_leading_or_has_300_employees(
    users, plan_year, fields, qualifies
):
    lead = make_enterprise(county="320724", township=None, **({"employee_count": 200} | fields))
    partner = small_pilot(plan_year, employees=50)
    if qualifies:
        assert create(users["county"], plan_year, lead=lead, partners=[partner]).pk
    else:
        message = refused(
            lambda: create(users["county"], plan_year, lead=lead, partners=[partner]), "lead"
        )
        assert "state-owned, a leading enterprise, or have at least 300 employees" in message


def test_a_big_small_lead_has_more_employees_than_each_partner(users, plan_year):
    lead = state_lead(employee_count=120)
    smaller, equal = small_pilot(plan_year, employees=119), small_pilot(plan_year, employees=120)
    message = refused(
        lambda: create(users["county"], plan_year, lead=lead, partners=[smaller, equal]),
        "partners",
    )
    assert "has 120, not more than" in message
    assert equal.enterprise.name in message and smaller.enterprise.name not in message
    assert create(users["county"], plan_year, lead=lead, partners=[smaller]).pk


def test_a_demonstration_lead_is_a_demonstration_unit_named_in_the_plan_year(users, plan_year):
    partner = small_pilot(plan_year)
    confirmed = make_pilot(plan_year, county="320724", township=None)
    message = refused(
        lambda: create(
            users["county"], plan_year, lead=confirmed.enterprise, partners=[partner],
            kind=Pairing.Kind.DEMONSTRATION,
        ),
        "lead",
    )  # fmt: skip
    assert "must be a demonstration unit named in 2026" in message
    # A unit named in another year does not lead in this one.
    other_year = plan_year_create(year=2025, title="2025")
    named_before = make_pilot(other_year, status=Pilot.Status.DEMONSTRATION, county="320724",
                              township=None)  # fmt: skip
    refused(
        lambda: create(
            users["county"], plan_year, lead=named_before.enterprise, partners=[partner],
            kind=Pairing.Kind.DEMONSTRATION,
        ),
        "lead",
    )  # fmt: skip
    named = make_pilot(plan_year, status=Pilot.Status.DEMONSTRATION, county="320724", township=None)
    pairing = create(
        users["county"], plan_year, lead=named.enterprise, partners=[partner],
        kind=Pairing.Kind.DEMONSTRATION,
    )  # fmt: skip
    assert pairing.kind == Pairing.Kind.DEMONSTRATION


def test_no_partner_of_a_demonstration_pairing_is_a_demonstration_unit(users, plan_year):
    named = make_pilot(plan_year, status=Pilot.Status.DEMONSTRATION, county="320724", township=None)
    unit = small_pilot(plan_year, status=Pilot.Status.DEMONSTRATION)
    message = refused(
        lambda: create(
            users["county"], plan_year, lead=named.enterprise, partners=[unit],
            kind=Pairing.Kind.DEMONSTRATION,
        ),
        "partners",
    )  # fmt: skip
    assert f"cannot be a partner in 示范带试点: {unit.enterprise.name}" in message


def test_a_partner_that_is_not_a_pilot_of_the_year_or_withdrew_is_refused(users, plan_year):
    other_year = plan_year_create(year=2025, title="2025")
    old = small_pilot(other_year)
    withdrawn = small_pilot(plan_year, status=Pilot.Status.WITHDRAWN)
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[old]), "partners"
    )
    assert f"not pilots of 2026: {old.enterprise.name}" in message
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[withdrawn]),
        "partners",
    )
    assert f"have withdrawn and cannot be partners: {withdrawn.enterprise.name}" in message


def test_the_same_pilot_twice_and_no_partner_are_refused(users, plan_year):
    pilot = small_pilot(plan_year)
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[pilot, pilot]),
        "partners",
    )
    assert f"The same pilot is chosen twice: {pilot.enterprise.name}" in message
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[]), "partners"
    )
    assert "at least one partner" in message


def test_the_lead_is_never_its_own_partner(users, plan_year):
    big = small_pilot(plan_year, employees=800, ownership=Enterprise.Ownership.STATE_OWNED)
    message = refused(
        lambda: create(users["county"], plan_year, lead=big.enterprise, partners=[big]), "lead"
    )
    assert "the lead is never its own partner" in message


def test_a_pilot_is_in_at_most_one_active_pairing_of_each_kind(users, plan_year):
    pilot = small_pilot(plan_year)
    first = create(users["county"], plan_year, lead=state_lead(), partners=[pilot])
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[pilot]),
        "partners",
    )
    assert "at most one active pairing of each kind" in message
    # Of the other kind it may join one.
    named = make_pilot(plan_year, status=Pilot.Status.DEMONSTRATION, county="320724", township=None)
    assert create(
        users["county"], plan_year, lead=named.enterprise, partners=[pilot],
        kind=Pairing.Kind.DEMONSTRATION,
    ).pk  # fmt: skip
    # Once the first has ended the pilot is free for a new 大手牵小手.
    pairing_end(pairing=first, user=users["county"], ends_on=TODAY, closing_summary="圆满完成")
    assert create(users["county"], plan_year, lead=state_lead(), partners=[pilot]).pk


def test_partners_lie_in_the_creators_area_and_readers_cannot_create(users, plan_year):
    guannan = small_pilot(plan_year, county="320724", township=None)
    message = refused(
        lambda: create(users["county"], plan_year, lead=state_lead(), partners=[guannan]),
        "partners",
    )
    assert f"outside your area: {guannan.enterprise.name}" in message
    # Township officials: their own township only.
    other_township = small_pilot(plan_year, township="320722002")
    refused(
        lambda: create(users["township"], plan_year, lead=state_lead(), partners=[other_township]),
        "partners",
    )
    with pytest.raises(PermissionDenied):
        create(users["leader"], plan_year, lead=state_lead(), partners=[small_pilot(plan_year)])
    # City staff pair pilots of two counties: the pairing is city-wide.
    city_wide = create(
        users["city"], plan_year, lead=state_lead(), partners=[guannan, small_pilot(plan_year)]
    )
    assert (city_wide.county_id, city_wide.township_id) == (None, None)


def test_an_edit_keeps_to_the_rules_and_is_in_the_history(users, plan_year):
    pilot, other = small_pilot(plan_year), small_pilot(plan_year)
    pairing = create(users["county"], plan_year, lead=state_lead(), partners=[pilot])
    fields = {"plan_year": plan_year, "kind": pairing.kind, "starts_on": START, "goals": "新目标"}
    pairing_update(pairing=pairing, user=users["county"], lead=pairing.lead,
                   partners=[pilot, other], **fields)  # fmt: skip
    pairing.refresh_from_db()
    assert pairing.goals == "新目标" and pairing.partners.count() == 2
    assert pairing.history.count() == 2
    small_lead = make_enterprise(employee_count=20)
    with pytest.raises(ValidationError):
        pairing_update(pairing=pairing, user=users["county"], lead=small_lead, partners=[pilot],
                       **fields)  # fmt: skip
    pairing.refresh_from_db()
    assert pairing.lead.employee_count == 500 and pairing.partners.count() == 2
    with pytest.raises(PermissionDenied):
        pairing_update(pairing=pairing, user=users["other_county"], lead=pairing.lead,
                       partners=[pilot], **fields)  # fmt: skip


def test_ending_needs_a_date_within_the_pairing_and_a_summary(users, plan_year):
    pairing = create(
        users["county"], plan_year, lead=state_lead(), partners=[small_pilot(plan_year)]
    )
    for ends_on, summary, field, words in [
        (START - datetime.timedelta(days=1), "总结", "ends_on", "before the pairing's start"),
        (TODAY + datetime.timedelta(days=1), "总结", "ends_on", "in the future"),
        (TODAY, "  ", "closing_summary", "closing summary"),
    ]:
        with pytest.raises(ValidationError) as error:
            pairing_end(pairing=pairing, user=users["county"], ends_on=ends_on,
                        closing_summary=summary)  # fmt: skip
        assert words in " ".join(error.value.message_dict[field])
        pairing.refresh_from_db()
        assert pairing.status == Pairing.Status.ACTIVE
    pairing_end(pairing=pairing, user=users["county"], ends_on=START, closing_summary="总结")
    pairing.refresh_from_db()
    assert (pairing.status, pairing.ends_on, pairing.closing_summary) == ("ended", START, "总结")
    with pytest.raises(ValidationError):
        pairing_end(pairing=pairing, user=users["county"], ends_on=TODAY, closing_summary="再次")


def test_an_activity_lies_between_the_start_and_today(users, plan_year):
    pairing = make_pairing(plan_year, lead=state_lead(), partners=[small_pilot(plan_year)],
                           starts_on=START)  # fmt: skip
    fields = {"kind": "training", "participants": "职工30人", "summary": "技能培训"}
    for held_on, words in [
        (START - datetime.timedelta(days=1), "before the pairing's start"),
        (TODAY + datetime.timedelta(days=1), "in the future"),
    ]:
        with pytest.raises(ValidationError) as error:
            activity_record(pairing=pairing, user=users["county"], held_on=held_on, **fields)
        assert words in " ".join(error.value.message_dict["held_on"])
    assert PairingActivity.objects.count() == 0
    for held_on in (START, TODAY):
        activity = activity_record(pairing=pairing, user=users["county"], held_on=held_on, **fields)
        assert activity.history.first().history_user == users["county"]
    assert PairingActivity.objects.count() == 2
    with pytest.raises(PermissionDenied):
        activity_record(pairing=pairing, user=users["other_county"], held_on=TODAY, **fields)
