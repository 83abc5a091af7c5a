"""Calibration uncertainty in a comparison run with ``--posterior``: which dominates an outcome's spread across
replications, the model's own noise or what calibration left uncertain?

With a posterior, replication r runs on its own seed *and* its own draw of the calibrated parameters, so the spread of
an outcome across replications holds both. To split it, the outcome is regressed across replications, per scenario, on
the drawn parameter values by ordinary least squares (standardised values, plus their squares when there are at least
10 more replications than terms, so a curved response counts as calibration too). The adjusted R² is the share of the
spread the parameters explain: what calibration left uncertain. The residual is the model's own noise, plus whatever
the regression cannot capture (interactions between parameters, sharper curves), so if anything the share understates
calibration. Calibration dominates when the share exceeds 0.5. The same is done for the paired differences against
the reference scenario, which is what a policy conclusion rests on.

Why a regression and not a second set of runs on the same draws with other seeds: it needs no extra runs, and with
common draws across scenarios it reads straight off the replications the report already has. Its limits: it needs
more replications than terms (R > k + 1), and with few replications the share is rough.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ... import i18n
from ...i18n import N_, _

DOMINANCE = 0.5  # calibration dominates when the parameters explain more than this share of the spread
QUADRATIC_MARGIN = 10  # squares join the regression only with at least this many more replications than terms
DRAW_COLUMNS = ("replication", "seed", "particle")


def draws_of(result: Any) -> pd.DataFrame | None:
    """The draws per replication: the result's own table, or the manifest's record (a report rebuilt from files)."""
    draws = getattr(result, "draws", None)
    if isinstance(draws, pd.DataFrame) and len(draws):
        return draws
    record = (result.manifest.get("posterior") or {}).get("draws") if isinstance(result.manifest, dict) else None
    return pd.DataFrame(record) if record else None


def parameters(draws: pd.DataFrame) -> list[str]:
    return [c for c in draws.columns if c not in DRAW_COLUMNS]


def explained_share(y: np.ndarray, x: np.ndarray) -> tuple[float, int, int]:
    """(adjusted R² clipped to 0..1, replications used, terms) of an OLS fit of y on x with an intercept.

    NaN share when y does not vary or there are too few replications for the terms. Parameters that do not vary
    (a degenerate posterior) carry no information and are left out, so they explain nothing."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    if len(y) == 0:
        return math.nan, 0, 0
    x = x.reshape(len(y), -1)
    keep = np.isfinite(y) & np.isfinite(x).all(axis=1)
    y, x = y[keep], x[keep]
    n = len(y)
    x = x[:, x.std(axis=0) > 1e-12 * (1 + np.abs(x).max(axis=0))] if n else x
    z = (x - x.mean(axis=0)) / x.std(axis=0) if x.shape[1] else x
    if n - 2 * z.shape[1] - 1 >= QUADRATIC_MARGIN:
        z = np.hstack([z, z**2 - (z**2).mean(axis=0)])
    y = y - y.mean() if n else y
    k = int(np.linalg.matrix_rank(z)) if z.size else 0
    if n < 3 or not np.ptp(y) > 1e-12 * (1 + np.abs(y).max()) or n - k - 1 <= 0:
        return math.nan, n, k
    residual = y - z @ np.linalg.lstsq(z, y, rcond=None)[0] if k else y
    r2 = 1 - float(residual @ residual) / float(y @ y)
    return min(1.0, max(0.0, 1 - (1 - r2) * (n - 1) / (n - k - 1))), n, k


def uncertainty_table(outcomes: pd.DataFrame, draws: pd.DataFrame, columns: Sequence[str], scenarios: list[str]):
    """Per outcome × scenario, and per outcome × paired difference against the reference: replications, spread (sd)
    across replications, the share the drawn parameters explain, and which dominates."""
    x = draws.set_index("replication")[parameters(draws)]
    runs = {s: g.set_index("replication") for s, g in outcomes.groupby("scenario", sort=False)}
    reference, rows = scenarios[0], []
    for column in columns:
        for scenario in scenarios:
            if scenario not in runs:
                continue
            values = runs[scenario][column]
            rows.append(_row(column, scenario, False, values, x))
            if scenario != reference and reference in runs:
                rows.append(_row(column, scenario, True, values - runs[reference][column], x))
    names = ["outcome", "scenario", "difference", "n", "sd", "share_calibration", "dominates"]
    return pd.DataFrame(rows, columns=names)


def _row(column: str, scenario: str, difference: bool, values: pd.Series, x: pd.DataFrame) -> tuple:
    values = values.dropna()
    share, n, _terms = explained_share(values.to_numpy(), x.loc[values.index].to_numpy())
    sd = float(values.std(ddof=1)) if n > 1 else math.nan
    if math.isnan(share):
        dominates = "no spread" if n > 1 and not sd > 0 else "too few replications with a value"
    else:
        dominates = "calibration" if share > DOMINANCE else "model noise"
    return column, scenario, difference, n, sd, share, dominates


def range_table(draws: pd.DataFrame) -> pd.DataFrame:
    """Per parameter, the drawn values: smallest, 5th percentile, median, 95th percentile, largest, distinct draws."""
    rows = []
    for key in parameters(draws):
        v = draws[key].astype(float)
        quantiles = v.quantile([0.05, 0.5, 0.95]).to_numpy()
        rows.append(
            {"parameter": key, "min": v.min(), "p05": quantiles[0], "median": quantiles[1], "p95": quantiles[2]}
            | {"max": v.max(), "distinct draws": int(draws.loc[v.index, "particle"].nunique())}
        )
    return pd.DataFrame(rows)


def statement(label: str, rows: pd.DataFrame, reference: str) -> str:
    """One plain sentence per outcome: which dominates its spread, per scenario, and for its differences."""
    text = _("{label}: {verdict}").format(label=label, verdict=_phrase(rows[~rows["difference"]], SPREAD_RUNS))
    diffs = rows[rows["difference"]]
    if len(diffs):
        text += " " + _("Its difference against {reference}: {verdict}").format(
            reference=reference, verdict=_phrase(diffs, SPREAD)
        )
    return text


VERDICTS = {
    "calibration": N_("what calibration left uncertain dominates"),
    "model noise": N_("the model's own noise dominates"),
}
REASONS = {"no spread": N_("no spread"), "too few replications with a value": N_("too few replications with a value")}
SPREAD_RUNS, SPREAD = N_("the spread across replications"), N_("the spread")


def _phrase(rows: pd.DataFrame, what: str) -> str:
    """The verdict over the rows that have one; rows without (no spread, too few replications) are named apart."""
    decided = rows[rows["dominates"].isin(list(VERDICTS))]
    undecided = rows[~rows.index.isin(decided.index)]
    aside = "; ".join(
        _("not determined for {scenarios} ({reason})").format(
            scenarios=", ".join(group["scenario"]), reason=_(REASONS.get(reason, reason))
        )
        for reason, group in undecided.groupby("dominates", sort=False)
    )
    if decided.empty:
        return f"{aside}."
    verdicts = list(dict.fromkeys(decided["dominates"]))
    if len(verdicts) == 1:
        head = _("{verdict} {what}").format(verdict=_(VERDICTS[verdicts[0]]), what=_(what))
    else:
        by = {v: ", ".join(decided.loc[decided["dominates"] == v, "scenario"]) for v in verdicts}
        head = _("mixed: {parts}").format(
            parts="; ".join(
                _("{verdict} in {scenarios}").format(verdict=_(VERDICTS[v]), scenarios=s) for v, s in by.items()
            )
        )
    shares = ", ".join(f"{r.scenario} {i18n.number(r.share_calibration, 2)}" for r in decided.itertuples())
    aside = "; " + aside if aside else ""
    return _("{verdict} (share explained by the drawn parameters: {shares}{aside}).").format(
        verdict=head, shares=shares, aside=aside
    )


__all__ = ["DOMINANCE", "draws_of", "explained_share", "range_table", "statement", "uncertainty_table"]
