"""Regional cooperation intensity (002_ac36531e09462072.txt table 1, lines 250-347).

Knowledge sharing (word of mouth), shared evidence (pilot results used by others) and joint procurement (a discount)
act in :mod:`diffusionsim.diffusion` and :mod:`diffusionsim.adoption`. This module holds the regional innovation
budget of high intensity: providers pay a share of their revenue into it, and it pays the public part of pilots in its
region before any other pot is asked (policies/pilot_money.py; 002_ac36531e09462072.txt:342-345; the share is an
assumption).
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
