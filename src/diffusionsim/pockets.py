"""What lands in whose pocket: the own-horizon projections on which agents decide.

An agent decides on the part of the ledger that lands on itself, within its own horizon (DESIGN.md). Wrong-pocket
problems (004_0f7fc21ead51925a.txt:1165-1168, 1234-1238) and short horizons (004_0f7fc21ead51925a.txt:1169-1171)
then follow from the accounting: savings that land with another party, or after the horizon, simply do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .policies.payment import revenue_change

if TYPE_CHECKING:
    from .model import DiffusionModel


def provider_net_value(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Net value (EUR) to organisation cluster `org` of embedding innovation `k`, over its own horizon.

    Returns (net value, gross outlay); the decision compares the two so that it does not depend on size.
    Gains: staff hours freed (worth more where staff is short) and revenue under the payment regime.
    Costs: implementation (less the joint-procurement discount of its region) and, unless its payer has contracted
    the innovation, the running cost.
    """
    cat, b = model.catalogue, model.settings.behaviour
    horizon = model.org_horizon[org].astype(float)
    late = np.maximum(horizon - cat.savings_delay[k], 0.0)
    users = model.org_eligible[org, k] * b.expected_uptake
    funded = model.contracted[model.org_payer[org], k]
    hour_value = b.wage_per_hour * (1.0 + b.shortage_premium * model.org_shortage[org])
    running = cat.running_cost[k] * ~funded * horizon
    revenue = revenue_change(model, org, k, horizon, late)
    implementation = cat.implementation_cost[k] * model.org_weight[org] * (1.0 - model.org_discount[org])
    value = users * (cat.hours_saved[k] * hour_value * horizon - running + revenue) - implementation
    gross = implementation + users * (running + np.maximum(-revenue, 0.0))
    return value, gross


def payer_net_value(model: DiffusionModel, payer_type: int, horizon: int) -> np.ndarray:
    """Net value per user (EUR) to a payer of type `payer_type` of funding each innovation for `horizon` months.

    It pays the running cost and the care the innovation adds; it saves only the substituted spending that it
    itself would have paid, and only after the savings delay.
    """
    cat = model.catalogue
    substituted_payer = np.where(cat.substitutes >= 0, model.sector_payer[np.maximum(cat.substitutes, 0)], -1)
    late = np.maximum(horizon - cat.savings_delay, 0)
    saving = cat.substituted_spending * (substituted_payer == payer_type) * late
    return saving - horizon * (cat.running_cost + cat.added_spending)
