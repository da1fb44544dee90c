"""Demonstration-unit selection (示范单位评选): rounds, rubrics, applications, review, naming.

A round belongs to a plan year and runs through five dated phases (PHASES). What may happen
to a record, in which state and in which phase, is written once in the MOVES table next to its
model; services check it before every write, views ask it which buttons to show, tests walk it.
"""

from demonstration.models.applications import (
    CITY_UNIT,
    Application,
    ApplicationSection,
    Evidence,
)
from demonstration.models.pairing import (
    DORMANT_DAYS,
    SMALL_EMPLOYEE_LIMIT,
    ActivityAttachment,
    Pairing,
    PairingActivity,
    PairingPartner,
    dormant_since,
)
from demonstration.models.review import (
    Assignment,
    Naming,
    NoticeEntry,
    Objection,
    RoundReviewer,
    Score,
)
from demonstration.models.rounds import (
    DEFAULT_PHASE_DAYS,
    PHASES,
    POINTS,
    Move,
    Phase,
    RecommendationQuota,
    RoundPhase,
    RubricDimension,
    RubricIndicator,
    SelectionRound,
    day_start,
)

__all__ = [
    "DORMANT_DAYS",
    "SMALL_EMPLOYEE_LIMIT",
    "ActivityAttachment",
    "Pairing",
    "PairingActivity",
    "PairingPartner",
    "dormant_since",
    "CITY_UNIT",
    "DEFAULT_PHASE_DAYS",
    "PHASES",
    "POINTS",
    "Application",
    "ApplicationSection",
    "Assignment",
    "Evidence",
    "Move",
    "Naming",
    "NoticeEntry",
    "Objection",
    "Phase",
    "RecommendationQuota",
    "RoundPhase",
    "RoundReviewer",
    "RubricDimension",
    "RubricIndicator",
    "Score",
    "SelectionRound",
    "day_start",
]
