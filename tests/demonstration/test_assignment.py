"""The automatic assignment plan (demonstration/assignment.py): equal reviewers per
application, balanced loads, the conflict rule, determinism."""

from collections import Counter

import pytest

from demonstration.assignment import AssignmentImpossible, plan_assignments

# Counties by id: 1 东海, 2 灌南, 3 灌云, 4 海州.


def test_every_application_gets_the_same_number_and_every_reviewer_about_the_same_load():
    applications = {10 + i: 1 + i % 4 for i in range(12)}  # three applications per county
    reviewers = {100 + i: 1 + i % 4 for i in range(8)}  # two reviewers per county
    pairs = plan_assignments(
        applications=applications, reviewers=reviewers, existing=set(), per_application=5
    )
    per_application = Counter(a for a, _r in pairs)
    assert set(per_application.values()) == {5}
    loads = Counter(r for _a, r in pairs)
    # 12 × 5 = 60 assignments over 8 reviewers: 7 or 8 each.
    assert sum(loads.values()) == 60
    assert max(loads.values()) - min(loads.values()) <= 1
    assert all(applications[a] != reviewers[r] for a, r in pairs)


def test_the_plan_is_deterministic():
    applications = {i: i % 3 for i in range(1, 10)}
    reviewers = {100 + i: i % 3 for i in range(7)}
    kwargs = {"applications": applications, "reviewers": reviewers, "per_application": 3}
    assert plan_assignments(existing=set(), **kwargs) == plan_assignments(existing=set(), **kwargs)


def test_existing_assignments_are_kept_and_counted():
    applications = {1: 1, 2: 2}
    reviewers = {101: 3, 102: 3, 103: 4}
    pairs = plan_assignments(
        applications=applications,
        reviewers=reviewers,
        existing={(1, 101), (1, 102)},
        per_application=2,
    )
    # Application 1 is complete; application 2 takes the two lightest: 103 (0) then 101 or 102.
    assert [a for a, _r in pairs] == [2, 2]
    assert (2, 103) in pairs


def test_a_reviewer_without_a_unit_may_score_any_application():
    pairs = plan_assignments(
        applications={1: 1}, reviewers={101: None, 102: 1}, existing=set(), per_application=1
    )
    assert pairs == [(1, 101)]


def test_too_few_eligible_reviewers_names_every_application_short_of_them():
    applications = {1: 1, 2: 2, 3: 3}
    reviewers = {101: 1, 102: 1, 103: 2, 104: 3}
    with pytest.raises(AssignmentImpossible) as raised:
        plan_assignments(
            applications=applications, reviewers=reviewers, existing=set(), per_application=3
        )
    short = {(s.application_id, s.eligible, s.needed) for s in raised.value.shortfalls}
    # Application 1 (东海): only 103 and 104 are from elsewhere; 2: 101, 102, 104; 3: 101–103.
    assert short == {(1, 2, 3)}


def test_loads_even_out_around_a_conflict():
    # Two applications of county 1 and one of county 2; reviewers 101, 102 of county 1 may
    # score only the third, so 103 and 104 must take county 1's.
    applications = {1: 1, 2: 1, 3: 2}
    reviewers = {101: 1, 102: 1, 103: 2, 104: 3}
    pairs = plan_assignments(
        applications=applications, reviewers=reviewers, existing=set(), per_application=2
    )
    assert sorted(pairs) == [(1, 103), (1, 104), (2, 103), (2, 104), (3, 101), (3, 102)]
