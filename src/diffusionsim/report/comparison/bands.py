"""Bands over replications: mean and 5th-95th percentile per scenario, month and innovation or kind."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .labels import ORG_PREFIX
from .tables import BAND, ComparisonLike


def _long(result: ComparisonLike, column_prefix: str) -> pd.DataFrame:
    """The indicator columns with this prefix as long rows: scenario, replication, month, innovation, value."""
    ts = result.timeseries
    columns = [c for c in ts.columns if c.startswith(column_prefix)]
    ids = ["scenario", "replication", "month"] + (["date"] if "date" in ts else [])
    long = ts.melt(ids, columns, var_name="innovation", value_name="value")
    long["innovation"] = long["innovation"].str.removeprefix(column_prefix)
    return long


def _band(long: pd.DataFrame, key: str, scenarios: list[str], keys: Sequence[str]) -> pd.DataFrame:
    """Mean and 5th/95th percentile of `value` across replications, per scenario × month × key (in `keys` order)."""
    when = ["month"] + (["date"] if "date" in long else [])  # the date follows from scenario and month
    grouped = long.groupby(["scenario", *when, key], sort=False)["value"]
    band = grouped.agg(mean="mean", n="count").join(
        grouped.quantile(BAND[0]).rename("p05").to_frame().join(grouped.quantile(BAND[1]).rename("p95"))
    )
    band = band.reset_index()
    order = {"scenario": {s: i for i, s in enumerate(scenarios)}, key: {k: i for i, k in enumerate(keys)}}
    band = band.sort_values(["scenario", key, "month"], key=lambda s: s.map(order[s.name]) if s.name in order else s)
    return band[["scenario", *when, key, "mean", "p05", "p95", "n"]].reset_index(drop=True)


def band_frame(result: ComparisonLike, column_prefix: str = ORG_PREFIX) -> pd.DataFrame:
    """Per scenario × month × innovation: mean, p05 and p95 over replications, for the columns with this prefix."""
    long = _long(result, column_prefix)
    return _band(long, "innovation", result.scenarios, list(long["innovation"].unique()))


def kind_band_frame(result: ComparisonLike, column_prefix: str = ORG_PREFIX) -> pd.DataFrame:
    """Per scenario × month × kind: the band of the per-run mean over that kind's innovations.

    Averaging within a run first keeps the band a band of runs, not of innovations.
    """
    long = _long(result, column_prefix)
    long["kind"] = long["innovation"].map(result.kinds).fillna("unknown")
    when = ["month"] + (["date"] if "date" in long else [])
    per_run = long.groupby(["scenario", "replication", *when, "kind"], as_index=False)["value"].mean()
    known = ("technological", "social", "process")
    kinds = [k for k in known if k in set(per_run["kind"])] + sorted(set(per_run["kind"]) - set(known))
    return _band(per_run, "kind", result.scenarios, kinds)
