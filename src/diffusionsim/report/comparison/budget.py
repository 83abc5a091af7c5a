"""Budget impact per calendar year: what each party type gains or pays in each year, against the same world without
innovations, and the year a party that paid first is back in the black.

A budget holder plans by the year, not by the run: the run totals (``tables.money_table``) hide whether a party pays
early and is repaid late. The timeseries holds the CUMULATIVE impact (``impact:<party>``, EUR) at the end of every
model month, so a year's net money is the difference of the cumulative impact between two year ends.

Definitions (the tests hold them):

- A run's baseline is its first row (month 0, the end of the month before the start); every later row belongs to the
  calendar year of its ``date``. A year's net money is the cumulative impact at the year's last recorded month minus
  that at the previous year's last recorded month (the first year: minus the baseline). ``months`` is how many
  model months the year covers, so a run starting in July has a first year of 6 months and a run ending in March a
  last year of 3: those are partial years, never scaled up to twelve months.
- ``cumulative`` is the impact at the year's end less the baseline, so the nets of a run add up to it.
- A run *pays* if its cumulative impact is below zero (beyond the tolerance) at some year end; it *breaks even* in
  the first year at whose end the cumulative impact is back at or above zero and stays there at every later year end
  of the run (the year after the last year end in the red); if the last year end is in the red it does not break
  even within the run. The last year end of a run that stops mid-year is the run's end.

Nothing here is text: the section (``sections/budget.py``) says it in the reader's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .labels import IMPACT_PREFIX
from .tables import STAT_COLUMNS, against_reference

RUN = ["scenario", "replication", "party"]
YEARLY_COLUMNS = [*RUN, "year", "months", "net", "cumulative"]
TABLE_COLUMNS = ["party", "year", "scenario", "months", *STAT_COLUMNS]
BREAK_EVEN_COLUMNS = [
    "scenario",
    "party",
    "n",
    "pays_share",
    "breaks_even_share",
    "median_year",
    "year_low",
    "year_high",
    "status",
]
# A cumulative impact counts as in the red only below -max(ABS_TOL, REL_TOL × the largest |cumulative| of the run):
# the impact is a difference of sums in the billions (balance less routine care), whose rounding must not read as
# a payment. One euro is nothing on the report's scale (EUR million).
ABS_TOL = 1.0
REL_TOL = 1e-9
QUANTILES = (0.025, 0.975)  # the range of break-even years shown beside the median
# Per run, and per scenario × party when every run agrees (otherwise "mixed").
NEVER_PAYS, BREAKS_EVEN, NOT_WITHIN, MIXED = "never_pays", "breaks_even", "not_within_run", "mixed"  # ids, in the CSV


def yearly(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Net money per scenario × replication × party × calendar year (EUR, + gains, - pays), with the model months the
    year covers and the cumulative impact at its end. Empty when the table has no dates or no impact columns (a
    comparison that collected adoption only, or tables written before the calendar existed)."""
    impacts = [c for c in timeseries.columns if c.startswith(IMPACT_PREFIX)]
    if not impacts or "date" not in timeseries:
        return pd.DataFrame(columns=YEARLY_COLUMNS)
    long = timeseries.melt(
        id_vars=["scenario", "replication", "month", "date"], value_vars=impacts, var_name="party", value_name="value"
    )
    long["party"] = long["party"].str.removeprefix(IMPACT_PREFIX)
    # parties in the order of their columns (the ledger's), scenarios as run; months ascending within a run
    order = {"_party": pd.factorize(long["party"])[0], "_scenario": pd.factorize(long["scenario"])[0]}
    long = long.assign(**order).sort_values(["_party", "_scenario", "replication", "month"], kind="stable")
    long["value"] -= long.groupby(RUN, sort=False)["value"].transform("first")
    first = long.groupby(RUN, sort=False).head(1).index
    long["year"] = long["date"].str[:4].astype(int)
    long.loc[first, "year"] = -1  # the baseline is no year of its own, whatever calendar year month 0 falls in
    ends = long.groupby([*RUN, "year"], sort=False).tail(1).copy()  # rows are sorted by month within a run
    by_run = ends.groupby(RUN, sort=False)
    ends["net"] = by_run["value"].diff()
    ends["months"] = by_run["month"].diff()
    out = ends.drop(index=first).rename(columns={"value": "cumulative"})
    out["months"] = out["months"].astype(int)
    return out[YEARLY_COLUMNS].reset_index(drop=True)


def yearly_table(timeseries: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """Per party × year × scenario: the mean net money that year over replications with its 95% t-interval, and the
    paired difference against the reference (the first scenario), aligned on the replication (same seed), EUR.

    ``months`` is the longest coverage of that year among the scenario's runs (a partial year shows fewer than 12)."""
    per_year = yearly(timeseries)
    if not len(per_year):
        return pd.DataFrame(columns=TABLE_COLUMNS)
    per_year = per_year.assign(_party=pd.factorize(per_year["party"])[0]).sort_values(["_party", "year"], kind="stable")
    rows = []
    for (party, year), cell in per_year.groupby(["party", "year"], sort=False):
        runs = {s: g.set_index("replication") for s, g in cell.groupby("scenario", sort=False)}
        nets = {s: run["net"] for s, run in runs.items()}
        for scenario, stats_ in against_reference(nets, scenarios):
            months = int(runs[scenario]["months"].max()) if scenario in runs else 0
            rows.append((party, int(year), scenario, months, *stats_))
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def run_status(cumulative: np.ndarray, years: np.ndarray) -> tuple[str, int | None]:
    """One run's (status, break-even year) from its cumulative impact at its year ends, in order of the years."""
    tolerance = max(ABS_TOL, REL_TOL * float(np.nanmax(np.abs(cumulative), initial=0.0)))
    red = np.flatnonzero(cumulative < -tolerance)
    if not len(red):
        return NEVER_PAYS, None
    if red[-1] == len(cumulative) - 1:
        return NOT_WITHIN, None
    return BREAKS_EVEN, int(years[red[-1] + 1])


def break_even(timeseries: pd.DataFrame, scenarios: Sequence[str]) -> pd.DataFrame:
    """Per scenario × party: the share of runs that pay at some year end, the share of those that break even within
    the run, the median break-even year among those with its 2.5-97.5 percentile range (observed years: the inverted
    empirical distribution, so a year is always a calendar year), and the status the runs agree on, else "mixed"."""
    per_year = yearly(timeseries)
    rows = []
    for scenario in scenarios:
        for party, cell in per_year[per_year["scenario"] == scenario].groupby("party", sort=False):
            runs = [
                run_status(g["cumulative"].to_numpy(), g["year"].to_numpy()) for _, g in cell.groupby("replication")
            ]
            statuses = {status for status, _year in runs}
            paying = sum(status != NEVER_PAYS for status, _year in runs)
            years = np.array([year for _status, year in runs if year is not None], dtype=float)
            median, low, high = (
                np.quantile(years, [0.5, *QUANTILES], method="inverted_cdf") if len(years) else [math.nan] * 3
            )
            rows.append(
                (
                    scenario,
                    party,
                    len(runs),
                    paying / len(runs),
                    len(years) / paying if paying else math.nan,
                    median,
                    low,
                    high,
                    statuses.pop() if len(statuses) == 1 else MIXED,
                )
            )
    return pd.DataFrame(rows, columns=BREAK_EVEN_COLUMNS)
