"""The wording rule: how a paired difference becomes words, and how scenarios are ranked.

A difference is the mean of the per-replication differences (common seeds) with its 95% t-interval. It is called

- **clearly** higher or lower when the interval excludes zero *and* the difference is at least the outcome's
  threshold of relevance (``THRESHOLDS``: 1 percentage point for shares; for counts, money and other numbers the
  larger of an absolute floor and 2% of the reference's value; three months for times);
- **slightly** higher or lower when the interval excludes zero but the difference is below that threshold: real, but
  small;
- **no detectable difference** when the interval includes zero (the same scenario twice always lands here);
- **not determined** when there is no interval (a single replication).

Ranking: per outcome, scenarios are sorted by their mean, best first (``BETTER`` says which direction is better). A
scenario shares the rank of the one above it when their paired difference is not detectable, so a rank never
claims more than the runs show. There is no overall score: weighing adoption against money is the reader's call.

The thresholds are conventions of this report, not model parameters: they decide words, never numbers, and every
sentence prints the interval it rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from .labels import IMPACT_PREFIX, unit
from .tables import mean_ci, paired_difference

Runs = dict[str, pd.DataFrame]  # tables.per_scenario: each scenario's outcome rows, indexed by replication


class Verdict(StrEnum):
    """Ids of the words; the words themselves are in sections/brief.py (CLAUSES), in the catalogue."""

    CLEARLY_HIGHER = "clearly_higher"
    SLIGHTLY_HIGHER = "slightly_higher"
    NO_DIFFERENCE = "no_difference"
    SLIGHTLY_LOWER = "slightly_lower"
    CLEARLY_LOWER = "clearly_lower"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Threshold:
    """A difference is relevant when |d| >= max(absolute, relative × |reference mean|)."""

    absolute: float
    relative: float

    def of(self, reference_mean: float) -> float:
        scale = abs(reference_mean) if math.isfinite(reference_mean) else 0.0
        return max(self.absolute, self.relative * scale)


THRESHOLDS: dict[str, Threshold] = {
    "share": Threshold(0.01, 0.0),  # 1 percentage point
    "count": Threshold(1.0, 0.02),  # one organisation or FTE, or 2% of the reference
    "eur": Threshold(1e6, 0.02),  # EUR 1 million, or 2% of the reference
    "years": Threshold(0.25, 0.0),  # three months
    "number": Threshold(0.0, 0.02),
}
# Which direction is better, for ranking: +1 higher is better, -1 lower is better.
BETTER: dict[str, int] = {
    "implemented_10y": 1,
    "reached_half_share": 1,
    "years_to_half_adoption": -1,
    "fte_saved": 1,
    "fte_saved_2034": 1,
    "fte_share_of_shortage": 1,
    "fte_2034_share_of_shortage": 1,
    "care_at_home_growth": 1,
    "care_at_home_growth_2030": 1,
    "public_money_spent": -1,
    "ses_gap": -1,
}


def threshold(column: str, reference_mean: float) -> float:
    return THRESHOLDS[unit(column)].of(reference_mean)


def verdict(mean: float, low: float, high: float, relevant: float) -> Verdict:
    """The words for a paired difference with its 95% interval, by the rule in this module's docstring."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return Verdict.UNDETERMINED
    if low <= 0 <= high:
        return Verdict.NO_DIFFERENCE
    clear = abs(mean) >= relevant
    if mean > 0:
        return Verdict.CLEARLY_HIGHER if clear else Verdict.SLIGHTLY_HIGHER
    return Verdict.CLEARLY_LOWER if clear else Verdict.SLIGHTLY_LOWER


@dataclass(frozen=True)
class Difference:
    """One outcome, scenario against another: the paired difference, its interval and its words."""

    column: str
    scenario: str
    against: str
    n: int
    mean: float
    low: float
    high: float
    verdict: Verdict

    @property
    def detectable(self) -> bool:
        return self.verdict not in (Verdict.NO_DIFFERENCE, Verdict.UNDETERMINED)

    @property
    def clear(self) -> bool:
        return self.verdict in (Verdict.CLEARLY_HIGHER, Verdict.CLEARLY_LOWER)


def difference(runs: Runs, column: str, scenario: str, against: str) -> Difference:
    """`scenario` minus `against` in `column`, paired on replications, with its verdict."""
    n, mean, low, high = paired_difference(runs, column, scenario, against)
    reference_mean = mean_ci(runs[against][column])[1] if against in runs else math.nan
    return Difference(
        column, scenario, against, n, mean, low, high, verdict(mean, low, high, threshold(column, reference_mean))
    )


def better(column: str) -> int:
    """+1 when more is better; party money (impact:*) is better for that party when higher."""
    return 1 if column.startswith(IMPACT_PREFIX) else BETTER.get(column, 1)


def ranks(runs: Runs, column: str, scenarios: list[str]) -> dict[str, int]:
    """Rank per scenario on `column`, best first; a scenario not detectably different from the one above shares its
    rank. Scenarios without a value get no rank."""
    means = {s: mean_ci(runs[s][column])[1] if s in runs else math.nan for s in scenarios}
    order = sorted((s for s in scenarios if math.isfinite(means[s])), key=lambda s: -better(column) * means[s])
    out: dict[str, int] = {}
    for position, scenario in enumerate(order):
        above = order[position - 1] if position else None
        tied = above is not None and not difference(runs, column, scenario, above).detectable
        out[scenario] = out[above] if tied else position + 1
    return out
