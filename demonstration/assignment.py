"""The automatic assignment of reviewers to recommended applications (no database here).

Every application gets the same number of reviewers, every reviewer about the same load, and
never a reviewer from the application's own county-level unit (their region). Assignments that
exist already are kept and counted. The plan is deterministic: the same input gives the same
assignments.

How: applications are served round by round, one reviewer each per round, the application
with the fewest eligible reviewers first; each takes the eligible reviewer with the lightest
load (ties: the lower id). Then, while a reviewer carries two or more assignments more than
another who could take one of them, one moves over. Since an application's reviewers do not
depend on another's, an assignment exists exactly when every application has enough eligible
reviewers; when one has not, nothing is planned and every such application is named.
"""

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Shortfall:
    application_id: int
    eligible: int  # reviewers who could still be added
    needed: int  # reviewers still to be added


class AssignmentImpossible(Exception):
    def __init__(self, shortfalls: list[Shortfall]):
        self.shortfalls = shortfalls
        super().__init__(shortfalls)


def plan_assignments(
    *,
    applications: dict[int, int | None],
    reviewers: dict[int, int | None],
    existing: set[tuple[int, int]],
    per_application: int,
) -> list[tuple[int, int]]:
    """New (application id, reviewer id) pairs.

    `applications` and `reviewers` map ids to the county-level unit's id (None: none);
    `existing` holds the pairs already assigned (they count toward loads and needs).
    """
    load: dict[int, int] = defaultdict(int)
    have: dict[int, set[int]] = defaultdict(set)
    for application_id, reviewer_id in existing:
        if application_id in applications:
            have[application_id].add(reviewer_id)
        if reviewer_id in reviewers:
            load[reviewer_id] += 1

    def eligible(application_id: int) -> list[int]:
        county = applications[application_id]
        return [
            reviewer_id
            for reviewer_id, reviewer_county in sorted(reviewers.items())
            if reviewer_id not in have[application_id]
            and (county is None or reviewer_county != county)
        ]

    need = {a: max(0, per_application - len(have[a])) for a in sorted(applications)}
    options = {a: eligible(a) for a in need}
    shortfalls = [
        Shortfall(application_id=a, eligible=len(options[a]), needed=need[a])
        for a in need
        if len(options[a]) < need[a]
    ]
    if shortfalls:
        raise AssignmentImpossible(shortfalls)

    order = sorted((a for a in need if need[a]), key=lambda a: (len(options[a]), a))
    new: dict[int, set[int]] = defaultdict(set)
    for _round in range(max(need.values(), default=0)):
        for application_id in order:
            if len(new[application_id]) >= need[application_id]:
                continue
            free = [r for r in options[application_id] if r not in new[application_id]]
            chosen = min(free, key=lambda r: (load[r], r))
            new[application_id].add(chosen)
            load[chosen] += 1
    _even_out(new, options, load)
    return sorted((a, r) for a, chosen in new.items() for r in chosen)


def _even_out(new: dict[int, set[int]], options: dict[int, list[int]], load: dict[int, int]):
    """Move planned assignments from heavier to lighter reviewers while that narrows the gap."""
    moved = True
    while moved:
        moved = False
        for application_id in sorted(new):
            chosen = new[application_id]
            for heavy in sorted(chosen, key=lambda r: (-load[r], r)):
                light = min(
                    (r for r in options[application_id] if r not in chosen),
                    key=lambda r: (load[r], r),
                    default=None,
                )
                if light is not None and load[heavy] - load[light] >= 2:
                    chosen.discard(heavy)
                    chosen.add(light)
                    load[heavy] -= 1
                    load[light] += 1
                    moved = True
                    break
