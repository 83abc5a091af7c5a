"""Outcome indicators of one run, one number each: what the comparison report puts in its table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..ledger import PARTY_TYPES
from ..scenario import INTENSITIES, KINDS
from ..stages import is_adopted

if TYPE_CHECKING:
    from ..model import DiffusionModel

ORG_PREFIX = "org_adoption:"


def years_to_half(curve: np.ndarray, months: int) -> float:
    """Years until an adoption curve first reaches 50%; the run's length if it never does (censored)."""
    reached = np.flatnonzero(curve >= 0.5)
    return (reached[0] if len(reached) else months) / 12.0


def adoption_at(ts: pd.DataFrame, columns: list[str], month: int) -> float:
    """Mean adoption over the given innovations at a month (NaN if the run is shorter)."""
    row = ts.loc[ts["month"] == month, columns]
    return float(row.to_numpy().mean()) if len(row) else float("nan")


def run_outcomes(model: DiffusionModel, ts: pd.DataFrame) -> dict[str, float]:
    """The outcome row of a finished run."""
    ids = model.catalogue.ids
    cols = [ORG_PREFIX + i for i in ids]
    last = ts.iloc[-1]
    months = int(last["month"])
    embedded, abandoned = last["pilots_embedded"], last["pilots_abandoned"]
    developing = [c for c in model.companies if c.products and c.reached_market_month != 0]
    out = {
        "years_to_half_adoption": float(np.mean([years_to_half(ts[c].to_numpy(), months) for c in cols])),
        "implemented_5y": adoption_at(ts, cols, 60),
        "implemented_10y": adoption_at(ts, cols, min(120, months)),
        "pilots_started": float(last["pilots_started"]),
        "pilots_embedded": float(embedded),
        "pilots_abandoned": float(abandoned),
        "embedded_share": float(embedded / (embedded + abandoned)) if embedded + abandoned else float("nan"),
        "companies_reached_market": (
            float(np.mean([c.reached_market_month is not None for c in developing])) if developing else float("nan")
        ),
        "fte_saved": float(last["fte_saved"]),
        "fte_share_of_shortage": float(last["fte_saved"]) / model.settings.scale.shortage_2034_fte,
        "care_at_home_share": float(last["care_at_home_share"]),
        "ses_gap": float(last["ses_gap"]),
        "public_money_spent": float(last["public_money_spent"]),
    }
    for party in PARTY_TYPES:
        out[f"money:{party}"] = float(last[f"money:{party}"])
        out[f"impact:{party}"] = float(last[f"impact:{party}"])
    at_10y = ts.loc[ts["month"] == min(120, months)].iloc[0]
    for iid in ids:
        out[f"adoption_10y:{iid}"] = float(at_10y[ORG_PREFIX + iid])
        out[f"years_to_half:{iid}"] = years_to_half(ts[ORG_PREFIX + iid].to_numpy(), months)
    kind_of = np.array([KINDS[i] for i in model.catalogue.kind])
    for kind in KINDS:
        members = [ORG_PREFIX + i for i, kd in zip(ids, kind_of, strict=True) if kd == kind]
        out[f"adoption_10y_kind:{kind}"] = float(at_10y[members].mean()) if members else float("nan")
    out |= adoption_by_intensity(model) | ses_gap_by_digital(model)
    for kind in KINDS:
        of_kind = [c.reached_market_month is not None for c in developing if c.kind == kind]
        out[f"reached_market_kind:{kind}"] = float(np.mean(of_kind)) if of_kind else float("nan")
    market = [c for c in developing if c.reached_market_month is not None]
    social = [c for c in market if c.kind == "social"]
    out["social_share_of_new_products"] = len(social) / len(market) if market else float("nan")
    return out


def adoption_by_intensity(model: DiffusionModel) -> dict[str, float]:
    """Organisational adoption at the end, mean over innovations, for the regions of each cooperation intensity."""
    intensity = np.array([model.settings.regions[r].cooperation for r in model.org_region])
    adopted = is_adopted(model.stage)
    out = {}
    for level in INTENSITIES:
        w = model.org_weight[:, None] * model.relevant * (intensity == level)[:, None]
        has = w.sum(axis=0) > 0
        share = (w * adopted).sum(axis=0)[has] / w.sum(axis=0)[has]
        out[f"adoption_10y_intensity:{level}"] = float(share.mean()) if has.any() else float("nan")
    return out


def ses_gap_by_digital(model: DiffusionModel) -> dict[str, float]:
    """High- minus low-SES adoption among eligible citizens, for digital and for non-digital innovations."""
    out = {}
    for label, cols in (("digital", model.catalogue.needs_digital), ("non_digital", ~model.catalogue.needs_digital)):
        shares = []
        for group in (2, 0):
            rows = model.cit_ses == group
            eligible = model.eligible[rows][:, cols].sum()
            shares.append(model.users[rows][:, cols].sum() / eligible if eligible else np.nan)
        out[f"ses_gap:{label}"] = float(shares[0] - shares[1])
    return out
