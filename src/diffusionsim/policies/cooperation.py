"""Regional cooperation intensity (002_ac36531e09462072.txt table 1, lines 250-347).

Knowledge sharing (word of mouth), shared evidence (pilot results used by others) and joint procurement (a discount)
act in :mod:`diffusionsim.diffusion` and :mod:`diffusionsim.adoption`. This module holds the regional innovation
budget of high intensity: providers pay a share of their revenue into it, and it pays the public part of pilots in its
region before the national fund is asked (002_ac36531e09462072.txt:342-345; the share is an assumption).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import DiffusionModel


def collect_contributions(model: DiffusionModel, care: np.ndarray) -> None:
    """Providers pay `budget_share` of this month's care revenue into their region's innovation budget."""
    amount = model.org_budget_share * care
    if not amount.any():
        return
    model.ledger.record(
        model.month, "regional_contribution", model.org_party, model.region_fund_party[model.org_region], amount
    )
    model.regional_budget += np.bincount(model.org_region, weights=amount, minlength=len(model.regional_budget))


def fund_regional_pilots(model: DiffusionModel, org: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Pay the public part of pilots from their region's budget, in queue order while it lasts.

    Returns which pilots were paid.
    """
    share = 1.0 - model.settings.policy.cofinancing.private_share
    granted = np.zeros(len(org), dtype=bool)
    for i in np.flatnonzero(model.org_budget_share[org] > 0):
        r, grant = model.org_region[org[i]], share * cost[i]
        if grant <= model.regional_budget[r]:
            model.regional_budget[r] -= grant
            granted[i] = True
    if granted.any():
        payers = model.region_fund_party[model.org_region[org[granted]]]
        model.ledger.record(model.month, "pilot_grant", payers, model.org_party[org[granted]], share * cost[granted])
    return granted
