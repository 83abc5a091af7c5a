"""What lands in whose pocket: the own-horizon projections on which agents decide.

An agent decides on the part of the ledger that lands on itself, within its own horizon (DESIGN.md). Wrong-pocket
problems (004_0f7fc21ead51925a.txt:1165-1168, 1234-1238) and short horizons (004_0f7fc21ead51925a.txt:1169-1171)
then follow from the accounting: savings that land with another party, or after the horizon, simply do not count.

A provider's projection is its *prior*: what it expects per user-month before it has used the innovation itself.
Once it has, its own realised flows take over (:mod:`diffusionsim.accounts`). Benefits it has not seen are
discounted by the innovation's evidence; the money (running cost, revenue, compensation) follows from the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from .innovation import savings_months
from .policies.compensation import expected_compensation
from .policies.contracts import shared_share
from .policies.payment import revenue_change

if TYPE_CHECKING:
    from .model import DiffusionModel


def hour_value(model: DiffusionModel, org: np.ndarray) -> np.ndarray:
    """EUR an organisation puts on a staff hour freed: the wage, more where staff is short (assumption)."""
    b = model.settings.behaviour
    return b.wage_per_hour * (1.0 + b.shortage_premium * model.org_shortage[org])


def payer_funds(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Whether the organisation's payer has contracted the innovation this year (structural funding)."""
    return model.contracted[model.org_payer[org], k]


def provider_prior(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """What organisation `org` expects innovation `k` to bring it per user-month (EUR), averaged over its horizon.

    Gains: staff hours freed, discounted by the innovation's evidence (a provider believes what is shown); revenue
    under its payment regime; compensation for lost revenue while the fund pays. Cost: the running cost, unless its
    payer has contracted the innovation.
    """
    cat = model.catalogue
    horizon = model.org_horizon[org].astype(float)
    funded = payer_funds(model, org, k)
    hours = model.evidence[k] * cat.hours_saved[k] * hour_value(model, org)
    revenue = revenue_change(model, org, k, horizon)
    own_loss = model.org_sector[org] == cat.substitutes[k]
    lost_per_month = model.org_volume_factor[org] * cat.substituted_spending[k] * own_loss
    compensation = expected_compensation(model, org, lost_per_month, horizon, cat.savings_delay[k])
    return hours - cat.running_cost[k] * ~funded + (revenue + compensation) / horizon


def implementation_cost(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """EUR an organisation cluster pays to implement: the catalogue price less its region's procurement discount."""
    return model.catalogue.implementation_cost[k] * model.org_weight[org] * (1.0 - model.org_discount[org])


def expected_users(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Real users an organisation expects: its eligible clients times the expected uptake."""
    return model.org_eligible[org, k] * model.settings.behaviour.expected_uptake


def partner_consent(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Chance that the sector which loses the care agrees to refer its clients (1 where no partner loses care).

    An innovation whose users are the clients of another sector (hospital care at home: the hospital's patients)
    needs that sector's referrals and a shared protocol. The losing provider weighs its own net: the revenue that
    leaves it under its payment regime, less what compensation and shared savings give back, as a share r of the care
    that moves (0 = no loss, -1 = all lost). Consent = 2·expit(r / decision_noise): full without loss, about a quarter
    when everything is lost (assumption; mechanism 004_0f7fc21ead51925a.txt:1009-1013, 2064-2081).
    """
    cat = model.catalogue
    needs = cat.referral[k]
    out = np.ones(len(org))
    if not needs.any():
        return out
    o, kk = org[needs], k[needs]
    loser_sector = cat.substitutes[kk]
    vf = model.sector_region_volume_factor[loser_sector, model.org_region[o]]
    horizon = model.sector_horizon[loser_sector].astype(float)
    moving = cat.substituted_spending[kk] * savings_months(horizon, cat.savings_delay[kk])  # care that moves away
    lost = vf * moving  # the revenue that goes with it under the loser's payment regime
    back = expected_compensation(model, None, vf * cat.substituted_spending[kk], horizon, cat.savings_delay[kk])
    back = back + shared_share(model.settings) * lost
    share = np.where(moving > 0, (back - lost) / np.maximum(moving, 1e-12), 0.0)
    out[needs] = 2.0 * expit(np.minimum(share, 0.0) / model.settings.behaviour.decision_noise)
    return out


def payer_savings_and_cost(
    model: DiffusionModel, payer_type: int, horizon: int, region: int
) -> tuple[np.ndarray, np.ndarray]:
    """(savings, cost) per user (EUR) to the payer of type `payer_type` in `region` of funding each innovation.

    It pays the running cost and the care the innovation adds; it saves the substituted spending that it itself would
    have paid (less what bundled providers keep), as the savings build up within its horizon. Savings in another
    payer's domain count only under shared savings, for the share passed on (policies/contracts.py).
    """
    cat = model.catalogue
    has_sub = cat.substitutes >= 0
    substituted_payer = np.where(has_sub, model.sector_payer[np.maximum(cat.substitutes, 0)], -1)
    counted = np.where(substituted_payer == payer_type, 1.0, shared_share(model.settings) * has_sub)
    counted = counted * (1.0 - shared_share(model.settings) * cat.referral)
    months = savings_months(horizon, cat.savings_delay)
    loser_vf = model.sector_region_volume_factor[np.maximum(cat.substitutes, 0), region]
    saving = cat.substituted_spending * loser_vf * counted * months
    added = cat.added_spending * model.sector_region_volume_factor[cat.target, region]
    cost = horizon * (cat.running_cost + added)
    return saving, cost
