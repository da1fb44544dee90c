"""The final score and the rank (demonstration/scoring.py), with hand-computed figures."""

from decimal import Decimal as D

from demonstration.scoring import competition_ranks, final_score, mean


def test_with_fewer_than_five_reviewers_the_score_is_the_plain_mean():
    score = final_score([D("80"), D("90"), D("85.5")])
    # (80 + 90 + 85.5) / 3 = 85.1666… → 85.17
    assert score.value == D("85.17")
    assert score.dropped == ()
    assert score.kept == (0, 1, 2)


def test_with_five_reviewers_the_highest_and_lowest_total_are_dropped_first():
    totals = [D("70"), D("88"), D("95"), D("86"), D("60")]
    score = final_score(totals)
    # 60 and 95 dropped: (70 + 88 + 86) / 3 = 81.333… → 81.33 (the plain mean would be 79.8)
    assert score.value == D("81.33")
    assert score.dropped == (2, 4)
    assert score.kept == (0, 1, 3)


def test_with_equal_highest_totals_only_one_is_dropped():
    score = final_score([D("90"), D("90"), D("80"), D("70"), D("70"), D("85")])
    # one 90 and one 70 dropped: (90 + 80 + 70 + 85) / 4 = 81.25
    assert score.value == D("81.25")
    assert len(score.dropped) == 2


def test_the_final_score_is_rounded_half_up_not_to_even():
    # (80 + 80.5 + 80 + 80.5) / 4 = 80.25 exactly; (80 + 80.5 + 80.5 + 80.5) / 4 = 80.375 → 80.38
    assert final_score([D("80"), D("80.5"), D("80"), D("80.5")]).value == D("80.25")
    assert final_score([D("80"), D("80.5"), D("80.5"), D("80.5")]).value == D("80.38")


def test_no_submitted_total_gives_no_score():
    assert final_score([]).value is None


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    scores = [D("90"), D("85.5"), D("85.5"), D("80"), None, D("95")]
    assert competition_ranks(scores) == [2, 3, 3, 5, None, 1]


def test_ranks_with_every_score_equal():
    assert competition_ranks([D("70"), D("70"), D("70")]) == [1, 1, 1]


def test_a_dimension_mean_is_rounded_to_two_decimals():
    assert mean([D("20"), D("21"), D("21")]) == D("20.67")
    assert mean([]) is None
