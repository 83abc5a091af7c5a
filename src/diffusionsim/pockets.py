"""What lands in whose pocket: the own-horizon projections on which agents decide.

An agent decides on the part of the ledger that lands on itself, within its own horizon (DESIGN.md). Wrong-pocket
problems (004_0f7fc21ead51925a.txt:1165-1168, 1234-1238) and short horizons (004_0f7fc21ead51925a.txt:1169-1171)
then follow from the accounting: savings that land with another party, or after the horizon, simply do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .policies.compensation import expected_compensation
from .policies.contracts import counted_share_of_others_savings
from .policies.payment import revenue_change

if TYPE_CHECKING:
    from .model import DiffusionModel


def provider_net_value(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Net value (EUR) to organisation cluster `org` of embedding innovation `k`, over its own horizon.

    Returns (net value, investment): the decision weighs the value against the investment at stake (the
    implementation cost), so a small organisation and a large one judge the same business case alike, and a running
    cost the payer takes over (structural funding) changes the decision even when nothing is gained.
    Gains: staff hours freed (worth more where staff is short), revenue under the payment regime, compensation for
    lost revenue. Costs: implementation (less the joint-procurement discount of its region) and, unless its payer has
    contracted the innovation, the running cost.
    """
    cat, b = model.catalogue, model.settings.behaviour
    horizon = model.org_horizon[org].astype(float)
    late = np.maximum(horizon - cat.savings_delay[k], 0.0)
    users = model.org_eligible[org, k] * b.expected_uptake
    funded = model.contracted[model.org_payer[org], k]
    hour_value = b.wage_per_hour * (1.0 + b.shortage_premium * model.org_shortage[org])
    running = cat.running_cost[k] * ~funded * horizon
    revenue = revenue_change(model, org, k, horizon, late)
    own_loss = model.org_sector[org] == cat.substitutes[k]
    lost_per_month = model.org_volume_factor[org] * cat.substituted_spending[k] * own_loss
    revenue = revenue + expected_compensation(model, org, lost_per_month, late)
    implementation = cat.implementation_cost[k] * model.org_weight[org] * (1.0 - model.org_discount[org])
    value = users * (cat.hours_saved[k] * hour_value * horizon - running + revenue) - implementation
    return value, np.maximum(implementation, 1.0)


def payer_net_value(model: DiffusionModel, payer_type: int, horizon: int, region: int) -> np.ndarray:
    """Net value per user (EUR) to the payer of type `payer_type` in `region` of funding each innovation.

    It pays the running cost and the care the innovation adds; it saves the substituted spending that it itself would
    have paid (less what bundled providers keep), and only after the savings delay within its horizon. Savings in
    another payer's domain count only under shared savings, for the share passed on (policies/contracts.py).
    """
    cat = model.catalogue
    has_sub = cat.substitutes >= 0
    substituted_payer = np.where(has_sub, model.sector_payer[np.maximum(cat.substitutes, 0)], -1)
    counted = np.where(substituted_payer == payer_type, 1.0, counted_share_of_others_savings(model.settings) * has_sub)
    late = np.maximum(horizon - cat.savings_delay, 0)
    saving = cat.substituted_spending * regional_volume_factor(model, cat.substitutes, region) * counted * late
    added = cat.added_spending * regional_volume_factor(model, cat.target, region)
    return saving - horizon * (cat.running_cost + added)


def regional_volume_factor(model: DiffusionModel, sectors: np.ndarray, region: int) -> np.ndarray:
    """Per sector index: the mean volume factor of that sector's organisations in the region (1 if there are none)."""
    out = np.ones(len(sectors))
    for i, s in enumerate(sectors):
        mask = (model.org_region == region) & (model.org_sector == s)
        if s >= 0 and mask.any():
            out[i] = model.org_volume_factor[mask].mean()
    return out
