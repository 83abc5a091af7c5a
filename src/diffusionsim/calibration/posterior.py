"""The posterior on disk: ``posterior.parquet`` (one row per particle of the last generation, one column per dotted
parameter key, and ``weight``, summing to 1), weighted quantiles, draws from it, and ``calibrated.toml``.

``load_posterior`` and ``draw_posterior`` are the contract other commands read (``compare --posterior DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..experiments.posterior import WEIGHT
from ..experiments.posterior import load_posterior as read_posterior
from ..scenario import load_scenario

if TYPE_CHECKING:
    import pyabc

    from .config import CalibrationConfig, Parameter

CALIBRATED = "calibrated.toml"


def posterior_frame(history: pyabc.History, parameters: list[Parameter]) -> pd.DataFrame:
    """The last generation's particles as scenario values (a key sampled on log10 is turned back): parameter columns
    in the calibration file's order, then the weight."""
    particles, weights = history.get_distribution(m=0, t=history.max_t)
    frame = pd.DataFrame({p.key: [p.value(x) for x in particles[p.key]] for p in parameters})
    frame[WEIGHT] = np.asarray(weights, dtype=float) / np.sum(weights)
    return frame


def load_posterior(out: str | Path) -> pd.DataFrame:
    """The posterior sample of a calibration directory: dotted-key columns and `weight` (sum 1), read and checked as
    `compare --posterior` reads it (experiments.posterior.load_posterior, the one reader of the file)."""
    posterior = read_posterior(out)
    return posterior.particles.assign(**{WEIGHT: posterior.weights})


def draw_posterior(out: str | Path, n: int, seed: int) -> list[dict[str, float]]:
    """`n` parameter sets drawn from the posterior with replacement, in proportion to the particles' weights; the same
    `seed` gives the same draws."""
    posterior = read_posterior(out)
    weights, particles = posterior.weights, posterior.particles
    rows = np.random.default_rng(np.random.SeedSequence(seed)).choice(len(particles), size=n, p=weights / weights.sum())
    return [{k: float(v) for k, v in particles.iloc[i].items()} for i in rows]


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: list[float] | np.ndarray) -> np.ndarray:
    """Quantiles of a weighted sample (the weighted empirical distribution, interpolated at the midpoints)."""
    order = np.argsort(values)
    v, w = np.asarray(values, dtype=float)[order], np.asarray(weights, dtype=float)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(qs, cum, v)


def weighted_sd(values: np.ndarray, weights: np.ndarray) -> float:
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    mean = np.sum(w * values)
    return float(np.sqrt(np.sum(w * (values - mean) ** 2)))


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: weighted median, 5% and 95% quantiles, mean and sd."""
    w = frame[WEIGHT].to_numpy()
    rows = []
    for key in (c for c in frame.columns if c != WEIGHT):
        v = frame[key].to_numpy()
        q05, q50, q95 = weighted_quantiles(v, w, [0.05, 0.5, 0.95])
        rows.append({"key": key, "median": q50, "q05": q05, "q95": q95, "mean": float(np.sum(w * v) / w.sum()),
                     "sd": weighted_sd(v, w)})  # fmt: skip
    return pd.DataFrame(rows)


def write_calibrated(config: CalibrationConfig, frame: pd.DataFrame, out: Path) -> Path:
    """A scenario that extends the calibrated one and sets each parameter to its posterior weighted median, with the
    90% interval in a comment; checked by loading it."""
    table = summary(frame)
    try:
        base = os.path.relpath(config.scenario_path, Path(out).resolve())
    except ValueError:  # another drive (Windows): no relative path exists
        base = str(config.scenario_path)
    lines = [
        f"# Calibrated by `diffusionsim calibrate {config.path}`: each calibrated key is set to its posterior weighted",
        "# median; the comment gives the 90% posterior interval (5% and 95% weighted quantiles).",
        f'extends = "{Path(base).as_posix()}"',
        "",
    ]
    units = {p.key: p.unit for p in config.spec.parameters}
    by_table: dict[str, list[str]] = {}
    for row in table.itertuples():
        section, _, name = row.key.rpartition(".")
        by_table.setdefault(section, []).append(
            f"{name} = {float(row.median)!r}  # 90% interval {row.q05:.6g} to {row.q95:.6g} {units[row.key]}"
        )
    for section, entries in by_table.items():
        lines += [f"[{section}]", *entries, ""]
    path = Path(out) / CALIBRATED
    path.write_text("\n".join(lines), encoding="utf-8")
    load_scenario(path)  # must be a valid scenario
    return path
