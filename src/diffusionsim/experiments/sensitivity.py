"""Global sensitivity analysis of a stored sweep: Sobol indices or Morris screening, per outcome.

`diffusionsim sweep` writes a sweep directory (manifest.json, design.csv, runs/); this module reads it back and
hands the per-point outcome means to SALib. It never runs the model, so an analysis can be repeated, for other
outcomes or another bootstrap seed, without re-running a single replication.

Why per-point means: SALib expects one output per design point, in the order its sampler produced them. Replications
are a Monte Carlo estimate of the model's expected outcome at that point, so their mean is what the indices describe;
the replication noise that remains in the mean shows up as (spurious) variance, mostly in the interaction terms.

Sobol and Morris need *every* design point: their estimators pair points by position (Saltelli blocks, Morris
trajectories), so a single missing point shifts every pair after it. Missing points are therefore an error, not
something to drop silently.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from SALib.analyze import morris as salib_morris  # noqa: E402
from SALib.analyze import sobol as salib_sobol  # noqa: E402

__all__ = [
    "METHODS",
    "SensitivityError",
    "analyse",
    "load_sweep_results",
    "morris_indices",
    "outcome_columns",
    "plot_indices",
    "point_means",
    "salib_problem",
    "sobol_indices",
    "write_sensitivity",
]

METHODS = ("sobol", "morris")
ID_COLUMNS = ("run", "point", "replication", "seed")
SOBOL_COLUMNS = ["outcome", "method", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ["outcome", "method", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]


class SensitivityError(ValueError):
    """The sweep cannot be analysed as asked; the message says what to change."""


def load_sweep_results(directory: str | Path) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Read (manifest, design, runs) from a sweep directory.

    The design is sorted by `point` so that row order equals the sampler's order even if a writer reordered rows;
    the runs are the union of all part files under runs/ (one per worker or batch).
    """
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    design_path = directory / "design.csv"
    runs_path = directory / "runs"
    for path in (manifest_path, design_path, runs_path):
        if not path.exists():
            raise SensitivityError(f"{directory} is not a complete sweep directory: {path.name} is missing")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    design = pd.read_csv(design_path)  # pandas >= 3 reads floats back exactly as Python wrote them
    design = design.sort_values("point", kind="stable").reset_index(drop=True)
    if not any(runs_path.glob("*.parquet")):
        raise SensitivityError(f"{runs_path} holds no parquet part files: no run of this sweep succeeded")
    runs = pd.read_parquet(runs_path)
    return manifest, design, runs


def outcome_columns(runs: pd.DataFrame) -> list[str]:
    """The numeric columns of the runs table that are outcomes (everything but the run identifiers)."""
    return [c for c in runs.columns if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(runs[c])]


def point_means(design: pd.DataFrame, runs: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome averaged over replications at each design point, in design order.

    Raises SensitivityError if the outcome is not a numeric column of the runs, or if any design point has no
    successful run (no row, or only NaN values), because Sobol and Morris estimators need every point.
    """
    available = outcome_columns(runs)
    if outcome not in available:
        raise SensitivityError(
            f"outcome {outcome!r} is not in the sweep's runs; available outcome columns: {', '.join(available)}"
        )
    means = runs.groupby("point")[outcome].mean()
    points = design["point"].to_numpy()
    y = means.reindex(points).to_numpy(dtype=float)
    missing = points[~np.isfinite(y)]
    if missing.size:
        shown = ", ".join(str(int(p)) for p in missing[:10]) + (", ..." if missing.size > 10 else "")
        raise SensitivityError(
            f"{missing.size} of {points.size} design points have no successful run for outcome {outcome!r} "
            f"(points {shown}); Sobol and Morris need every point: re-run the failed points (see failures/)"
        )
    return y


def _bounds(parameter: dict[str, Any]) -> list[float]:
    """[min, max] of one manifest parameter; falls back to the range of its listed values."""
    low, high = parameter.get("min"), parameter.get("max")
    values = parameter.get("values")
    if (low is None or high is None) and values:
        low, high = min(values), max(values)
    if low is None or high is None:
        raise SensitivityError(f"parameter {parameter.get('path')!r} has neither min/max nor values in the manifest")
    low, high = float(low), float(high)
    if not high > low:
        raise SensitivityError(f"parameter {parameter.get('path')!r} has an empty range [{low}, {high}]")
    return [low, high]


def salib_problem(manifest: dict[str, Any]) -> dict[str, Any]:
    """The SALib problem dict for the sweep's parameters, in design column order."""
    parameters = manifest.get("parameters") or []
    if not parameters:
        raise SensitivityError("the sweep manifest lists no parameters")
    return {
        "num_vars": len(parameters),
        "names": [p["path"] for p in parameters],
        "bounds": [_bounds(p) for p in parameters],
    }


def _seed(manifest: dict[str, Any], seed: int | None) -> int | None:
    """The bootstrap seed: the one given, else the sweep's, so repeated analyses give identical intervals."""
    return seed if seed is not None else manifest.get("seed")


def sobol_indices(
    manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, outcome: str, seed: int | None = None
) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices of one outcome, one row per parameter.

    The `_conf` columns are SALib's bootstrap half-widths of the 95% interval. Second-order indices, if the manifest
    asked for them, are computed by SALib (the design layout requires it) but not tabulated.
    """
    problem = salib_problem(manifest)
    y = point_means(design, runs, outcome)
    calc_second_order = bool(manifest.get("calc_second_order", False))
    block = 2 * problem["num_vars"] + 2 if calc_second_order else problem["num_vars"] + 2
    if y.size % block:
        raise SensitivityError(
            f"the design has {y.size} points, not a multiple of {block} as a Sobol design with "
            f"{problem['num_vars']} parameters and calc_second_order={calc_second_order} must be"
        )
    si = salib_sobol.analyze(
        problem, y, calc_second_order=calc_second_order, print_to_console=False, seed=_seed(manifest, seed)
    )
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": si["S1"],
            "S1_conf": si["S1_conf"],
            "ST": si["ST"],
            "ST_conf": si["ST_conf"],
        }
    )
    table.insert(0, "method", "sobol")
    table.insert(0, "outcome", outcome)
    return table[SOBOL_COLUMNS]


def morris_indices(
    manifest: dict[str, Any], design: pd.DataFrame, runs: pd.DataFrame, outcome: str, seed: int | None = None
) -> pd.DataFrame:
    """Morris elementary-effect statistics of one outcome, one row per parameter.

    SALib measures each step on the unit-scaled range, so mu and mu_star are in outcome units per full parameter
    range (a linear y = 5 x on [0, 1] gives mu_star = 5); sigma large relative to mu_star signals interactions or
    nonlinearity.
    """
    problem = salib_problem(manifest)
    y = point_means(design, runs, outcome)
    missing = [name for name in problem["names"] if name not in design.columns]
    if missing:
        raise SensitivityError(f"design.csv lacks the parameter columns {', '.join(missing)}")
    x = design[problem["names"]].to_numpy(dtype=float)
    si = salib_morris.analyze(
        problem,
        x,
        y,
        num_levels=int(manifest.get("num_levels", 4)),
        conf_level=0.95,
        print_to_console=False,
        seed=_seed(manifest, seed),
    )
    table = pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu": np.asarray(si["mu"], dtype=float),
            "mu_star": np.asarray(si["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
            "sigma": np.asarray(si["sigma"], dtype=float),
        }
    )
    table.insert(0, "method", "morris")
    table.insert(0, "outcome", outcome)
    return table[MORRIS_COLUMNS]


def _check_method(manifest: dict[str, Any], method: str | None) -> str:
    """The method to use; refuses combinations whose estimator does not match how the points were sampled."""
    design = manifest.get("design")
    method = design if method is None else method.lower()
    if method not in METHODS:
        if method == design:
            raise SensitivityError(
                f"a {design!r} design supports neither Sobol nor Morris analysis: Sobol indices need a Saltelli "
                'sample (put `design = "sobol"` in the sweep file) and Morris screening needs trajectories '
                '(put `design = "morris"`); then re-run the sweep'
            )
        raise SensitivityError(f"unknown sensitivity method {method!r}; choose one of {', '.join(METHODS)}")
    if method != design:
        raise SensitivityError(
            f"{method} analysis needs a {method} design, but this sweep used design = {design!r}: "
            f'put `design = "{method}"` in the sweep file and re-run the sweep'
        )
    return method


def analyse(directory: str | Path, outcomes: Sequence[str], method: str | None = None) -> pd.DataFrame:
    """Sensitivity indices of each outcome of a stored sweep, stacked into one table.

    `method` defaults to the sweep's design; it must match it, because each estimator relies on its own sampling
    scheme.
    """
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    if not outcomes:
        raise SensitivityError("name at least one outcome to analyse")
    manifest, design, runs = load_sweep_results(directory)
    method = _check_method(manifest, method)
    compute = sobol_indices if method == "sobol" else morris_indices
    return pd.concat([compute(manifest, design, runs, o) for o in outcomes], ignore_index=True)


def _barh(ax: Any, rows: pd.DataFrame, bars: list[tuple[str, str | None]]) -> None:
    """Grouped horizontal bars, one group per parameter, one bar per (value column, error column)."""
    names = rows["parameter"].tolist()
    ypos = np.arange(len(names))
    height = 0.8 / len(bars)
    for i, (column, err) in enumerate(bars):
        xerr = rows[err].to_numpy(dtype=float) if err else None
        offset = (i - (len(bars) - 1) / 2) * height
        ax.barh(ypos + offset, rows[column].to_numpy(dtype=float), height=height, xerr=xerr, capsize=3, label=column)
    ax.set_yticks(ypos, names)
    ax.invert_yaxis()
    ax.axvline(0.0, color="0.5", linewidth=0.8)
    ax.legend(loc="best", fontsize="small")


def plot_indices(table: pd.DataFrame, path: str | Path) -> Path:
    """One horizontal bar panel per outcome: Sobol S1 and ST, or Morris mu* and sigma, with 95% error bars."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    outcomes = list(dict.fromkeys(table["outcome"]))
    if not outcomes:
        raise SensitivityError("no sensitivity indices to plot")
    n_params = max(len(table[table["outcome"] == o]) for o in outcomes)
    ncols = min(2, len(outcomes))
    nrows = math.ceil(len(outcomes) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(6.5 * ncols, (1.2 + 0.45 * n_params) * nrows), squeeze=False, constrained_layout=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        rows = table[table["outcome"] == outcome]
        method = rows["method"].iloc[0]
        if method == "sobol":
            _barh(ax, rows, [("S1", "S1_conf"), ("ST", "ST_conf")])
            ax.set_xlabel("Sobol index (share of output variance)")
        else:
            _barh(ax, rows, [("mu_star", "mu_star_conf"), ("sigma", None)])
            ax.set_xlabel("Morris elementary effect (outcome units per parameter range)")
        ax.set_title(f"{outcome} ({method})")
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def write_sensitivity(
    directory: str | Path, outcomes: Sequence[str], out: str | Path | None = None, method: str | None = None
) -> list[Path]:
    """Analyse a sweep and write sensitivity.csv and sensitivity.png (default: DIR/sensitivity/); returns both paths."""
    directory = Path(directory)
    out = directory / "sensitivity" if out is None else Path(out)
    table = analyse(directory, outcomes, method=method)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "sensitivity.csv"
    table.to_csv(csv_path, index=False)
    png_path = plot_indices(table, out / "sensitivity.png")
    return [csv_path, png_path]
