"""The organisations' decisions: start a pilot, embed or abandon it, scale up, stop.

- An aware organisation considers a pilot at a monthly rate set by its capability and its slack; staff shortage
  removes slack (004_0f7fc21ead51925a.txt:720-724, 786-787). A pilot needs project money for its term from a finite
  pot, asked in turn: its region's innovation budget (high intensity, 002_ac36531e09462072.txt:342-345), its payer's
  innovation budget, the public fund (policies/pilot_money.py); without it fewer start (assumption). The provider
  pays its own share from its reserve, and cannot start a pilot it cannot afford (accounts.py).
- During the pilot, the organisation offers the innovation to some of its clients and learns from what lands on it.
  When the term ends the project money stops: "pilots stop when the project money runs out"
  (004_0f7fc21ead51925a.txt:998-1001). It embeds the innovation only with structural funding: its payer's contract
  (which pays the running cost) or its own money, because what it expects over its own horizon covers the
  implementation; otherwise the pilot is abandoned. Multi-party innovations also need their partners, which
  regional cooperation makes likelier (004_0f7fc21ead51925a.txt:55-58); innovations whose users are another sector's
  clients need that sector's consent (pockets.partner_consent).
- In regions that share evidence, an organisation may build on a pilot in its region instead of running its own
  (002_ac36531e09462072.txt:65-66). One whose payer already funds the innovation structurally needs no project money
  and decides on implementing it at once (assumption: a pilot is how a provider bridges the time without structural
  funding, 004_0f7fc21ead51925a.txt:998-1001).
- An organisation reviews an innovation it runs that costs it money, and may stop it (review_adopted); one that
  abandoned or stopped an innovation takes it up again once embedding it would pay (reconsider).
- Without frictions (the Bass limit) an aware organisation implements at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from .accounts import affordable, expectation, note_spending, realised_per_user
from .pockets import expected_users, implementation_cost, partner_consent, payer_funds, provider_prior
from .policies.pilot_money import grant_pilots
from .stages import Stage, is_adopted

if TYPE_CHECKING:
    from .model import DiffusionModel


def step_adoption(model: DiffusionModel) -> None:
    """One month of organisational decisions, in a fixed order: pilots end, pilots start, scale up, review."""
    if not model.settings.behaviour.frictions:
        org, k = np.nonzero(model.relevant & (model.stage == Stage.AWARE))
        implement(model, org, k)
        return
    end_pilots(model)
    start_pilots(model)
    scale_up(model)
    review_adopted(model)
    reconsider(model)


def slack(model: DiffusionModel) -> np.ndarray:
    """Room to innovate per organisation, 0-1: capability less what the staff shortage takes."""
    b = model.settings.behaviour
    return model.org_capability * np.clip(1.0 - b.shortage_slack_effect * model.org_shortage, 0.0, 1.0)


def start_pilots(model: DiffusionModel) -> None:
    """Aware organisations that consider the innovation this month pilot it, or decide at once where a regional pilot
    or their payer's contract makes a pilot of their own unnecessary."""
    b = model.settings.behaviour
    considering = (
        model.relevant
        & (model.stage == Stage.AWARE)
        & model.on_market()[None, :]
        & (model.rng.random(model.stage.shape) < b.pilot_rate * slack(model)[:, None])
    )
    org, k = np.nonzero(considering)
    order = model.rng.permutation(len(org))  # first come, first served for the pots
    org, k = org[order], k[order]
    partners = partners_agree(model, org, k)
    org, k = org[partners], k[partners]
    shared = model.org_shared_evidence[org] & (model.regional_experience[model.org_region[org], k] > 0)
    direct = shared | payer_funds(model, org, k)
    decide_embedding(model, org[direct], k[direct], after_pilot=False)
    org, k = org[~direct], k[~direct]
    cost = model.catalogue.pilot_cost[k] * model.org_weight[org] * b.pilot_months / 12.0
    own_share = model.settings.policy.cofinancing.private_share * cost
    can = affordable(model, org, own_share)
    model.counters["refused_for_reserve"] += float(model.org_weight[org[~can]].sum())
    org, k, cost = org[can], k[can], cost[can]
    granted = grant_pilots(model, org, cost)
    unfunded = ~granted & (model.rng.random(len(org)) < b.unfunded_pilot_factor)
    unfunded[unfunded] = affordable(model, org[unfunded], cost[unfunded])
    start = granted | unfunded
    model.counters["pilots_without_money"] += float(model.org_weight[org[~granted]].sum())
    org, k = org[start], k[start]
    model.ledger.record(model.month, "pilot_fee", model.org_party[org], model.owner_parties()[k], cost[start])
    note_spending(model, org)
    model.move_cells(org, k, Stage.PILOTING)
    model.counters["pilots_started"] += float(model.org_weight[org].sum())


def partners_agree(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Multi-party innovations find their partners (regional coordination); referral innovations their referrers."""
    chance = partner_consent(model, org, k)
    chance = np.where(model.catalogue.multi_party[k], chance * model.org_coordination[org], chance)
    return model.rng.random(len(org)) < chance


def end_pilots(model: DiffusionModel) -> None:
    """Pilots whose project time is up are embedded or abandoned."""
    months = model.settings.behaviour.pilot_months
    done = (model.stage == Stage.PILOTING) & (model.month - model.stage_month >= months)
    org, k = np.nonzero(done)
    decide_embedding(model, org, k, after_pilot=True)


def expected_value(
    model: DiffusionModel, org: np.ndarray, k: np.ndarray, learned: np.ndarray | None = None
) -> np.ndarray:
    """EUR an organisation expects an innovation to bring it over its horizon, before any implementation cost."""
    per_user = expectation(model, org, k, provider_prior(model, org, k), learned)
    return expected_users(model, org, k) * per_user * model.org_horizon[org]


def decide_embedding(model: DiffusionModel, org: np.ndarray, k: np.ndarray, after_pilot: bool) -> None:
    """Embed if the own-pocket value covers the investment (logit choice) and the provider can pay for it; a pilot
    that is not embedded is abandoned."""
    if len(org) == 0:
        return
    own_cost = implementation_cost(model, org, k) * ~payer_funds(model, org, k)
    value, scale = net_value(model, org, k)
    embed = model.rng.random(len(org)) < expit(value / scale)
    can = affordable(model, org[embed], own_cost[embed])
    model.counters["refused_for_reserve"] += float(model.org_weight[org[embed][~can]].sum())
    embed[embed] = can
    implement(model, org[embed], k[embed])
    if not after_pilot:  # regional evidence or the payer's contract made a pilot of its own unnecessary
        model.counters["implemented_without_pilot"] += float(model.org_weight[org[embed]].sum())
    if after_pilot:
        dropped, kd = org[~embed], k[~embed]
        np.subtract.at(model.experience, kd, model.org_weight[dropped] * model.use_months[dropped, kd])
        model.move_cells(dropped, kd, Stage.ABANDONED)
        model.counters["pilots_embedded"] += float(model.org_weight[org[embed]].sum())
        model.counters["pilots_abandoned"] += float(model.org_weight[org[~embed]].sum())


def implement(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> None:
    """Move to IMPLEMENTED and pay the implementation fee to the innovation's owner: the payer pays it where it has
    contracted the innovation (structural funding covers the one-off cost as well as the running cost: assumption),
    the organisation otherwise."""
    fee = implementation_cost(model, org, k)
    payer = np.where(payer_funds(model, org, k), model.payer_party[model.org_payer[org]], model.org_party[org])
    model.ledger.record(model.month, "implementation_fee", payer, model.owner_parties()[k], fee)
    if model.settings.behaviour.frictions:
        note_spending(model, org)
    model.move_cells(org, k, Stage.IMPLEMENTED)


def scale_up(model: DiffusionModel) -> None:
    """Implemented organisations scale to all eligible clients at a rate set by capability and slack."""
    rate = model.settings.behaviour.scale_rate * slack(model)[:, None]
    model.move((model.stage == Stage.IMPLEMENTED) & (model.rng.random(model.stage.shape) < rate), Stage.SCALED)


def net_value(
    model: DiffusionModel, org: np.ndarray, k: np.ndarray, learned: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(value, scale): what embedding would bring the organisation over its horizon less the implementation it pays
    itself, and the logit scale of its choice (decision_noise in units of the implementation cost)."""
    investment = implementation_cost(model, org, k)
    value = expected_value(model, org, k, learned) - investment * ~payer_funds(model, org, k)
    return value, model.settings.behaviour.decision_noise * np.maximum(investment, 1.0)


def review_adopted(model: DiffusionModel) -> None:
    """Providers review, at ``behaviour.review_rate`` a month, innovations they run that cost them money, and stop
    them with chance 2·expit(-v / (noise · investment)) - 1 for an expected value v < 0 over their horizon (the
    implementation is sunk): the more it costs them, the likelier they stop (assumption). This is how a loss that
    returns when compensation ends reaches adoption."""
    b = model.settings.behaviour
    org, k = np.nonzero(is_adopted(model.stage))
    reviewed = model.rng.random(len(org)) < b.review_rate
    org, k = org[reviewed], k[reviewed]
    if len(org) == 0:
        return
    value = expected_value(model, org, k)
    scale = b.decision_noise * np.maximum(implementation_cost(model, org, k), 1.0)
    stop = model.rng.random(len(org)) < np.maximum(2.0 * expit(-value / scale) - 1.0, 0.0)
    model.move_cells(org[stop], k[stop], Stage.STOPPED)
    model.counters["implementations_stopped"] += float(model.org_weight[org[stop]].sum())


def reconsider(model: DiffusionModel) -> None:
    """Providers that abandoned or stopped an innovation look at it again at ``behaviour.review_rate`` a month, and
    take it up again (back to AWARE, so a new pilot or the shared-evidence route) with chance 2·expit(v / scale) - 1
    for a value v > 0 of embedding it now (net_value): what once did not pay may pay after a tariff, a contract or
    more evidence (assumption: the mirror of review_adopted). They price their own experience at today's rules
    (what one user-month would land on them now, accounts.realised_per_user, with the weight of their months of
    use): tariffs and contracts are public, and what they saw was the innovation's effect."""
    org, k = np.nonzero((model.stage == Stage.ABANDONED) | (model.stage == Stage.STOPPED))
    looked = model.rng.random(len(org)) < model.settings.behaviour.review_rate
    org, k = org[looked], k[looked]
    if len(org) == 0:
        return
    learned_now = model.own_weight[org, k] * realised_per_user(model, org, k)
    value, scale = net_value(model, org, k, learned_now)
    again = model.rng.random(len(org)) < np.maximum(2.0 * expit(value / scale) - 1.0, 0.0)
    model.move_cells(org[again], k[again], Stage.AWARE)
    model.counters["reconsidered"] += float(model.org_weight[org[again]].sum())
