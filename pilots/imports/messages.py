"""What the import's checks say, as message codes (reform.messages): a batch's row errors are
stored as codes with their values and read in the reader's language."""

from django.utils.translation import gettext_lazy as _

from pilots.models import Enterprise, Pilot
from reform.messages import define, define_choices, message

CODES = define(
    {
        "name_too_long": _("The name is longer than 200 characters."),
        "name_missing": _("The enterprise name is missing."),
        "code_missing": _("The credit code is missing."),
        "code_was_number": _(
            "The credit code was typed as a number, so Excel kept only 15 digits. "
            "Format the column as text and type the code again."
        ),
        "example_row": _("This is the template's example row; delete it."),
        "county_unknown": _("Unknown county-level unit."),
        "county_missing": _("The county-level unit is missing."),
        "township_unknown": _("No township or street of this name lies in %(county)s."),
        "park_unknown": _("Unknown park."),
        "industry_unknown": _("Unknown industry; choose one from the template's list."),
        "ownership_unknown": _("Unknown ownership; choose one from the list."),
        "ownership_legal_form": _(
            "“%(value)s” says how the enterprise is organised, not who owns it: write 国有控股 "
            "if the state controls it, 民营 if private owners do, or 混合所有制 and answer the "
            "state-control column."
        ),
        "chain_unknown": _("Write 上游 (upstream) or 下游 (downstream)."),
        "yes_no": _("Write 是 (yes) or 否 (no)."),
        "ownership_contradicts": _("The ownership column already says otherwise (%(ownership)s)."),
        "employees_not_whole": _("The number of employees must be a whole number."),
        "too_long": _("Longer than %(limit)d characters."),
        "phone_invalid": _("This does not look like a phone number."),
        "remarks_too_long": _(
            "The remarks have %(count)d characters; at most %(limit)d fit. Shorten "
            "them; nothing of this row is imported until then."
        ),
        "tier_unknown": _("Write 市级, 县级 or 乡镇级."),
        "tier_not_yours": _("You cannot register pilots of this tier."),
        "status_unknown": _("Write 拟推荐, 已确定, 示范单位 or 已退出."),
        "state_control_follows": _(
            "The enterprise's ownership is %(kind)s, so the state's control follows from it; "
            "this column is for mixed-ownership enterprises only."
        ),
        "code_twice": _("The same credit code is also on row %(rows)s of the file."),
        "registered_elsewhere": _(
            "This enterprise is registered outside your area (%(county)s); "
            "ask the city union to change it."
        ),
        "needed_for_new": _("Needed for a new enterprise."),
        "give_township": _("Give your township or street."),
        "outside_area": _("This lies outside your area."),
        "tier_cannot_change": _("You cannot change a pilot of this tier."),
        "tier_missing": _("Give the pilot tier."),
        "township_tier_needs_township": _(
            "A township-tier pilot needs an enterprise with a township."
        ),
        "demonstration_by_naming": _(
            "Only the naming of a demonstration-unit selection round makes a pilot a "
            "demonstration unit (示范单位). Write 拟推荐, 已确定 or 已退出, "
            "or leave the cell empty."
        ),
        "demonstration_kept": _(
            "This pilot is a demonstration unit (示范单位); only revoking its naming in the "
            "selection round changes that. Leave the status empty or write 示范单位."
        ),
        "columns_missing": _("Required columns are missing: %(columns)s."),
        "no_rows": _("The header row was found (row %(row)d), but no rows below it."),
    },
    prefix="import",
)
define_choices(Enterprise.Ownership.choices, prefix="import.ownership")
define_choices(Pilot.Status.choices, prefix="import.status")


def say(code: str, **params) -> list:
    """The import's message `code` as stored."""
    return message(CODES[code], **params)


def ownership(value: str) -> list:
    return message(f"import.ownership.{value}")
