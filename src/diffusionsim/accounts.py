"""Providers' own accounts: a reserve, operating costs, and what the flows that land on them teach them.

Every care organisation agent keeps books (issue 10; DESIGN.md "every lever acts through a mechanism"):

- **revenue**: its care payments under its payment regime, plus grants and compensation (ledger flows);
- **costs**: operating costs of (1 - margin) × its base care revenue, less the wages of the staff hours innovations
  free (freed hours replace hired or overtime hours: assumption), plus what it pays for pilots, implementations and
  running costs (ledger flows);
- **reserve** = starting reserve + its ledger balance. Starting reserves are drawn per agent (gamma, mean
  ``sectors.<s>.reserve_months`` months of base revenue, coefficient of variation ``behaviour.reserve_sd``). A
  provider spends nothing on a pilot or an implementation that would take its reserve below the floor of
  ``behaviour.reserve_floor_months`` months of base revenue (limited finances slow implementation,
  001_9090d7b3c6790adc.txt:2797-2798; sizes are assumptions).

**Learning.** What a provider expects an innovation to bring per user-month starts at its prior (the projection of
:mod:`diffusionsim.pockets`) and moves towards what really landed on it, month by month while it offers it: an
exponentially weighted mean with weight ``behaviour.learning_rate`` per month of own use,
``expected = Σ_own α(1-α)^age · realised + (1-α)^n · prior`` (assumption: adaptive expectations). Realised flows
are the hours it freed (valued as in the prior, but not discounted by evidence), the running cost it paid, the
revenue it gained or lost, and the compensation it received, per user of the innovation (realised_per_user).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import mean_by_sector_and_region, running_total_by_group
from .pockets import hour_value, payer_funds
from .policies.compensation import compensation_rate
from .policies.payment import bills_added
from .stages import offers

if TYPE_CHECKING:
    from .model import DiffusionModel


def open_accounts(model: DiffusionModel) -> None:
    """Starting reserves, margins and floors per organisation; empty experience per (organisation, innovation)."""
    sc, b = model.settings, model.settings.behaviour
    mean_months = np.array([sc.sectors[s].reserve_months for s in model.sector_names])
    if b.reserve_sd > 0:
        shape = 1.0 / b.reserve_sd**2
        months = model.rng.gamma(shape, mean_months / shape)
    else:
        months = mean_months
    model.org_reserve0 = months * model.org_base_spending
    set_account_parameters(model)
    model.learned = np.zeros(model.stage.shape)  # Σ α(1-α)^age · realised, EUR per user-month
    model.own_weight = np.zeros(model.stage.shape)  # 1 - (1-α)^months of own use
    model.use_months = np.zeros(model.stage.shape)  # months of own use (pilot and regular)
    model.lowest_headroom = np.inf  # reserve less floor after any innovation spending (a test guards it >= 0)


def set_account_parameters(model: DiffusionModel) -> None:
    """Margins, floors and the fixed flows per user from the scenario; read again when a timeline changes them."""
    sc = model.settings
    model.org_margin = np.array([sc.sectors[s].operating_margin for s in model.sector_names])
    model.org_floor = sc.behaviour.reserve_floor_months * model.org_base_spending
    model.org_base_costs = (1.0 - model.org_margin) * model.org_base_spending
    model.base_costs_total = float(model.org_base_costs.sum())
    fixed_flows_per_user(model)


def reserve(model: DiffusionModel, org: np.ndarray | slice = slice(None)) -> np.ndarray:
    """EUR in reserve now: the starting reserve plus everything received less everything paid."""
    return model.org_reserve0[org] + model.ledger.balance[model.org_party[org]]


def affordable(model: DiffusionModel, org: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Which of these payments (in queue order) each provider can make and stay at or above its floor.

    A provider asked several times in a month counts what it already committed earlier in the queue.
    """
    if len(org) == 0:
        return np.zeros(0, dtype=bool)
    committed = running_total_by_group(org, amount)
    return reserve(model, org) - committed >= model.org_floor[org]


def note_spending(model: DiffusionModel, org: np.ndarray) -> None:
    """Record the lowest reserve headroom seen right after innovation spending (for the floor invariant)."""
    if len(org):
        headroom = reserve(model, org) - model.org_floor[org]
        model.lowest_headroom = min(model.lowest_headroom, float(headroom.min()))


def pay_operating_costs(model: DiffusionModel, hours: np.ndarray) -> None:
    """Operating costs to the outside world: (1 - margin) × base revenue, less the wages of the hours freed."""
    base_costs = model.org_base_costs
    costs = np.maximum(base_costs - model.settings.behaviour.wage_per_hour * hours, 0.0)
    model.ledger.record(model.month, "operating_costs", model.org_party, 0, costs)
    model.base_care[model.org_party] -= base_costs  # the world without innovations pays them too (parties unique)
    model.base_care[0] += model.base_costs_total


def realised_per_user(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """EUR that lands on organisation `org` this month per user of innovation `k` it offers (cells, 1-d).

    The flows of one user of the real clients the agent stands for (the sampled citizen agents are too few per
    organisation to average over): the hours freed, valued as in the prior but in full; the running cost unless its
    payer funds it; the added care it bills; the substituted care it loses as the user's savings build up over its own
    months of use; and the compensation the transition fund pays it now (none once its window or the fund is over).
    All under its own payment regime.
    """
    cat = model.catalogue
    lost = model.lost_per_user[org, k]
    steady = model.hours_per_user[org, k] + model.added_per_user[org, k] * bills_added(model, org, k)
    running = cat.running_cost[k] * ~payer_funds(model, org, k)
    delay = cat.savings_delay[k]
    built_up = np.where(delay > 0, np.minimum(model.use_months[org, k] / np.maximum(delay, 1), 1.0), 1.0)
    kept = 1.0 - compensation_rate(model)[org]
    return steady - running - lost * built_up * kept


def fixed_flows_per_user(model: DiffusionModel) -> None:
    """The parts of `realised_per_user` fixed while the parameters are: hours freed, added care where billed, and the
    full loss of substituted care, per (organisation, innovation), under its payment regime."""
    cat = model.catalogue
    vf = model.org_volume_factor[:, None]
    hours = cat.hours_saved[None, :] * hour_value(model, np.arange(len(vf)))[:, None]
    added = cat.added_spending[None, :] * (model.org_sector[:, None] == cat.target[None, :])
    model.hours_per_user, model.added_per_user = hours, vf * added
    model.lost_per_user = (
        vf * cat.substituted_spending[None, :] * (model.org_sector[:, None] == cat.substitutes[None, :])
    )


def learn(model: DiffusionModel) -> None:
    """Move expectations towards this month's realised flows where the organisation offers the innovation."""
    a = model.settings.behaviour.learning_rate
    org, k = np.nonzero(offers(model.stage))
    model.learned[org, k] = (1.0 - a) * model.learned[org, k] + a * realised_per_user(model, org, k)
    model.own_weight[org, k] = (1.0 - a) * model.own_weight[org, k] + a
    model.use_months[org, k] += 1


def expectation(
    model: DiffusionModel, org: np.ndarray, k: np.ndarray, prior: np.ndarray, learned: np.ndarray | None = None
) -> np.ndarray:
    """EUR per user-month an organisation expects: its own experience, and for the weight it lacks, its prior.

    ``learned`` replaces the remembered experience (model.learned) where the caller prices it otherwise.

    In regions that share evidence ("if one organisation tests, others can use the results",
    002_ac36531e09462072.txt:65-66) the weight it lacks goes first to the pooled experience of its region's
    organisations of the same sector, then to its prior.
    """
    lacking = 1.0 - model.own_weight[org, k]
    sharing = model.org_shared_evidence[org]
    if sharing.any():
        pooled, weight = pooled_experience(model)
        cell = model.org_sector[org] * pooled.shape[1] + model.org_region[org]
        peer_w = weight.reshape(-1, weight.shape[-1])[cell, k] * sharing
        peer = pooled.reshape(-1, pooled.shape[-1])[cell, k] * sharing
        prior = peer + (1.0 - peer_w) * prior
    return (model.learned[org, k] if learned is None else learned) + lacking * prior


def pooled_experience(model: DiffusionModel) -> tuple[np.ndarray, np.ndarray]:
    """[sector, region, innovation] the pooled experience of the organisations with own experience: the mean of their
    (learned, own_weight), as one expectation with its weight. Computed once a month."""
    cached = model.__dict__.get("_pooled_experience")
    if cached is not None and cached[0] == model.month:
        return cached[1]
    has = mean_by_sector_and_region(model, (model.own_weight > 0).astype(float), 0.0)
    share = np.maximum(has, 1e-12)
    learned = mean_by_sector_and_region(model, model.learned, 0.0)
    weight = mean_by_sector_and_region(model, model.own_weight, 0.0)
    result = (learned / share, weight / share)
    model._pooled_experience = (model.month, result)
    return result
