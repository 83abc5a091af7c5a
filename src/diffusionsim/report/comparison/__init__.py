"""The comparison report, a policy brief: the answer first (ranking, conclusions, trade-offs), then the evidence.

Every scenario ran the same replications on the same seeds (common random numbers), so a difference against the
reference (the first scenario) is taken per replication and only then averaged: the shared noise cancels and the
interval of the difference is narrower than the intervals of the two means. Intervals are 95% t-intervals over
replications; bands in the figures are the 5th-95th percentile across replications (90% of runs).

The report is written from the tables of a ``ComparisonResult`` alone (duck-typed: ``scenarios``, ``timeseries``,
``outcomes``, ``kinds``, ``manifest``), so it can be regenerated from saved tables without running the model.

Modules: ``tables`` (statistics), ``labels`` and ``numbers`` (what the reader sees), ``bands`` and ``figures``,
``cost_effectiveness``, ``calibration_uncertainty``, ``sections/`` (one module per section), ``document`` and
``render`` with the Jinja2 ``templates/``, and ``write`` (the report folder).
"""

from __future__ import annotations

from .bands import band_frame, kind_band_frame
from .context import Context
from .figures import plot_adoption_bands, plot_kind_bands, plot_money, plot_outcomes
from .labels import OUTCOME_LABELS, PARTY_NAMES, label, unit
from .numbers import fmt, fmt_ci
from .render import to_html, to_markdown
from .sections import build_report
from .tables import mean_ci, money_table, summary_table
from .write import write_report

__all__ = [
    "OUTCOME_LABELS",
    "PARTY_NAMES",
    "Context",
    "band_frame",
    "build_report",
    "fmt",
    "fmt_ci",
    "kind_band_frame",
    "label",
    "mean_ci",
    "money_table",
    "plot_adoption_bands",
    "plot_kind_bands",
    "plot_money",
    "plot_outcomes",
    "summary_table",
    "to_html",
    "to_markdown",
    "unit",
    "write_report",
]
