"""How an application's final score and rank are computed (no database here).

DESIGN.md, "Demonstration selection": an application's score is the mean of its reviewers'
totals; with five or more reviewers the highest and the lowest total are dropped first
(去掉一个最高分、一个最低分). The final score is given to two decimals, rounded half up
(四舍五入), and ranks compare those published figures: equal final scores share a rank and the
next rank is skipped (1, 2, 2, 4 — 并列).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# From this many reviewers on, the highest and the lowest total are dropped.
TRIM_FROM = 5
CENT = Decimal("0.01")


def rounded(value: Decimal | None) -> Decimal | None:
    """Two decimals, half up (四舍五入)."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FinalScore:
    value: Decimal | None  # rounded to two decimals; None without any submitted total
    kept: tuple[int, ...]  # indices (into the totals given) that count
    dropped: tuple[int, ...]  # indices dropped as the highest and the lowest


def final_score(totals: Sequence[Decimal]) -> FinalScore:
    """The mean of the totals, the highest and lowest dropped first when there are ≥ TRIM_FROM.

    With several equal highest (or lowest) totals only one of them is dropped: the first one
    given, so that the page can strike it through.
    """
    if not totals:
        return FinalScore(value=None, kept=(), dropped=())
    indices = list(range(len(totals)))
    dropped: tuple[int, ...] = ()
    if len(totals) >= TRIM_FROM:
        lowest = min(indices, key=lambda i: (totals[i], i))
        highest = max(indices, key=lambda i: (totals[i], -i))
        dropped = (lowest, highest)
    kept = tuple(i for i in indices if i not in dropped)
    mean = sum((totals[i] for i in kept), Decimal(0)) / len(kept)
    return FinalScore(value=rounded(mean), kept=kept, dropped=tuple(sorted(dropped)))


def competition_ranks(scores: Sequence[Decimal | None]) -> list[int | None]:
    """Ranks of the scores, highest first; equal scores share a rank (1, 2, 2, 4).

    An application without a score has no rank.
    """
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, score in enumerate(ranked, start=1):
        first_place.setdefault(score, place)
    return [None if s is None else first_place[s] for s in scores]


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """A plain mean to two decimals (a dimension's mean over the reviewers who submitted)."""
    if not values:
        return None
    return rounded(sum(values, Decimal(0)) / len(values))
