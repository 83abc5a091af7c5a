"""Outcome indicators, as Mesa DataCollector model reporters.

Reporters are module-level functions bound with functools.partial, never lambdas, so a model (and its collector)
can be pickled and sent to worker processes (Mesa issues #1017, #1107).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from .ledger import PARTY_TYPES
from .stages import Stage, is_adopted

if TYPE_CHECKING:
    from .model import DiffusionModel


def month(model: DiffusionModel) -> int:
    return model.month


def org_adoption(model: DiffusionModel, k: int) -> float:
    """Share of real organisations in the target sector that implemented or scaled innovation k."""
    w = model.org_weight * model.relevant[:, k]
    return float((w * is_adopted(model.stage[:, k])).sum() / max(w.sum(), 1e-12))


def org_awareness(model: DiffusionModel, k: int) -> float:
    """Share of real organisations in the target sector that know innovation k (any stage past unaware)."""
    w = model.org_weight * model.relevant[:, k]
    return float((w * (model.stage[:, k] != Stage.UNAWARE)).sum() / max(w.sum(), 1e-12))


def citizen_adoption(model: DiffusionModel, k: int) -> float:
    """Share of eligible citizens who use innovation k (users are always eligible)."""
    eligible = model.eligible_count[k]
    return float(model.users[:, k].sum() / eligible) if eligible else 0.0


def citizen_adoption_by_ses(model: DiffusionModel, group: int) -> float:
    """Share of eligible (citizen, innovation) pairs in use, for one SES group (0 low, 1 middle, 2 high)."""
    rows = model.cit_ses == group
    eligible = model.eligible_per_citizen[rows].sum()
    return float(model.users[rows].sum() / eligible) if eligible else 0.0


def ses_gap(model: DiffusionModel) -> float:
    """Adoption among high-SES citizens minus adoption among low-SES citizens (percentage points as a share)."""
    return citizen_adoption_by_ses(model, 2) - citizen_adoption_by_ses(model, 0)


def counter(model: DiffusionModel, name: str) -> float:
    return float(model.counters[name])


def piloting_now(model: DiffusionModel) -> float:
    return float((model.org_weight[:, None] * (model.stage == Stage.PILOTING)).sum())


def companies_alive(model: DiffusionModel) -> int:
    return sum(c.alive for c in model.companies)


def companies_on_market(model: DiffusionModel) -> int:
    return sum(c.on_market for c in model.companies)


def staff_hours_saved(model: DiffusionModel) -> float:
    """Staff hours freed this month."""
    return model.month_totals["staff_hours_saved"]


def fte_saved(model: DiffusionModel) -> float:
    """Staff hours freed this month, in FTE (set against the shortage of ~266,000 in 2034, 000_991d8b1a8065d35d.txt:7)."""
    return model.month_totals["staff_hours_saved"] / model.settings.scale.fte_hours_per_month


def care_at_home_share(model: DiffusionModel) -> float:
    """Share of care spending delivered in people's own living environment (Mission II, 001_9090d7b3c6790adc.txt:705-713)."""
    total = model.month_totals["care_spending"]
    return model.month_totals["care_at_home"] / total if total else 0.0


def money(model: DiffusionModel, party_type: str) -> float:
    """Cumulative net money (EUR, received minus paid) of all parties of one type."""
    return float(model.ledger.balance[model.ledger.type_of == PARTY_TYPES.index(party_type)].sum())


def public_money_spent(model: DiffusionModel) -> float:
    """Cumulative grants paid by the public fund (EUR)."""
    return float(model.ledger.paid[model.public_fund.party].sum())


def reporters(model: DiffusionModel) -> dict[str, Any]:
    """The model reporters: general indicators, then one column per innovation, then money per party type."""
    out: dict[str, Any] = {
        "month": month,
        "pilots_started": partial(counter, name="pilots_started"),
        "pilots_embedded": partial(counter, name="pilots_embedded"),
        "pilots_abandoned": partial(counter, name="pilots_abandoned"),
        "piloting": piloting_now,
        "companies_alive": companies_alive,
        "companies_on_market": companies_on_market,
        "staff_hours_saved": staff_hours_saved,
        "fte_saved": fte_saved,
        "care_at_home_share": care_at_home_share,
        "citizen_adoption_low_ses": partial(citizen_adoption_by_ses, group=0),
        "citizen_adoption_high_ses": partial(citizen_adoption_by_ses, group=2),
        "ses_gap": ses_gap,
        "public_money_spent": public_money_spent,
    }
    for k, iid in enumerate(model.catalogue.ids):
        out[f"org_adoption:{iid}"] = partial(org_adoption, k=k)
        out[f"aware:{iid}"] = partial(org_awareness, k=k)
        out[f"citizen_adoption:{iid}"] = partial(citizen_adoption, k=k)
    for party_type in PARTY_TYPES:
        out[f"money:{party_type}"] = partial(money, party_type=party_type)
    return out

