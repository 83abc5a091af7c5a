"""``calibration.html``: one self-contained page (figures as base64 PNG, no network) on what a calibration found.

Posterior predictive bands against every observation (those calibration did not use drawn apart and labelled),
marginal posteriors against their priors, pairwise posterior scatter, a table of fit per observation, and the ABC
generations. Figures are drawn on :class:`matplotlib.figure.Figure` objects: no pyplot, no global backend.
"""

from __future__ import annotations

import base64
import io
import json
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib.figure import Figure

from .. import calendar
from ..observations import standardised
from .abc import prior_distribution
from .config import CalibrationConfig
from .posterior import WEIGHT, summary

TEMPLATES = Path(__file__).parent / "templates"
USED = {"fmt": "o", "color": "black", "mfc": "black", "label": "observed (used), ±2 se"}
UNUSED = {"fmt": "s", "color": "tab:red", "mfc": "white", "label": "observed, NOT used in calibration, ±2 se"}


def fit_table(config: CalibrationConfig, predictive: pd.DataFrame) -> pd.DataFrame:
    """Per observation: observed value and se, posterior predictive median and 90% interval, z-score, within 2 se."""
    values = predictive[predictive["kind"] == "observation"]
    rows = []
    for obs in config.observations:
        v = values.loc[values["name"] == obs.id, "value"].to_numpy(dtype=float)
        q05, q50, q95 = np.nanquantile(v, [0.05, 0.5, 0.95]) if np.isfinite(v).any() else (np.nan,) * 3
        rows.append({"id": obs.id, "indicator": obs.indicator, "date": obs.date, "used": obs.use,
                     "observed": obs.value, "se": obs.se, "median": q50, "q05": q05, "q95": q95})  # fmt: skip
    table = pd.DataFrame(rows)
    table["z"], table["within_2se"] = standardised(config.observations, table["median"].to_numpy())
    return table


def png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def predictive_figure(config: CalibrationConfig, predictive: pd.DataFrame) -> Figure:
    """One panel per observed time-series indicator (5-95% band and median of the draws, observations with ±2 se),
    and one panel for observed run outcomes."""
    start = config.scenario.simulation.start
    series = predictive[predictive["kind"] == "series"]
    indicators = list(dict.fromkeys(o.indicator for o in config.observations if not o.is_outcome))
    outcomes = [o for o in config.observations if o.is_outcome]
    panels = len(indicators) + (1 if outcomes else 0)
    cols = min(panels, 2)
    rows = -(-panels // cols)
    fig = Figure(figsize=(6.2 * cols, 3.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, indicator in zip(axes, indicators, strict=False):
        wide = series[series["name"] == indicator].pivot_table(index="month", columns="draw", values="value")
        x = calendar.decimal_years(start, wide.index.to_numpy(dtype=int))
        q05, q50, q95 = np.nanquantile(wide.to_numpy(dtype=float), [0.05, 0.5, 0.95], axis=1)
        ax.fill_between(x, q05, q95, color="tab:blue", alpha=0.25, lw=0, label="posterior predictive 5-95%")
        ax.plot(x, q50, color="tab:blue", lw=1.5, label="posterior predictive median")
        for obs in (o for o in config.observations if o.indicator == indicator):
            t = calendar.decimal_years(start, [obs.month_index(start)])[0]
            _observation(ax, t, obs)
        ax.set_title(indicator, fontsize=10)
        ax.set_xlabel("year")
        _dedupe_legend(ax)
    if outcomes:
        ax = axes[len(indicators)]
        values = predictive[predictive["kind"] == "observation"]
        for i, obs in enumerate(outcomes):
            v = values.loc[values["name"] == obs.id, "value"].to_numpy(dtype=float)
            q05, q50, q95 = np.nanquantile(v, [0.05, 0.5, 0.95]) if np.isfinite(v).any() else (np.nan,) * 3
            ax.plot([i - 0.15] * 2, [q05, q95], color="tab:blue", lw=6, alpha=0.35, label="posterior predictive 5-95%")
            ax.plot([i - 0.15], [q50], "_", color="tab:blue", ms=14, label="posterior predictive median")
            _observation(ax, i + 0.15, obs)
        ax.set_xticks(range(len(outcomes)), [f"{o.indicator}\n{o.date}" for o in outcomes], fontsize=8)
        ax.set_title("run outcomes", fontsize=10)
        _dedupe_legend(ax)
    for ax in axes[panels:]:
        ax.set_visible(False)
    return fig


def _observation(ax: Any, x: float, obs: Any) -> None:
    style = USED if obs.use else UNUSED
    ax.errorbar([x], [obs.value], yerr=[2 * obs.se], capsize=3, ms=6, zorder=5, **style)
    if not obs.use:
        ax.annotate("not used", (x, obs.value), textcoords="offset points", xytext=(6, 4), fontsize=7, color="tab:red")


def _dedupe_legend(ax: Any) -> None:
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), fontsize=7, loc="best")


def marginals_figure(config: CalibrationConfig, frame: pd.DataFrame) -> Figure:
    params = config.spec.parameters
    fig = Figure(figsize=(4.2 * len(params), 3.2), layout="constrained")
    axes = fig.subplots(1, len(params), squeeze=False).ravel()
    w = frame[WEIGHT].to_numpy()
    for ax, p in zip(axes, params, strict=True):
        # A loguniform prior is drawn on log10 of the value, where its density is flat.
        log = p.prior == "loguniform"
        scale = np.log10 if log else (lambda v: v)
        lo, hi = scale(p.low), scale(p.high)
        values = scale(frame[p.key].to_numpy(dtype=float))
        ax.hist(values, bins=np.linspace(lo, hi, 31), weights=w, density=True, color="tab:blue", alpha=0.6,
                label="posterior")  # fmt: skip
        grid = np.linspace(lo, hi, 300)
        density = (
            prior_distribution(p).pdf(10**grid) * 10**grid * np.log(10) if log else prior_distribution(p).pdf(grid)
        )
        ax.plot(grid, density, color="black", ls="--", label=f"prior ({p.prior})")
        ax.set_title(p.key, fontsize=10)
        ax.set_xlabel(f"log10 ({p.unit})" if log else p.unit)
        ax.legend(fontsize=7)
    return fig


def pairs_figure(config: CalibrationConfig, frame: pd.DataFrame) -> Figure | None:
    pairs = list(combinations(config.spec.parameters, 2))
    if not pairs:
        return None
    cols = min(len(pairs), 3)
    rows = -(-len(pairs) // cols)
    fig = Figure(figsize=(4.2 * cols, 3.8 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    w = frame[WEIGHT].to_numpy()
    sizes = 8 + 200 * w / w.max()
    for ax, (a, b) in zip(axes, pairs, strict=False):
        ax.scatter(frame[a.key], frame[b.key], s=sizes, alpha=0.5, color="tab:blue", edgecolors="none")
        ax.set_xlim(a.low, a.high)
        ax.set_ylim(b.low, b.high)
        for axis, p in ((ax.set_xscale, a), (ax.set_yscale, b)):
            if p.prior == "loguniform":
                axis("log")
        ax.set_xlabel(a.key)
        ax.set_ylabel(b.key)
    for ax in axes[len(pairs) :]:
        ax.set_visible(False)
    return fig


def generations_figure(gens: list[dict[str, Any]]) -> Figure:
    fig = Figure(figsize=(12, 3), layout="constrained")
    axes = fig.subplots(1, 3)
    t = [g["generation"] for g in gens]
    for ax, key, label in zip(
        axes,
        ("epsilon", "acceptance_rate", "ess"),
        ("epsilon (distance in se units)", "acceptance rate", "ESS"),
        strict=True,
    ):
        ax.plot(t, [g[key] for g in gens], marker="o")
        ax.set_xlabel("generation")
        ax.set_title(label, fontsize=10)
        if key == "epsilon":
            ax.set_yscale("log")
    return fig


def write_report(
    config: CalibrationConfig, out: Path, frame: pd.DataFrame, predictive: pd.DataFrame, gens: list[dict[str, Any]]
) -> Path:
    """Draw the figures, fill the template and write ``out/calibration.html``."""
    fit = fit_table(config, predictive)
    pairs = pairs_figure(config, frame)
    priors = {p.key: prior_distribution(p) for p in config.spec.parameters}
    posterior = summary(frame).assign(
        prior_sd=lambda d: [float(priors[k].std()) for k in d["key"]],
        unit=[p.unit for p in config.spec.parameters],
        source=[p.source for p in config.spec.parameters],
    )
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    html = env.get_template("calibration.html.j2").render(
        config=config,
        manifest=manifest,
        fit=fit.to_dict("records"),
        posterior=posterior.to_dict("records"),
        gens=gens,
        figures={
            "predictive": png(predictive_figure(config, predictive)),
            "marginals": png(marginals_figure(config, frame)),
            "pairs": png(pairs) if pairs is not None else None,
            "generations": png(generations_figure(gens)),
        },
        draws=int(predictive["draw"].nunique()),
        missed=[r["id"] for r in fit.to_dict("records") if r["used"] and not r["within_2se"]],
    )
    path = Path(out) / "calibration.html"
    path.write_text(html, encoding="utf-8")
    return path
