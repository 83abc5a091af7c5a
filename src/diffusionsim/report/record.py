"""The record beside the model: each observed figure against the run's value for it (a table and a figure).

A run of a scenario that names its record (``meta.observations``) writes ``record.csv`` and ``record.png`` and prints
the table: observed value and standard error, the model's value, the standardised residual z = (model - observed)/se,
and whether the figure is one calibration fits or one kept out of it (out-of-sample).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from rich.table import Table

from ..calendar import axis_years, end_of_month_year
from ..observations import Observation, columns, model_values, standardised


def record_frame(
    observations: list[Observation], timeseries: pd.DataFrame, outcomes: dict[str, float], start: str
) -> pd.DataFrame:
    """One row per observation: what was observed, what the model gives, and how far apart in standard errors."""
    model = model_values(observations, timeseries, outcomes, start)
    z, within = standardised(observations, model)
    return pd.DataFrame(
        columns(observations)
        | {
            "model": model,
            "z": z,
            "within_2se": within,
            "used_in_calibration": [o.use for o in observations],
            "source": [f"{o.source.authors} ({o.source.year})" for o in observations],
        }
    )


def record_table(frame: pd.DataFrame) -> Table:
    """The frame as a terminal table, shares in percent."""
    table = Table(title="The record beside the model (z = (model - observed) / se; * = not used in calibration)")
    for column, justify in (("observation", "left"), ("date", "left"), ("observed", "right"), ("model", "right")):
        table.add_column(column, justify=justify)
    table.add_column("z", justify="right")
    for row in frame.itertuples():
        mark = "" if row.used_in_calibration else " *"
        table.add_row(
            f"{row.id}{mark}", row.date, f"{row.observed:.1%} ± {row.se:.1%}", f"{row.model:.1%}", f"{row.z:+.1f}"
        )
    return table


def plot_record(observations: list[Observation], timeseries: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """One panel per observed time-series indicator: the model's curve, each observation with a ±2 se bar (filled:
    used in calibration; open: kept out of it)."""
    indicators = list(dict.fromkeys(o.indicator for o in observations if not o.is_outcome))
    ncols = min(3, max(1, len(indicators)))
    nrows = max(1, -(-len(indicators) // ncols))
    fig = Figure(figsize=(4.4 * ncols, 3.3 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    years = axis_years(timeseries)
    for ax, indicator in zip(axes, indicators, strict=False):
        ax.plot(years, timeseries[indicator], color="C0", label="model")
        for obs in (o for o in observations if o.indicator == indicator):
            face = "C3" if obs.use else "white"
            ax.errorbar(
                end_of_month_year(obs.date), obs.value, yerr=2 * obs.se, fmt="o", color="C3", mfc=face, capsize=3
            )
        ax.set_title(indicator, fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # calendar years, not 2007.5
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    for ax in axes[len(indicators) :]:
        ax.set_visible(False)
    fig.suptitle(f"The record beside the model{': ' + title if title else ''} (filled: used in calibration)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return Path(path)
