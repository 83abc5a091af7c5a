"""Figures. Matplotlib with the Agg backend, so they render on a machine without a screen; texts in the current
language (i18n)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..calendar import axis_years  # noqa: E402
from ..i18n import _  # noqa: E402

ORG_PREFIX = "org_adoption:"
CITIZEN_PREFIX = "citizen_adoption:"


def plot_adoption(timeseries: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Adoption curves per innovation: organisations (left) and eligible citizens (right), by year."""
    years = axis_years(timeseries)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharex=True)
    for ax, prefix, label in (
        (axes[0], ORG_PREFIX, _("share of organisations that implemented or scaled")),
        (axes[1], CITIZEN_PREFIX, _("share of eligible citizens who use it")),
    ):
        for col in [c for c in timeseries.columns if c.startswith(prefix)]:
            ax.plot(years, timeseries[col], label=col.removeprefix(prefix))
        ax.set_xlabel(_("year"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=7, loc="upper left")
    heading = _("Adoption per innovation: {scenario}").format(scenario=title) if title else _("Adoption per innovation")
    fig.suptitle(heading)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
