"""Ownership: the detailed kind people give, and the group the work plan compares (one place).

DESIGN.md, "Classifications": in Chinese usage collective enterprises are public ownership, not
非公. State-owned = 国有 and 国有控股, including mixed-ownership enterprises the state controls;
collective = 集体; non-public = 私营/民营, 外商投资, 港澳台投资, 个体, and mixed-ownership
enterprises the state does not control. Whether the state controls a mixed-ownership enterprise
is a yes/no the user gives (`Enterprise.state_controls`), asked for that kind only.

`other` (其他) is non-public: public ownership is state or collective, so an enterprise the user
placed in neither is non-public by the statistical definition (非公有制 = 除国有和集体以外).

The group is derived, never stored: `group_of()` for one enterprise, `group_q()` and
`group_case()` for querysets and aggregates. All three read the same two tables below.
"""

from django.db.models import Case, CharField, Q, Value, When
from django.db.models import TextChoices as _TextChoices
from django.utils.translation import gettext_lazy as _


class Ownership(_TextChoices):
    STATE_OWNED = "state_owned", _("state-owned")
    STATE_CONTROLLED = "state_controlled", _("state-controlled")
    MIXED = "mixed", _("mixed ownership")
    COLLECTIVE = "collective", _("collective")
    PRIVATE = "private", _("private")
    FOREIGN = "foreign", _("foreign-invested")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan invested")
    INDIVIDUAL = "individual", _("individual business")
    OTHER = "other", _("other")


class OwnershipGroup(_TextChoices):
    STATE_OWNED = "state_owned", _("state-owned enterprises")
    COLLECTIVE = "collective", _("collective enterprises")
    NON_PUBLIC = "non_public", _("non-public enterprises")


# The group of every kind but mixed ownership, whose group is the state-control answer's.
KIND_GROUP = {
    Ownership.STATE_OWNED: OwnershipGroup.STATE_OWNED,
    Ownership.STATE_CONTROLLED: OwnershipGroup.STATE_OWNED,
    Ownership.COLLECTIVE: OwnershipGroup.COLLECTIVE,
    Ownership.PRIVATE: OwnershipGroup.NON_PUBLIC,
    Ownership.FOREIGN: OwnershipGroup.NON_PUBLIC,
    Ownership.HK_MACAO_TAIWAN: OwnershipGroup.NON_PUBLIC,
    Ownership.INDIVIDUAL: OwnershipGroup.NON_PUBLIC,
    Ownership.OTHER: OwnershipGroup.NON_PUBLIC,
}
MIXED_GROUP = {True: OwnershipGroup.STATE_OWNED, False: OwnershipGroup.NON_PUBLIC}


def group_of(kind: str, state_controls: bool | None) -> str:
    """The ownership group of an enterprise of this kind (and, if mixed, state control)."""
    if kind == Ownership.MIXED:
        return MIXED_GROUP[bool(state_controls)]
    return KIND_GROUP.get(kind, OwnershipGroup.NON_PUBLIC)


def group_q(group: str, prefix: str = "") -> Q:
    """Enterprises (through `prefix`, e.g. "enterprise__") of an ownership group."""
    kinds = [kind for kind, of in KIND_GROUP.items() if of == group]
    q = Q(**{f"{prefix}ownership__in": kinds})
    for controls, of in MIXED_GROUP.items():
        if of == group:
            q |= Q(**{f"{prefix}ownership": Ownership.MIXED, f"{prefix}state_controls": controls})
    return q


def group_case(prefix: str = "") -> Case:
    """The ownership group as a database expression, to group and count by."""
    return Case(
        *[When(group_q(group, prefix), then=Value(group.value)) for group in OwnershipGroup],
        default=Value(OwnershipGroup.NON_PUBLIC.value),
        output_field=CharField(),
    )


def state_control_error(kind: str, state_controls: bool | None) -> str | None:
    """Why this kind and state-control answer cannot go together, or None.

    Mixed ownership needs the answer; every other kind has none (its kind says it).
    """
    if kind == Ownership.MIXED and state_controls is None:
        return str(_("Say whether the state controls this mixed-ownership enterprise (yes or no)."))
    if kind != Ownership.MIXED and state_controls is not None:
        return str(_("Only a mixed-ownership enterprise is asked whether the state controls it."))
    return None
