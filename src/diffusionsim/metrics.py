"""Outcome indicators, as Mesa DataCollector model reporters.

Reporters are module-level functions bound with functools.partial, never lambdas, so a model (and its collector)
can be pickled and sent to worker processes (Mesa issues #1017, #1107).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .ledger import PARTY_TYPES
from .stages import Stage, is_adopted

if TYPE_CHECKING:
    from .model import DiffusionModel

Collect = Literal["all", "adoption"]  # what the DataCollector records every month: every indicator, or adoption only


def month(model: DiffusionModel) -> int:
    return model.month


def date(model: DiffusionModel) -> str:
    """The calendar month ("YYYY-MM") at whose end the row's state holds."""
    return model.date


def _org_adoption(model: DiffusionModel) -> np.ndarray:
    """Per innovation: share of the real organisations that could use it (model.relevant) that implemented or scaled
    it."""
    return (model.relevant_w * is_adopted(model.stage)).sum(axis=0) / model.relevant_weight


def _aware(model: DiffusionModel) -> np.ndarray:
    """Per innovation: share of the real organisations that could use it that know it (any stage past unaware)."""
    return (model.relevant_w * (model.stage != Stage.UNAWARE)).sum(axis=0) / model.relevant_weight


def _citizen_adoption(model: DiffusionModel) -> np.ndarray:
    """Per innovation: share of eligible citizens who use it."""
    return model.users.sum(axis=0) / np.maximum(model.eligible_count, 1)


def _users_by_ses(model: DiffusionModel) -> np.ndarray:
    """Per SES group (low, middle, high): (citizen, innovation) pairs in use."""
    return np.bincount(model.cit_ses, weights=model.users.sum(axis=1, dtype=np.int64), minlength=3)


def _contracted(model: DiffusionModel) -> np.ndarray:
    """Per innovation: share of the organisations that could use it whose payer funds it structurally."""
    return model.contracted_share()


MONTHLY_ARRAYS = {
    "org_adoption": _org_adoption,
    "aware": _aware,
    "citizen_adoption": _citizen_adoption,
    "users_by_ses": _users_by_ses,
    "contracted": _contracted,
}


def monthly_array(model: DiffusionModel, name: str) -> np.ndarray:
    """One of `MONTHLY_ARRAYS`, computed at most once a month: the per-innovation reporters each take one element.

    Computed on demand, so a collector that records only organisational adoption (the sweep's outcome-only runs)
    does not pay for the citizen shares.
    """
    cache = model.__dict__.setdefault("_monthly_arrays", {})
    month_and_value = cache.get(name)
    if month_and_value is None or month_and_value[0] != model.month:
        month_and_value = cache[name] = (model.month, MONTHLY_ARRAYS[name](model))
    return month_and_value[1]


def innovation_share(model: DiffusionModel, name: str, k: int) -> float:
    """One innovation's value of one of the per-innovation shares."""
    return float(monthly_array(model, name)[k])


def citizen_adoption_by_ses(model: DiffusionModel, group: int) -> float:
    """Share of eligible (citizen, innovation) pairs in use, for one SES group (0 low, 1 middle, 2 high)."""
    used = monthly_array(model, "users_by_ses")[group]
    eligible = model.eligible_by_ses[group]
    return float(used / eligible) if eligible else 0.0


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
    """Staff hours freed this month, in FTE.

    To be set against the shortage of ~266,000 care workers in 2034 (000_991d8b1a8065d35d.txt:7).
    """
    return model.month_totals["staff_hours_saved"] / model.settings.scale.fte_hours_per_month


def care_at_home_share(model: DiffusionModel) -> float:
    """Share of care contacts (client-months) delivered in people's own living environment (at_home.py).

    Mission II aims at 50% more care at home by 2030 (001_9090d7b3c6790adc.txt:705-713).
    """
    return model.month_totals["home_contacts"] / model.care_contacts if model.care_contacts else 0.0


def care_at_home_spending_share(model: DiffusionModel) -> float:
    """Share of care spending (with the running cost of innovations delivered at home) spent on care at home."""
    total = model.month_totals["spending_with_home_innovations"]
    return model.month_totals["home_spending"] / total if total else 0.0


def care_at_home_growth(model: DiffusionModel) -> float:
    """Growth of care contacts at home since the start of the run: the KIA's Mission II aims at +50% by 2030."""
    return model.month_totals["home_contacts"] / model.home_contacts0 - 1.0 if model.home_contacts0 else 0.0


def money(model: DiffusionModel, party_type: str) -> float:
    """Cumulative net money (EUR, received minus paid) of all parties of one type."""
    return float(model.ledger.balance[model.ledger.type_of == PARTY_TYPES.index(party_type)].sum())


def impact(model: DiffusionModel, party_type: str) -> float:
    """Cumulative net money of a party type against a world without innovations (EUR).

    The ledger's balance less the care spending that would have flowed anyway: payers' savings and providers' lost or
    added revenue stay, the routine billions of care spending drop out. This is the "who pays and who gains" view.
    """
    ledger = model.ledger
    mask = ledger.type_of == PARTY_TYPES.index(party_type)
    return float((ledger.balance[mask] - model.base_care[mask]).sum())


def public_money_spent(model: DiffusionModel) -> float:
    """Cumulative public money paid out (EUR): the national fund's grants and the transition fund's compensation.

    Regional innovation budgets are the providers' own money, pooled, and are not counted here.
    """
    ledger = model.ledger
    return float(ledger.paid[ledger.type_of == PARTY_TYPES.index("public_fund")].sum())


# Outcomes read off at a calendar date, when a run covers it: the KIA's mission for care at home is +50% by 2030
# (001_9090d7b3c6790adc.txt:705-713); the staff shortage is counted for 2034 (000_991d8b1a8065d35d.txt:7).
MILESTONES: dict[str, tuple[str, Any]] = {
    "care_at_home_growth_2030": ("2030-12", care_at_home_growth),
    "fte_saved_2034": ("2034-12", fte_saved),
}


def record_milestones(model: DiffusionModel) -> None:
    """Keep the value of each milestone indicator at the end of its calendar month."""
    for name, (date, indicator) in MILESTONES.items():
        if model.date == date:
            model.milestones[name] = float(indicator(model))


def adoption_reporters(model: DiffusionModel) -> dict[str, Any]:
    """The month and each innovation's organisational adoption: all that a run's outcome row needs month by month
    (:func:`diffusionsim.experiments.outcomes.run_outcomes` takes the rest from the finished model)."""
    return {"month": month} | {
        f"org_adoption:{iid}": partial(innovation_share, name="org_adoption", k=k)
        for k, iid in enumerate(model.catalogue.ids)
    }


def reporters(model: DiffusionModel, collect: Collect = "all") -> dict[str, Any]:
    """The model reporters: general indicators, then one column per innovation, then money per party type; with
    ``collect="adoption"``, only :func:`adoption_reporters`."""
    if collect == "adoption":
        return adoption_reporters(model)
    out: dict[str, Any] = {
        "month": month,
        "date": date,
        "pilots_started": partial(counter, name="pilots_started"),
        "pilots_embedded": partial(counter, name="pilots_embedded"),
        "pilots_abandoned": partial(counter, name="pilots_abandoned"),
        "piloting": piloting_now,
        "companies_alive": companies_alive,
        "companies_on_market": companies_on_market,
        "staff_hours_saved": staff_hours_saved,
        "fte_saved": fte_saved,
        "care_at_home_share": care_at_home_share,
        "care_at_home_spending_share": care_at_home_spending_share,
        "care_at_home_growth": care_at_home_growth,
        "citizen_adoption_low_ses": partial(citizen_adoption_by_ses, group=0),
        "citizen_adoption_high_ses": partial(citizen_adoption_by_ses, group=2),
        "ses_gap": ses_gap,
        "public_money_spent": public_money_spent,
    }
    for k, iid in enumerate(model.catalogue.ids):
        for name in ("org_adoption", "aware", "citizen_adoption", "contracted"):
            out[f"{name}:{iid}"] = partial(innovation_share, name=name, k=k)
    for party_type in PARTY_TYPES:
        out[f"money:{party_type}"] = partial(money, party_type=party_type)
        out[f"impact:{party_type}"] = partial(impact, party_type=party_type)
    return out
