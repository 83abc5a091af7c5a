"""Cost-effectiveness against the reference scenario: public money per FTE freed and per percentage point of adoption.

Per scenario s and the reference r, over the replications they share (paired on common seeds):

    ΔP = mean(public_money_spent_s − public_money_spent_r)        EUR of public money (grants, compensation)
    ΔF = mean(fte_saved_s − fte_saved_r)                           FTE freed at the end of the run
    ΔA = mean(implemented_10y_s − implemented_10y_r) · 100         percentage points of adoption
    EUR per FTE = ΔP / ΔF,   EUR per pp = ΔP / ΔA                  (ratios of the mean paired differences)

The ratios' 95% intervals are percentile intervals of a paired bootstrap over replications (a fixed seed, so a report
is reproducible). A ratio whose denominator is not distinguishable from zero (its 95% t-interval contains 0) has no
meaningful size and is reported as not defined rather than as a huge or negative number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...i18n import _
from .numbers import fmt_ci
from .tables import mean_ci

PUBLIC, FTE, ADOPTION = "public_money_spent", "fte_saved", "implemented_10y"
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20260101


def paired(outcomes: pd.DataFrame, scenario: str, reference: str) -> pd.DataFrame:
    """Per replication both scenarios ran: scenario minus reference in public money, FTE and adoption, aligned on the
    replication index; a replication missing any of them drops out of all three, so each ratio pairs like with like."""
    runs = outcomes.set_index(["scenario", "replication"])[[PUBLIC, FTE, ADOPTION]]
    return (runs.loc[scenario] - runs.loc[reference]).dropna()


def ratio_interval(num: np.ndarray, den: np.ndarray) -> tuple[float, float, float]:
    """Ratio of the means, and the 2.5th and 97.5th percentiles of the paired bootstrap's ratios."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    idx = rng.integers(0, len(num), size=(BOOTSTRAP_DRAWS, len(num)))
    ratios = num[idx].mean(axis=1) / den[idx].mean(axis=1)
    return float(num.mean() / den.mean()), *np.percentile(ratios, [2.5, 97.5]).tolist()


def cost_effectiveness(outcomes: pd.DataFrame, scenarios: list[str], reference: str) -> pd.DataFrame:
    """One row per scenario other than the reference: the paired differences and the two ratios (NaN where the
    denominator is not distinguishable from zero)."""
    rows = []
    for s in (s for s in scenarios if s != reference):
        diff = paired(outcomes, s, reference)
        public, fte = diff[PUBLIC].to_numpy(dtype=float), diff[FTE].to_numpy(dtype=float)
        adoption = diff[ADOPTION].to_numpy(dtype=float) * 100.0
        row: dict[str, object] = {"scenario": s}
        for name, values in (("public", public), ("fte", fte), ("adoption_pp", adoption)):
            row[name], row[f"{name}_low"], row[f"{name}_high"] = mean_ci(values)[1:]
        for name, base, den in (("eur_per_fte", "fte", fte), ("eur_per_pp", "adoption_pp", adoption)):
            low, high = row[f"{base}_low"], row[f"{base}_high"]
            defined = len(den) > 1 and (low > 0 or high < 0)
            ratio = ratio_interval(public, den) if defined else (np.nan, np.nan, np.nan)
            row[name], row[f"{name}_low"], row[f"{name}_high"] = ratio
        rows.append(row)
    return pd.DataFrame(rows)


def display(table: pd.DataFrame, reference: str) -> pd.DataFrame:
    """The table as report strings (EUR million for money, EUR thousand per FTE and per pp)."""
    out = pd.DataFrame({_("scenario"): table["scenario"]})
    out[_("public money vs {reference} (EUR m)").format(reference=reference)] = _cells(table, "public", 1e6, "eur_m")
    out[_("FTE freed vs {reference}").format(reference=reference)] = _cells(table, "fte", 1.0, "count")
    out[_("adoption vs {reference} (pp)").format(reference=reference)] = _cells(table, "adoption_pp", 1.0, "eur_m")
    no_fte, no_gain = _("not defined: no FTE difference"), _("not defined: no adoption gain")
    out[_("public EUR per FTE freed (thousand)")] = _cells(table, "eur_per_fte", 1e3, "eur_m", no_fte)
    out[_("public EUR per pp of adoption (thousand)")] = _cells(table, "eur_per_pp", 1e3, "eur_m", no_gain)
    return out


def _cells(table: pd.DataFrame, name: str, unit: float, kind: str, undefined: str | None = None) -> list[str]:
    """Report cells "mean [low, high]" in `unit`s, formatted as `kind` (eur_m: one decimal; count: whole); `undefined`
    (default: n/a) where there is no value."""
    return [
        (undefined or _("n/a")) if not np.isfinite(m) else fmt_ci(m / unit, lo / unit, hi / unit, kind, diff=True)
        for m, lo, hi in zip(table[name], table[f"{name}_low"], table[f"{name}_high"], strict=True)
    ]
