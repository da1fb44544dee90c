"""Writes of the demonstration selection: keyword-only, typed `<entity>_<action>` functions.

Every write re-checks who may do it (reform.scopes), the record's state and the round's dated
phases (the MOVES tables of demonstration.models), and the quotas; views only call these.
A refused write raises ValidationError (messages for the user) or PermissionDenied, and
changes nothing. The functions live in four modules by stage; they are all named here.
"""

from demonstration.services.applications import (
    Decision,
    application_open,
    application_reopen,
    application_save,
    application_submit,
    applications_close_undecided,
    may_write_application,
    recommendation_save,
    unit_applications,
)
from demonstration.services.moves import check_move, move_allowed, move_problem, phases_of
from demonstration.services.notice import (
    naming_revoke,
    naming_run,
    notice_entry_add,
    notice_entry_remove,
    notice_prepare,
    notice_publish,
    objection_handle,
    objection_record,
)
from demonstration.services.pairing import (
    activity_record,
    may_write_pairing,
    pairing_create,
    pairing_end,
    pairing_problems,
    pairing_update,
)
from demonstration.services.review import (
    assignment_add,
    assignment_remove,
    assignments_auto,
    conflict_message,
    review_save,
    reviewer_name,
    reviewers_set,
)
from demonstration.services.rounds import (
    ROUND_FIELDS,
    check_phase_order,
    default_phase_days,
    quota_for,
    round_create,
    round_phase_close,
    round_phase_extend,
    round_quotas_set,
    round_update,
    rubric_save,
)

__all__ = [
    "activity_record",
    "may_write_pairing",
    "pairing_create",
    "pairing_end",
    "pairing_problems",
    "pairing_update",
    "ROUND_FIELDS",
    "Decision",
    "application_open",
    "application_reopen",
    "application_save",
    "application_submit",
    "applications_close_undecided",
    "assignment_add",
    "assignment_remove",
    "assignments_auto",
    "check_move",
    "check_phase_order",
    "conflict_message",
    "default_phase_days",
    "may_write_application",
    "move_allowed",
    "move_problem",
    "naming_revoke",
    "naming_run",
    "notice_entry_add",
    "notice_entry_remove",
    "notice_prepare",
    "notice_publish",
    "objection_handle",
    "objection_record",
    "phases_of",
    "quota_for",
    "recommendation_save",
    "review_save",
    "reviewer_name",
    "reviewers_set",
    "round_create",
    "round_phase_close",
    "round_phase_extend",
    "round_quotas_set",
    "round_update",
    "rubric_save",
    "unit_applications",
]
