"""The enterprise and pilot rules as queries, for `manage.py check_data` (see reform.data_checks).

Each rule is the one the write paths apply: the place rule of reform.places, the state-control
rule of pilots.ownership, the credit-code check of reform.creditcode, the phone check of
reform.phones, the models' clean(). The queries find the few records that break a rule; the
messages come from those same functions.
"""

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pilots.models import Enterprise, Pilot, PilotPlan
from pilots.ownership import Ownership, state_control_error
from reform.creditcode import CreditCodeError, validate_credit_code
from reform.data_checks import DataCheck, each, field_checks
from reform.models import Region
from reform.phones import PhoneError, normalise_phone
from reform.places import misplaced_park_q, misplaced_township_q, place_errors


def enterprise_places() -> Iterator[tuple[int, str]]:
    """A county that is not county-level, a township or park outside the county."""
    misplaced = ~Q(county__level=Region.Level.COUNTY) | misplaced_township_q() | misplaced_park_q()
    found = (
        Enterprise.objects.filter(misplaced)
        .select_related("county", "township", "park__county")
        .order_by("pk")
    )
    for enterprise in found:
        errors = place_errors(
            county=enterprise.county, township=enterprise.township, park=enterprise.park
        )
        if errors:
            yield enterprise.pk, f"{enterprise.name}: {' '.join(errors.values())}"


def enterprise_credit_codes() -> Iterator[tuple[int, str]]:
    """A code whose check character (or anything else) is wrong: a pure function per code,
    over one column (the database cannot compute GB 32100's check character)."""
    rows = Enterprise.objects.values_list("pk", "credit_code", "name").order_by("pk")
    for pk, code, name in rows.iterator(chunk_size=5000):
        try:
            validated = validate_credit_code(code)
        except CreditCodeError as error:
            yield pk, f"{name}: {code}: {error}"
        else:
            if validated != code:
                yield (
                    pk,
                    _("%(name)s: the credit code %(code)s is not stored as %(normal)s.")
                    % {
                        "name": name,
                        "code": code,
                        "normal": validated,
                    },
                )


def enterprise_phones() -> Iterator[tuple[int, str]]:
    """A contact phone the write paths would refuse (reform.phones), or one not kept in the
    stored form (written before the check, or by hand): one pure function per value."""
    rows = (
        Enterprise.objects.exclude(contact_phone="")
        .values_list("pk", "contact_phone", "name")
        .order_by("pk")
    )
    for pk, phone, name in rows.iterator(chunk_size=5000):
        try:
            stored = normalise_phone(phone)
        except PhoneError as error:
            yield pk, f"{name}: {phone}: {error}"
        else:
            if stored != phone:
                yield (
                    pk,
                    _("%(name)s: the phone %(phone)s is not stored as %(normal)s.")
                    % {"name": name, "phone": phone, "normal": stored},
                )


def enterprise_duplicates() -> Iterator[tuple[int, str]]:
    """Two enterprises with the same credit code once normalised (one enterprise twice)."""
    from django.db.models.functions import Trim, Upper

    normal = Upper(Trim("credit_code"))
    twice = (
        Enterprise.objects.annotate(normal=normal)
        .values("normal")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("normal")
    )
    rows = (
        Enterprise.objects.annotate(normal=normal)
        .filter(normal__in=twice)
        .values_list("normal", "pk", "name")
        .order_by("normal", "pk")
    )
    by_code: dict[str, list[tuple[int, str]]] = {}
    for code, pk, name in rows:
        by_code.setdefault(code, []).append((pk, name))
    for code, records in by_code.items():
        for pk, name in records:
            others = "、".join(f"#{other}" for other, _name in records if other != pk)
            yield (
                pk,
                _("%(name)s: the credit code %(code)s is also the code of enterprise %(others)s.")
                % {"name": name, "code": code, "others": others},
            )


def enterprise_state_control() -> Iterator[tuple[int, str]]:
    wrong = Q(ownership=Ownership.MIXED, state_controls__isnull=True) | (
        ~Q(ownership=Ownership.MIXED) & Q(state_controls__isnull=False)
    )
    yield from each(
        Enterprise.objects.filter(wrong),
        lambda name, ownership, state_controls: (
            f"{name}: {state_control_error(ownership, state_controls)}"
        ),
        "name",
        "ownership",
        "state_controls",
    )


def pilot_tiers() -> Iterator[tuple[int, str]]:
    """A tier no scope could have registered: a township tier without a township."""
    yield from each(
        Pilot.objects.filter(tier=Pilot.Tier.TOWNSHIP, enterprise__township__isnull=True),
        lambda enterprise__name, plan_year__year: (
            _(
                "%(enterprise)s, %(year)d: a township-tier pilot needs an enterprise with a "
                "township."
            )
            % {"enterprise": enterprise__name, "year": plan_year__year}
        ),
        "enterprise__name",
        "plan_year__year",
    )


def pilot_duplicates() -> Iterator[tuple[int, str]]:
    """More than one pilot of an enterprise in one plan year: it would be counted twice."""
    twice = (
        Pilot.objects.values("enterprise_id", "plan_year_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("enterprise_id", "plan_year_id")
    )
    pairs = set(twice)
    if not pairs:
        return
    rows = (
        Pilot.objects.filter(enterprise_id__in={enterprise for enterprise, _year in pairs})
        .values_list("pk", "enterprise_id", "plan_year_id", "enterprise__name", "plan_year__year")
        .order_by("enterprise_id", "plan_year_id", "pk")
    )
    groups: dict[tuple[int, int], list] = {}
    for pk, enterprise, year_id, name, year in rows:
        if (enterprise, year_id) in pairs:
            groups.setdefault((enterprise, year_id), []).append((pk, name, year))
    for records in groups.values():
        for pk, name, year in records:
            others = "、".join(f"#{other}" for other, _name, _year in records if other != pk)
            yield (
                pk,
                _(
                    "%(enterprise)s has more than one pilot in %(year)d (also %(others)s); "
                    "it would be counted twice."
                )
                % {"enterprise": name, "year": year, "others": others},
            )


def pilot_data_checks() -> list[DataCheck]:
    return [
        DataCheck(Enterprise, enterprise_places),
        DataCheck(Enterprise, enterprise_credit_codes),
        DataCheck(Enterprise, enterprise_duplicates),
        DataCheck(Enterprise, enterprise_phones),
        DataCheck(Enterprise, enterprise_state_control),
        field_checks(Enterprise),
        DataCheck(Pilot, pilot_tiers),
        DataCheck(Pilot, pilot_duplicates),
        field_checks(Pilot),
        field_checks(PilotPlan),
    ]


def stranded_enterprises(record) -> list[str]:
    """What moving a park or a township to another county-level unit would leave outside it
    (PilotsConfig.place_conflicts, called from Park.clean() and Region.clean())."""
    from reform.models import Park

    if isinstance(record, Park):
        found = Enterprise.objects.filter(park=record).exclude(county_id=record.county_id)
    elif isinstance(record, Region) and record.level == Region.Level.TOWNSHIP:
        found = Enterprise.objects.filter(township=record).exclude(county_id=record.parent_id)
    else:
        return []
    names = list(found.order_by("name").values_list("name", flat=True)[:6])
    if not names:
        return []
    count = found.count()
    shown = "、".join(names[:5]) + ("…" if count > 5 else "")
    return [
        ngettext(
            "%(count)d enterprise placed here lies in another county-level unit (%(names)s); "
            "change its place first.",
            "%(count)d enterprises placed here lie in another county-level unit (%(names)s); "
            "change their place first.",
            count,
        )
        % {"count": count, "names": shown}
    ]
