"""Project money for pilots: finite pots, asked in turn, first come first served.

"Pilots stop when the project money ends" (004_0f7fc21ead51925a.txt:998-1001). A pilot's term is paid from one
named pot, which grants the public part (1 - the co-financing private share, 004_0f7fc21ead51925a.txt:1942-1944) of
the pilot's cost for its whole term:

1. its region's innovation budget, at high cooperation intensity (002_ac36531e09462072.txt:342-345), filled by the
   providers' contributions (policies/cooperation.py);
2. its payer's innovation budget (``financiers.<payer>.innovation_budget_per_year``, e.g. the insurers' innovation
   funds; size assumption), reopened every year;
3. the public fund's pilot budget (``financiers.public_fund.pilot_budget_per_year``), reopened every year.

Unspent yearly money does not carry over (assumption). A pilot no pot can pay may still start on the provider's own
money (adoption.start_pilots).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..arrays import running_total_by_group

if TYPE_CHECKING:
    from ..model import DiffusionModel


def grant_from_pots(left: np.ndarray, pot: np.ndarray, grants: np.ndarray) -> np.ndarray:
    """Which grants (in queue order) their pot can pay: each pot pays its queue until the next grant would not fit.

    `left` is the money in each pot and is reduced by what it pays.
    """
    fits = running_total_by_group(pot, grants) <= left[pot]
    left -= np.bincount(pot[fits], weights=grants[fits], minlength=len(left))
    return fits


def grant_pilots(model: DiffusionModel, org: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Pay the public part of these pilots from the pots, in turn; returns which were paid."""
    grants = (1.0 - model.settings.policy.cofinancing.private_share) * cost
    granted = np.zeros(len(org), dtype=bool)
    pots = (
        (model.org_budget_share[org] > 0, model.regional_budget, model.org_region[org], model.region_fund_party),
        (np.ones(len(org), dtype=bool), model.payer_pilot_budget, model.org_payer[org], model.payer_party),
        (np.ones(len(org), dtype=bool), model.public_pilot_budget, np.zeros(len(org), dtype=np.int64), None),
    )
    for may_ask, left, pot, parties in pots:
        ask = np.flatnonzero(may_ask & ~granted)
        if len(ask) == 0:
            continue
        paid = ask[grant_from_pots(left, pot[ask], grants[ask])]
        granted[paid] = True
        payer = model.public_fund.party if parties is None else parties[pot[paid]]
        model.ledger.record(model.month, "pilot_grant", payer, model.org_party[org[paid]], grants[paid])
    return granted


def reopen_yearly_pots(model: DiffusionModel) -> None:
    """A new budget year each January (and in the first month) for the payers' and the public fund's pilot money."""
    if model.new_budget_year():
        model.payer_pilot_budget[:] = model.payer_pilot_budget_per_year
        model.public_pilot_budget[:] = model.settings.financiers.public_fund.pilot_budget_per_year
