"""The statistics of a comparison: means with t-intervals, and paired differences against the reference."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from .labels import ID_COLUMNS, IMPACT_PREFIX, OUTCOME_LABELS, label

LEVEL = 0.95  # confidence level of the intervals
BAND = (0.05, 0.95)  # percentiles of the shaded bands
# The columns of a statistics row: replications, mean with its interval, paired difference with its interval.
STAT_COLUMNS = ["n", "mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"]
_MEAN_CI = ("mean", "ci_low", "ci_high")
_DIFF_CI = ("diff_mean", "diff_ci_low", "diff_ci_high")


class ComparisonLike(Protocol):
    """What the report reads from a comparison (``diffusionsim.experiments.compare.ComparisonResult``)."""

    scenarios: list[str]
    timeseries: pd.DataFrame
    outcomes: pd.DataFrame
    kinds: dict[str, str]
    manifest: dict[str, Any]


def mean_ci(values: Sequence[float] | np.ndarray | pd.Series, level: float = LEVEL) -> tuple[int, float, float, float]:
    """(n, mean, low, high) of a t-interval; NaNs (an outcome undefined in a run) are left out, one value has no CI."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return n, mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return n, mean, mean - half, mean + half


def outcome_columns(result: ComparisonLike) -> list[str]:
    """The numeric outcome columns, labelled ones first in the order of OUTCOME_LABELS, then the rest as stored."""
    numeric = [
        c for c in result.outcomes.columns if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(result.outcomes[c])
    ]
    known = [c for c in OUTCOME_LABELS if c in numeric]
    rest = [c for c in numeric if c not in known]
    groups = list(dict.fromkeys(c.partition(":")[0] for c in rest))  # per-innovation columns together
    return known + sorted(rest, key=lambda c: groups.index(c.partition(":")[0]))


def summary_table(result: ComparisonLike, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per outcome × scenario: mean with 95% CI, and the paired difference against the first scenario.

    Differences are aligned on the replication index (same seed in every scenario), never on row order; a
    replication missing in either scenario, or an outcome undefined (NaN) in either run, drops out of the pair.
    """
    runs = per_scenario(result.outcomes)
    rows = []
    for column in columns if columns is not None else outcome_columns(result):
        values = {s: g[column] for s, g in runs.items()}
        for scenario, stats_ in against_reference(values, result.scenarios):
            rows.append((column, label(column), scenario, *stats_))
    return pd.DataFrame(rows, columns=["outcome", "label", "scenario", *STAT_COLUMNS])


def against_reference(
    values: Mapping[str, pd.Series], scenarios: Sequence[str]
) -> Iterator[tuple[str, tuple[float, ...]]]:
    """Per scenario: (n, mean, low, high) of its values and the paired difference against the first scenario (mean,
    low, high; NaN for the reference itself). `values` holds each scenario's values indexed by replication, so the
    difference pairs runs on the same seed, never on row order; a replication missing on either side drops out."""
    empty = pd.Series(dtype=float)
    reference = values.get(scenarios[0], empty)
    for scenario in scenarios:
        own = values.get(scenario, empty)
        diff = (math.nan,) * 3 if scenario == scenarios[0] else mean_ci((own - reference).dropna())[1:]
        yield scenario, (*mean_ci(own), *diff)


def per_scenario(outcomes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The outcome rows of each scenario, indexed by replication (the key that pairs runs across scenarios)."""
    return {s: g.set_index("replication") for s, g in outcomes.groupby("scenario", sort=False)}


def paired_difference(runs: dict[str, pd.DataFrame], column: str, a: str, b: str) -> tuple[int, float, float, float]:
    """(n, mean, low, high) of a − b in `column`, per replication both ran (common seeds), then averaged; `runs` is
    per_scenario's split of the outcome table (computed once: splitting is what costs)."""
    if a not in runs or b not in runs:
        return 0, math.nan, math.nan, math.nan
    return mean_ci((runs[a][column] - runs[b][column]).dropna())


def party_types(result: ComparisonLike) -> list[str]:
    """Party types with an impact column in the outcomes, in stored order."""
    return [c.removeprefix(IMPACT_PREFIX) for c in result.outcomes.columns if c.startswith(IMPACT_PREFIX)]


def money_table(result: ComparisonLike) -> pd.DataFrame:
    """Who pays and who gains: net money per party type × scenario in EUR million (+ gains, - pays), against the
    same world without innovations, with paired differences.

    The ledger's plain balances (`money:*`, in the outcome table's CSV) are dominated by the routine care spending
    that flows whatever happens (billions a year); the impact leaves that out, so the table shows what innovation
    and policy move."""
    table = summary_table(result, [IMPACT_PREFIX + p for p in party_types(result)])
    values = ["mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"]
    table[values] = table[values] / 1e6
    table.insert(0, "party", table.pop("outcome").str.removeprefix(IMPACT_PREFIX))
    return table.drop(columns="label")
