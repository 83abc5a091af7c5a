"""The organisations' decisions: start a pilot, embed or abandon it, scale up.

- An aware organisation starts a pilot at a monthly rate set by its capability and its slack; staff shortage removes
  slack (004_0f7fc21ead51925a.txt:720-724, 786-787). Project money from the public fund, which needs the provider's
  co-financing, makes a pilot easy to start; without it fewer start (assumption).
- When the pilot ends, the project money stops. The organisation embeds the innovation only if its own ledger over its
  own horizon justifies it (with the running cost covered if its payer contracted the innovation); otherwise the pilot
  is abandoned: "pilots stop when the project money runs out" (004_0f7fc21ead51925a.txt:998-1001). Multi-party
  innovations also need their partners, which regional cooperation makes likelier (004_0f7fc21ead51925a.txt:55-58).
- In regions that share evidence, an organisation may build on a neighbour's pilot instead of running its own
  (002_ac36531e09462072.txt:65-66).
- Without frictions (the Bass limit) an aware organisation implements at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.special import expit

from .pockets import provider_net_value
from .policies.cooperation import fund_regional_pilots
from .stages import Stage

if TYPE_CHECKING:
    from .model import DiffusionModel


def step_adoption(model: DiffusionModel) -> None:
    """One month of organisational decisions, in a fixed order: pilots end, pilots start, implementations scale."""
    if not model.settings.behaviour.frictions:
        org, k = np.nonzero(model.relevant & (model.stage == Stage.AWARE))
        implement(model, org, k)
        return
    end_pilots(model)
    start_pilots(model)
    scale_up(model)


def slack(model: DiffusionModel) -> np.ndarray:
    """Room to innovate per organisation, 0-1: capability less what the staff shortage takes."""
    b = model.settings.behaviour
    return model.org_capability * np.clip(1.0 - b.shortage_slack_effect * model.org_shortage, 0.0, 1.0)


def start_pilots(model: DiffusionModel) -> None:
    """Aware organisations that consider the innovation this month pilot it, or build on a regional pilot."""
    b = model.settings.behaviour
    considering = (
        model.relevant
        & (model.stage == Stage.AWARE)
        & model.on_market()[None, :]
        & (model.rng.random(model.stage.shape) < b.pilot_rate * slack(model)[:, None])
    )
    org, k = np.nonzero(considering)
    order = model.rng.permutation(len(org))  # first come, first served for the fund's budget
    org, k = org[order], k[order]
    shared = model.org_shared_evidence[org] & (model.regional_experience[model.org_region[org], k] > 0)
    decide_embedding(model, org[shared], k[shared], after_pilot=False)
    org, k = org[~shared], k[~shared]
    cost = model.catalogue.pilot_cost[k] * model.org_weight[org]
    granted = fund_regional_pilots(model, org, cost)
    rest = ~granted
    granted[rest] = model.public_fund.fund_pilots(model.org_party[org[rest]], cost[rest])
    start = granted | (model.rng.random(len(org)) < b.unfunded_pilot_factor)
    org, k = org[start], k[start]
    model.ledger.record(model.month, "pilot_fee", model.org_party[org], model.owner_parties()[k], cost[start])
    model.move_cells(org, k, Stage.PILOTING)
    model.counters["pilots_started"] += float(model.org_weight[org].sum())


def end_pilots(model: DiffusionModel) -> None:
    """Pilots whose project time is up are embedded or abandoned."""
    months = model.settings.behaviour.pilot_months
    done = (model.stage == Stage.PILOTING) & (model.month - model.stage_month >= months)
    org, k = np.nonzero(done)
    decide_embedding(model, org, k, after_pilot=True)


def decide_embedding(model: DiffusionModel, org: np.ndarray, k: np.ndarray, after_pilot: bool) -> None:
    """Embed if the own-pocket value is good enough (logit choice); a pilot that is not embedded is abandoned."""
    if len(org) == 0:
        return
    b = model.settings.behaviour
    value, investment = provider_net_value(model, org, k)
    chance = expit(value / (b.decision_noise * investment))
    multi = model.catalogue.multi_party[k]
    chance = np.where(multi, chance * model.org_coordination[org], chance)
    embed = model.rng.random(len(org)) < chance
    implement(model, org[embed], k[embed])
    learned = embed if not after_pilot else np.ones(len(org), dtype=bool)
    model.add_experience(org[learned], k[learned])
    if after_pilot:
        model.move_cells(org[~embed], k[~embed], Stage.ABANDONED)
        model.counters["pilots_embedded"] += float(model.org_weight[org[embed]].sum())
        model.counters["pilots_abandoned"] += float(model.org_weight[org[~embed]].sum())


def implement(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> None:
    """Move to IMPLEMENTED and pay the implementation fee to the innovation's owner."""
    fee = model.catalogue.implementation_cost[k] * model.org_weight[org] * (1.0 - model.org_discount[org])
    model.ledger.record(model.month, "implementation_fee", model.org_party[org], model.owner_parties()[k], fee)
    model.move_cells(org, k, Stage.IMPLEMENTED)


def scale_up(model: DiffusionModel) -> None:
    """Implemented organisations scale to all eligible clients at a rate set by capability and slack."""
    rate = model.settings.behaviour.scale_rate * slack(model)[:, None]
    model.move((model.stage == Stage.IMPLEMENTED) & (model.rng.random(model.stage.shape) < rate), Stage.SCALED)
