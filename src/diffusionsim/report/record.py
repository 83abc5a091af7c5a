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

from .. import i18n
from ..calendar import axis_years, end_of_month_year
from ..i18n import _
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
    """The frame as a terminal table in the current language, shares in percent."""
    table = Table(title=_("The record beside the model (z = (model - observed) / se; * = not used in calibration)"))
    table.add_column(_("observation"))
    table.add_column(_("date"))
    table.add_column(_("observed"), justify="right")
    table.add_column(_("model"), justify="right")
    table.add_column("z", justify="right")
    for row in frame.itertuples():
        mark = "" if row.used_in_calibration else " *"
        observed = f"{i18n.percent(row.observed)} ± {i18n.percent(row.se)}"
        table.add_row(
            f"{row.id}{mark}", i18n.month(row.date), observed, i18n.percent(row.model), i18n.number(row.z, 1, sign=True)
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
        ax.plot(years, timeseries[indicator], color="C0", label=_("model"))
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
    if title:
        fig.suptitle(_("The record beside the model: {scenario} (filled: used in calibration)").format(scenario=title))
    else:
        fig.suptitle(_("The record beside the model (filled: used in calibration)"))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return Path(path)
