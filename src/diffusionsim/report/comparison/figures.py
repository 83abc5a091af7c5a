"""The report's figures: one colour per scenario in every figure, percentages where the tables show percentages, and
value axes that start at zero (or say why not).

Figures are drawn on ``matplotlib.figure.Figure`` objects, never through pyplot, so importing this module leaves the
matplotlib backend as it was (a notebook keeps showing its plots) and nothing global is touched.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import sys
import textwrap
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ...calendar import axis_years
from ...experiments.worker import exit_with
from ...i18n import _, current, language
from ..palette import scenario_colours
from .bands import band_frame, kind_band_frame
from .labels import CITIZEN_PREFIX, GROUP_NAMES, LEDGER_PREFIXES, ORG_PREFIX, OUTCOME_LABELS, label, party, unit
from .numbers import fmt
from .tables import ComparisonLike, money_table, party_types, summary_table

_MEAN_CI = ("mean", "ci_low", "ci_high")
_DIFF_CI = ("diff_mean", "diff_ci_low", "diff_ci_high")
DPI = 100


def _grid(n: int, ncols: int = 3, share: bool = True, height: float = 3.2) -> tuple[Figure, list[Axes]]:
    """A grid of small multiples (shared axes make panels comparable); panels beyond `n` are hidden."""
    ncols = max(1, min(ncols if n <= 9 else 4, n))
    nrows = math.ceil(n / ncols) if n else 1
    fig = Figure(figsize=(4.2 * ncols, height * nrows))
    axes = fig.subplots(nrows, ncols, sharex=share, sharey=share, squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _percent_axis(axis) -> None:
    """Tick labels in percent (the tables' unit) for an axis of shares. Each label is formatted once: matplotlib asks
    for every tick's label in the layout pass and again when drawing, and panels that share an axis share its ticks."""
    labels: dict[float, str] = {}

    def percent(value: float, _pos: int) -> str:
        if value not in labels:
            labels[value] = fmt(value, "share", extra=-1)
        return labels[value]

    axis.set_major_formatter(FuncFormatter(percent))


def _plot_band_grid(
    band: pd.DataFrame, key: str, titles: dict[str, str], colours: dict[str, str], path: Path, title: str
) -> Path:
    """One panel per key value, one line plus shaded 90% band per scenario, x in calendar years, y 0-100%."""
    panels = list(band[key].unique())
    fig, axes = _grid(len(panels))
    scenarios = list(band["scenario"].unique())
    years = axis_years(band)
    rows = band.groupby([key, "scenario"], sort=False).indices  # (panel, scenario) -> row positions, in band order
    none = np.array([], dtype=int)  # a scenario whose runs all failed has no rows: an empty line keeps its legend
    for ax in axes:  # the panels share their axes: scale them once, when drawn, not again after every band added
        ax.set_autoscale_on(False)
    for ax, panel in zip(axes, panels, strict=True):
        for scenario in scenarios:
            at = rows.get((panel, scenario), none)
            part, colour = band.iloc[at], colours[scenario]
            ax.fill_between(years[at], part["p05"], part["p95"], color=colour, alpha=0.2, linewidth=0)
            ax.plot(years[at], part["mean"], color=colour, label=scenario)
        ax.set_title(titles.get(panel, panel), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # calendar years
        _percent_axis(ax.yaxis)
        ax.grid(alpha=0.3)
    for ax in axes:
        ax.set_autoscale_on(True)
    if axes:  # adoption is a share: the whole range, so small differences look small (shared: one call sets all)
        axes[0].set_ylim(0, 1)
    ncols = axes[0].get_subplotspec().get_gridspec().ncols if axes else 1
    for i, ax in enumerate(axes):
        if i + ncols >= len(axes):  # nothing below this panel: it carries the x axis
            ax.tick_params(labelbottom=True)
            ax.set_xlabel(_("year"))
    if axes:
        axes[0].legend(fontsize=7, loc="upper left")
    note = _("line: mean over replications; band: 5th-95th percentile of the runs")
    return _finish(fig, path, f"{title}\n{note}")


def _finish(fig: Figure, path: str | Path, title: str | None = None) -> Path:
    """Title above the panels (room reserved so it never overlaps them), save the PNG.

    The layout is what ``fig.tight_layout`` computes, applied once by the engine itself: ``tight_layout`` leaves a
    placeholder engine on the figure, which makes ``savefig`` lay out all artists once more before drawing them (a
    third pass over every tick and label, some 15% of a figure's work) for the same picture."""
    top = 1.0
    if title:
        fig.suptitle(title, fontsize=10)
        top = 1 - (0.15 + 0.2 * (title.count("\n") + 1)) / fig.get_figheight()
    TightLayoutEngine(rect=(0, 0, 1, top)).execute(fig)
    fig.savefig(path, dpi=DPI)
    return Path(path)


def plot_adoption_bands(result: ComparisonLike, path: str | Path, column_prefix: str = ORG_PREFIX) -> Path:
    """Adoption per innovation, one panel each, so scenarios are compared where the innovations differ."""
    band = band_frame(result, column_prefix)
    titles = {i: f"{i} ({_(GROUP_NAMES.get(result.kinds.get(i, ''), '?'))})" for i in band["innovation"].unique()}
    if column_prefix == CITIZEN_PREFIX:
        title = _("Adoption per innovation: share of eligible citizens who use it")
    else:
        title = _("Adoption per innovation: share of organisations that implemented it")
    return _plot_band_grid(band, "innovation", titles, scenario_colours(result.scenarios), Path(path), title)


def plot_kind_bands(result: ComparisonLike, path: str | Path, column_prefix: str = ORG_PREFIX) -> Path:
    """Adoption per innovation kind (technological, social, process): the policy question is often about kinds."""
    band = kind_band_frame(result, column_prefix)
    titles = {k: _("{kind} innovations").format(kind=_(GROUP_NAMES.get(k, k))) for k in band["kind"].unique()}
    title = _("Adoption per kind of innovation (mean over its innovations)")
    return _plot_band_grid(band, "kind", titles, scenario_colours(result.scenarios), Path(path), title)


def plot_money(result: ComparisonLike, path: str | Path) -> Path:
    """Horizontal bars: net money per party type against the reference, with the paired 95% CI as error bars; each
    scenario in its own colour. With a single scenario there is nothing to difference: the bars show its means."""
    table = money_table(result)
    reference, colours = result.scenarios[0], scenario_colours(result.scenarios)
    shown = [s for s in result.scenarios if s != reference] or [reference]
    value, low, high = _DIFF_CI if shown[0] != reference else _MEAN_CI
    parties = list(dict.fromkeys(table["party"]))
    y, height = np.arange(len(parties)), 0.8 / len(shown)
    fig = Figure(figsize=(9.0, 1.0 + 0.35 * len(parties) * max(1, len(shown) / 2)))
    ax = fig.subplots()
    for i, scenario in enumerate(shown):
        part = table[table["scenario"] == scenario].set_index("party").loc[parties]
        err = np.vstack([part[value] - part[low], part[high] - part[value]])
        err = None if np.isnan(err).all() else np.nan_to_num(err)
        offset = (i - (len(shown) - 1) / 2) * height
        ax.barh(y + offset, part[value], height, xerr=err, capsize=2, color=colours[scenario], label=scenario)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [party(p) for p in parties], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(_("EUR million (+ gains, - pays)"))
    if shown[0] != reference:
        what = _("Net gain per party against no innovation, whole run: difference against {reference}")
    else:
        what = _("Net gain per party against no innovation, whole run")
    ax.set_title(what.format(reference=reference) + "\n" + _("error bars: 95% interval"), fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _finish(fig, path)


def plot_outcomes(result: ComparisonLike, path: str | Path) -> Path:
    """The main outcomes, one panel each: mean and 95% interval per scenario, in the tables' units (% for shares,
    EUR million for money); each axis includes zero, so the size of a difference is seen against the whole."""
    columns = [c for c in OUTCOME_LABELS if c in result.outcomes.columns and not c.startswith(LEDGER_PREFIXES)]
    table = summary_table(result, columns)
    colours = scenario_colours(result.scenarios)
    fig, axes = _grid(len(columns), ncols=4, share=False, height=0.6 + 0.45 * len(result.scenarios))
    for ax, column in zip(axes, columns, strict=True):  # each outcome has its own scale
        part = table[table["outcome"] == column]
        scale, y = (1e6 if unit(column) == "eur" else 1.0), np.arange(len(part))
        err = np.nan_to_num(np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]]) / scale)
        for k, scenario in enumerate(part["scenario"]):
            ax.errorbar(
                part["mean"].iloc[k] / scale, y[k], xerr=err[:, k : k + 1], fmt="o", capsize=3, color=colours[scenario]
            )
        lows, highs = (part["ci_low"].fillna(part["mean"]) / scale), (part["ci_high"].fillna(part["mean"]) / scale)
        ends = np.concatenate([lows.to_numpy(dtype=float), highs.to_numpy(dtype=float)])
        ends = ends[np.isfinite(ends)] if np.isfinite(ends).any() else np.zeros(1)  # an outcome undefined everywhere
        left, right = min(0.0, float(ends.min())), max(0.0, float(ends.max()))
        pad = 0.05 * (right - left) or 1.0
        ax.set_xlim(left - (pad if left < 0 else 0), right + pad)
        if unit(column) == "share":
            _percent_axis(ax.xaxis)
        ax.set_yticks(y, part["scenario"], fontsize=7)
        ax.set_ylim(len(part) - 0.5, -0.5)  # the reference on top
        ax.set_title(textwrap.fill(label(column), 40), fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(alpha=0.3)
    return _finish(
        fig, path, _("Outcomes per scenario: mean and 95% interval over replications; every axis includes 0")
    )


def write_figures(result: ComparisonLike, out: Path) -> dict[str, str]:
    """The PNGs, keyed by role; figures without data (no citizen columns, no money) are skipped."""
    columns = result.timeseries.columns
    has_org = any(c.startswith(ORG_PREFIX) for c in columns)
    jobs = {
        "adoption": ("adoption_bands.png", plot_adoption_bands, has_org),
        "citizen_adoption": (
            "citizen_adoption_bands.png",
            _citizen_bands,
            any(c.startswith(CITIZEN_PREFIX) for c in columns),
        ),
        "kind": ("kind_bands.png", plot_kind_bands, has_org),
        "outcomes": ("outcomes.png", plot_outcomes, any(c in OUTCOME_LABELS for c in result.outcomes.columns)),
        "money": ("money.png", plot_money, bool(party_types(result))),
    }
    figures = {key: name for key, (name, _plot, has_data) in jobs.items() if has_data}
    heaviest_first = sorted(figures, key=lambda key: _HEAVIEST.index(key) if key in _HEAVIEST else len(_HEAVIEST))
    _draw(result, [(jobs[key][1], out / figures[key]) for key in heaviest_first])
    return figures


# A panel per outcome or innovation: these take most of the time, so they start first and the small ones fill in.
_HEAVIEST = ("outcomes", "adoption", "citizen_adoption")
_Job = tuple[Callable[[ComparisonLike, Path], Path], Path]


def _draw(result: ComparisonLike, jobs: list[_Job]) -> None:
    """Draw the figures, on all cores where that is safe. A figure is pure Python work in matplotlib (a layout pass
    over every panel's ticks and labels, then the drawing), so threads would only take turns; the figures go to
    processes instead, forked from this one: they start at once, with the result, the jobs and every import already
    in memory, and nothing is pickled but a job's number (a forkserver's workers would first import matplotlib and
    pandas, a few seconds each). Fork is safe while no other Python thread runs here (a notebook kernel or a web
    server has some): then, on one core, or off Linux, the figures are drawn here, one after another. Same PNGs
    either way."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2 or sys.platform != "linux" or threading.active_count() > 1:
        for plot, path in jobs:
            plot(result, path)
        return
    # A pool that forks starts all its workers at the first submit, before any thread of its own (Python >= 3.9).
    context = multiprocessing.get_context("fork")
    start = (result, jobs, current(), os.getpid())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_drawing, initargs=start) as pool:
        with warnings.catch_warnings():
            # Python 3.12 warns on any fork while the process has more than one OS thread. Here the others are
            # native and idle: OpenBLAS's pools (numpy's, scipy's) and Arrow's jemalloc purger, which reset
            # themselves in a forked child (pthread_atfork); Python threads were ruled out above.
            warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
            running = [pool.submit(_draw_in_worker, job) for job in range(len(jobs))]
        for done in running:
            done.result()  # a figure's error is raised here, with the worker's traceback


_drawing: tuple[ComparisonLike, list[_Job], str] | None = None  # in a drawing worker: the result, jobs, language


def _start_drawing(result: ComparisonLike, jobs: list[_Job], lang: str, owner: int) -> None:
    """Initializer of a drawing worker (forked: the arguments are not pickled). Everything inherited is frozen out of
    the garbage collector's reach, so its collections walk only the figure being drawn."""
    global _drawing
    gc.freeze()
    exit_with(owner)
    _drawing = (result, jobs, lang)


def _draw_in_worker(job: int) -> None:
    assert _drawing is not None, "_draw_in_worker runs in a pool started with _start_drawing"
    result, jobs, lang = _drawing
    plot, path = jobs[job]
    with language(lang):
        plot(result, path)


def _citizen_bands(result: ComparisonLike, path: Path) -> Path:
    return plot_adoption_bands(result, path, CITIZEN_PREFIX)
