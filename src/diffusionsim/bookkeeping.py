"""The month's bookkeeping: care spending, running costs, citizens' payments and staff time, into the ledger.

Decisions use projections (:mod:`diffusionsim.pockets`); this module books what actually happened this month,
from the citizens who really use each innovation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .accounts import learn, pay_operating_costs
from .at_home import at_home_totals
from .policies.compensation import pay_compensation
from .policies.contracts import share_with_losers, transfer_savings
from .policies.cooperation import collect_contributions
from .policies.payment import billed_cells, care_payments

if TYPE_CHECKING:
    from .model import DiffusionModel


def users_per_provider(model: DiffusionModel) -> np.ndarray:
    """[org, innovation] real users served by each organisation (its clients in the target sector)."""
    cat, cpa = model.catalogue, model.settings.scale.citizens_per_agent
    out = np.zeros(model.stage.shape)
    for k in range(len(cat)):
        who = np.flatnonzero(model.users[:, k])
        out[:, k] = np.bincount(model.provider[who, cat.target[k]], minlength=len(out)) * cpa
    return out


def substituted_spending(model: DiffusionModel) -> np.ndarray:
    """[org, innovation] EUR of care users no longer need this month, at the organisation that would have given it.

    A user's savings build up linearly over the innovation's savings delay: in its m-th month of use (m = 0, 1, ...)
    it needs min(1, m / delay) less of the substituted care (all of it at once for delay 0; pockets.savings_months).
    """
    cat, cpa = model.catalogue, model.settings.scale.citizens_per_agent
    out = np.zeros(model.stage.shape)
    for k in np.flatnonzero(cat.substitutes >= 0):
        who = np.flatnonzero(model.users[:, k])
        delay = cat.savings_delay[k]
        built_up = np.minimum((model.month - model.user_since[who, k]) / delay, 1.0) if delay > 0 else None
        per_org = np.bincount(model.provider[who, cat.substitutes[k]], weights=built_up, minlength=len(out))
        out[:, k] = per_org * cpa * cat.substituted_spending[k]
    return out


def book_month(model: DiffusionModel) -> None:
    """Book this month's flows and staff hours; keep the month's totals for the indicators."""
    cat, ledger, month = model.catalogue, model.ledger, model.month
    users = users_per_provider(model)
    substituted = substituted_spending(model)
    added = (users * cat.added_spending[None, :] * billed_cells(model)).sum(axis=1)
    care = care_payments(model, substituted.sum(axis=1), added)
    ledger.record(month, "care", model.payer_party[model.org_payer], model.org_party, care)
    # What care would have cost without any innovation: the yardstick for "who pays and who gains".
    np.add.at(model.base_care, model.org_party, model.org_base_spending)
    np.subtract.at(model.base_care, model.payer_party[model.org_payer], model.org_base_spending)
    pay_compensation(model, model.org_volume_factor * substituted.sum(axis=1))
    transfer_savings(model, substituted)
    share_with_losers(model, substituted)
    collect_contributions(model, care)

    funded = model.contracted[model.org_payer]  # [org, innovation]
    payer = np.where(funded, model.payer_party[model.org_payer][:, None], model.org_party[:, None])
    payee = np.broadcast_to(model.owner_parties()[None, :], users.shape)
    ledger.record(month, "running_cost", payer, payee, users * cat.running_cost[None, :])

    c, k = np.nonzero(model.users & (cat.citizen_price > 0)[None, :])
    price = cat.citizen_price[k] * model.settings.scale.citizens_per_agent
    ledger.record(month, "citizen_payment", model.cit_party[c], model.owner_parties()[k], price)

    hours = users @ cat.hours_saved
    ledger.record_hours(month, model.org_party, hours)
    pay_operating_costs(model, hours)
    learn(model)
    model.month_totals = {"care_spending": float(care.sum()), "staff_hours_saved": float(hours.sum())}
    model.month_totals |= at_home_totals(model, care, users)
