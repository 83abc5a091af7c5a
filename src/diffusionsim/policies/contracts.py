"""Contract horizons and shared savings across the payers' domains.

Insurers contract yearly and municipalities think in four-year terms; multi-year agreements give room for innovations
that need a multi-year plan (004_0f7fc21ead51925a.txt:1169-1174). When insurer, care office and municipality purchase
jointly, an innovation that costs in one domain and pays off in another can get off the ground
(004_0f7fc21ead51925a.txt:1871-1878): the payer that saves passes a share of its realised savings to the payer that
funds the innovation, and the funding payer counts that share when it decides. Where care moves between providers
(hospital care at home), the payer also shares its savings with the provider that lost the care, whose consent the
innovation needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import DiffusionModel
    from ..scenario import Scenario


def payer_horizon(sc: Scenario, own_horizon: int) -> int:
    """A payer's horizon: its own, or the multi-year contract term when that is longer."""
    return max(own_horizon, sc.policy.contracts.payer_horizon_months)


def shared_share(sc: Scenario) -> float:
    """Under shared savings, the share of its realised savings a payer passes on (0 without shared savings): to the
    payer that funds an innovation saving in its domain, which counts that share as its own; and, for care that moved
    between providers (referral innovations such as hospital care at home), to the provider that lost the care
    (assumption)."""
    c = sc.policy.contracts
    return c.shared_savings_share if c.shared_savings else 0.0


def share_with_losers(model: DiffusionModel, substituted: np.ndarray) -> None:
    """Pass `shared_share` of each payer's savings on moved care to the providers that lost it.

    `substituted` is [org, innovation]: this month's substituted spending per organisation of the substituted sector.
    """
    share = shared_share(model.settings)
    referral = np.flatnonzero(model.catalogue.referral)
    if share <= 0 or len(referral) == 0:
        return
    saved = substituted[:, referral].sum(axis=1) * model.org_volume_factor  # what each loser's payer no longer pays
    model.ledger.record(
        model.month, "savings_transfer", model.payer_party[model.org_payer], model.org_party, share * saved
    )


def transfer_savings(model: DiffusionModel, substituted: np.ndarray) -> None:
    """Under shared savings, pass a share of each innovation's realised savings from the saving payer to the funder.

    `substituted` is [org, innovation]: this month's substituted spending per organisation of the substituted sector.
    """
    share = shared_share(model.settings)
    if share <= 0:
        return
    cat = model.catalogue
    elsewhere = (cat.substitutes >= 0) & (model.sector_payer[np.maximum(cat.substitutes, 0)] != model.target_payer)
    for k in np.flatnonzero(elsewhere):
        funder = model.region_payer[model.org_region, model.target_payer[k]]  # per substituted organisation's region
        saved = substituted[:, k] * model.org_volume_factor * model.contracted[funder, k]
        payer = model.payer_party[model.org_payer]  # the saving payer of each substituted organisation
        model.ledger.record(model.month, "savings_transfer", payer, model.payer_party[funder], share * saved)
