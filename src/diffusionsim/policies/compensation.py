"""Loss compensation: a transition fund pays providers a fraction of the revenue they lose to substitution.

If government acknowledges loss and compensates it, actors move sooner; a transition fund is named as the tool
(004_0f7fc21ead51925a.txt:2005-2012, 2064-2081, 2224-2227). Each provider is compensated for `months` months from its
first loss; the fund's budget is finite and can run out, after which nobody is compensated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..innovation import savings_months

if TYPE_CHECKING:
    from ..model import DiffusionModel


def pay_compensation(model: DiffusionModel, lost: np.ndarray) -> float:
    """Pay this month's compensation for `lost` revenue per organisation (EUR); returns what was paid."""
    comp = model.settings.policy.compensation
    if comp.fraction <= 0 or model.compensation_left <= 0:
        return 0.0
    losing = lost > 0
    first = losing & (model.first_loss_month < 0)
    model.first_loss_month[first] = model.month
    eligible = losing & (model.month - model.first_loss_month < comp.months)
    claims = np.where(eligible, comp.fraction * lost, 0.0)
    total = claims.sum()
    if total <= 0:
        return 0.0
    share = model.compensation_paid_share = min(1.0, model.compensation_left / total)  # pro rata as the fund ends
    fund, month = model.transition_fund_party, model.month
    paid = model.ledger.record(month, "compensation", fund, model.org_party, claims * share)
    model.compensation_left -= paid
    return paid


def compensation_rate(model: DiffusionModel) -> np.ndarray:
    """Per organisation: the share of lost revenue the fund pays it now (its window open and money in the fund)."""
    comp = model.settings.policy.compensation
    if comp.fraction <= 0 or model.compensation_left <= 0:
        return np.zeros(len(model.first_loss_month))
    in_window = (model.first_loss_month < 0) | (model.month - model.first_loss_month < comp.months)
    return comp.fraction * in_window * model.compensation_paid_share


def expected_compensation(
    model: DiffusionModel, org: np.ndarray | None, lost_per_month: np.ndarray, horizon: np.ndarray, delay: np.ndarray
) -> np.ndarray:
    """What a provider expects the fund to pay per expected user over its horizon, while the fund has money.

    The window runs from the provider's first loss (a provider that has not lost yet, or `org` None, has all of it);
    within it the fund pays `fraction` of the loss as it builds up.
    """
    comp = model.settings.policy.compensation
    if comp.fraction <= 0 or model.compensation_left <= 0:
        return np.zeros(np.shape(lost_per_month))
    if org is None:
        months_left = np.full(np.shape(lost_per_month), float(comp.months))
    else:
        already = np.where(model.first_loss_month[org] >= 0, model.month - model.first_loss_month[org], 0)
        months_left = np.clip(comp.months - already, 0, None)
    return comp.fraction * lost_per_month * savings_months(np.minimum(horizon, months_left), delay)
