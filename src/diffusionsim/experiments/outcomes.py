"""Outcome indicators of one run, one number each: what the comparison report puts in its table.

Computed from the finished model: its end state, and the organisational adoption curves its DataCollector recorded
month by month. A model that collected only those curves (``collect="adoption"``) gives the same row as one that
collected everything. The curves are read as numpy arrays, not through a pandas table of the series: about 1 ms per
run instead of 11.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import metrics
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


def adoption_curves(model: DiffusionModel) -> np.ndarray:
    """[month 0..end, innovation] organisational adoption, as the DataCollector recorded it."""
    recorded = model.datacollector.model_vars
    return np.column_stack([recorded[ORG_PREFIX + iid] for iid in model.catalogue.ids])


def run_outcomes(model: DiffusionModel) -> dict[str, float]:
    """The outcome row of a finished run."""
    ids, months = model.catalogue.ids, model.month
    curves = adoption_curves(model)
    at_10y = curves[min(120, months)]
    embedded, abandoned = (metrics.counter(model, n) for n in ("pilots_embedded", "pilots_abandoned"))
    fte = metrics.fte_saved(model)
    developing = [c for c in model.companies if c.products and c.reached_market_month != 0]
    out = {
        "reached_half_share": float(np.mean(curves.max(axis=0) >= 0.5)),
        "years_to_half_adoption": float(np.mean([years_to_half(curve, months) for curve in curves.T])),
        "implemented_5y": float(curves[60].mean()) if months >= 60 else float("nan"),
        "implemented_10y": float(at_10y.mean()),
        "pilots_started": metrics.counter(model, "pilots_started"),
        "pilots_embedded": embedded,
        "pilots_abandoned": abandoned,
        "embedded_share": embedded / (embedded + abandoned) if embedded + abandoned else float("nan"),
        "pilots_without_money": metrics.counter(model, "pilots_without_money"),
        "implemented_without_pilot": metrics.counter(model, "implemented_without_pilot"),
        "implementations_stopped": metrics.counter(model, "implementations_stopped"),
        "companies_reached_market": (
            float(np.mean([c.reached_market_month is not None for c in developing])) if developing else float("nan")
        ),
        "fte_saved": fte,
        "fte_share_of_shortage": fte / model.settings.scale.shortage_2034_fte,
        "care_at_home_share": metrics.care_at_home_share(model),
        "care_at_home_spending_share": metrics.care_at_home_spending_share(model),
        "care_at_home_growth": metrics.care_at_home_growth(model),
        "ses_gap": metrics.ses_gap(model),
        "public_money_spent": metrics.public_money_spent(model),
    }
    out |= {name: model.milestones.get(name, float("nan")) for name in metrics.MILESTONES}
    out["fte_2034_share_of_shortage"] = out["fte_saved_2034"] / model.settings.scale.shortage_2034_fte
    for party in PARTY_TYPES:
        out[f"money:{party}"] = metrics.money(model, party)
        out[f"impact:{party}"] = metrics.impact(model, party)
    for k, iid in enumerate(ids):
        out[f"adoption_10y:{iid}"] = float(at_10y[k])
        out[f"years_to_half:{iid}"] = years_to_half(curves[:, k], months)
        out[f"contracted_share:{iid}"] = float(model.contracted_months[k] / max(months, 1))
    kind_of = np.array([KINDS[i] for i in model.catalogue.kind])
    for kind in KINDS:
        members = at_10y[kind_of == kind]
        out[f"adoption_10y_kind:{kind}"] = float(members.mean()) if len(members) else float("nan")
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
        w = model.relevant_w * (intensity == level)[:, None]
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
