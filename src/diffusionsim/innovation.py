"""The innovation catalogue as arrays: one entry per innovation, in scenario order.

Innovations are data, not agents (DESIGN.md): the organisations, payers and citizens decide about them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scenario import KINDS, SECTORS, Scenario


@dataclass
class Catalogue:
    """Column view of ``scenario.innovations``; the vectorised rules index these arrays by innovation."""

    ids: list[str]
    kind: np.ndarray  # index into KINDS
    multi_party: np.ndarray  # bool
    target: np.ndarray  # index into SECTORS
    substitutes: np.ndarray  # index into SECTORS, -1 if it substitutes nothing
    substituted_spending: np.ndarray  # EUR per user-month removed from the substituted sector
    added_spending: np.ndarray  # EUR per user-month added to the target sector (0 where nothing can bill it)
    by_tariff: np.ndarray  # bool: the added care is billed under a national tariff
    by_contract: np.ndarray  # bool: ... only where the provider's payer has contracted the innovation
    savings_delay: np.ndarray  # months
    at_home_share: np.ndarray  # share of a user's substituted-sector care delivered at home
    eligible_base: np.ndarray  # index into SECTORS: the sector whose clients can use it
    eligible_share: np.ndarray
    referral: np.ndarray  # bool: its users are another sector's clients, so that sector must refer them
    pilot_cost: np.ndarray  # EUR per real organisation
    implementation_cost: np.ndarray  # EUR per real organisation
    running_cost: np.ndarray  # EUR per user-month
    citizen_price: np.ndarray  # EUR per user-month
    hours_saved: np.ndarray  # staff hours per user-month
    needs_digital: np.ndarray  # bool
    evidence0: np.ndarray
    owner: list[str]
    readiness0: np.ndarray  # TRL at start
    initial_adoption: np.ndarray  # share of the organisations that could use it running it at the start
    initial_awareness: np.ndarray  # ... knowing it at the start

    @classmethod
    def from_scenario(cls, sc: Scenario) -> Catalogue:
        inns = sc.innovations

        def col(attr: str, dtype: type = float) -> np.ndarray:
            return np.array([getattr(i, attr) for i in inns], dtype=dtype)

        return cls(
            ids=[i.id for i in inns],
            kind=np.array([KINDS.index(i.kind) for i in inns]),
            multi_party=np.array([i.scope == "multi" for i in inns]),
            target=np.array([SECTORS.index(i.target_sector) for i in inns]),
            substitutes=np.array(
                [-1 if i.substitutes_sector is None else SECTORS.index(i.substitutes_sector) for i in inns]
            ),
            substituted_spending=col("substituted_spending_per_user_month"),
            added_spending=col("added_spending_per_user_month") * np.array([i.billing != "none" for i in inns]),
            by_tariff=np.array([i.billing == "tariff" for i in inns], dtype=bool),
            by_contract=np.array([i.billing == "contract" for i in inns], dtype=bool),
            savings_delay=col("savings_delay_months", int),
            at_home_share=col("at_home_share"),
            eligible_base=np.array(
                [
                    SECTORS.index(i.substitutes_sector if i.eligible_among == "substituted" else i.target_sector)
                    for i in inns
                ]
            ),
            eligible_share=col("eligible_share"),
            referral=np.array([i.eligible_among == "substituted" for i in inns], dtype=bool),
            pilot_cost=col("pilot_cost"),
            implementation_cost=col("implementation_cost"),
            running_cost=col("running_cost_per_user_month"),
            citizen_price=col("citizen_price_per_month"),
            hours_saved=col("staff_hours_saved_per_user_month"),
            needs_digital=col("needs_digital_skills", bool),
            evidence0=col("evidence"),
            owner=[i.owner for i in inns],
            readiness0=col("readiness", int),
            initial_adoption=col("initial_adoption"),
            initial_awareness=col("initial_awareness"),
        )

    def __len__(self) -> int:
        return len(self.ids)


def savings_months(horizon: np.ndarray | float, delay: np.ndarray | float) -> np.ndarray:
    """Full-savings months within a horizon, when a user's savings build up linearly over `delay` months.

    In use-month m (0, 1, ...) a user saves min(1, m / delay) of the substituted spending (all of it at once when
    delay is 0), the rule :func:`diffusionsim.bookkeeping.substituted_spending` books; this is that sum over
    m < horizon: H(H-1)/(2d) while H <= d, else (d-1)/2 + H - d.
    """
    h, d = np.broadcast_arrays(np.asarray(horizon, dtype=float), np.asarray(delay, dtype=float))
    ramp_only = h * (h - 1.0) / (2.0 * np.maximum(d, 1.0))
    return np.where(d <= 0, h, np.where(h <= d, ramp_only, (d - 1.0) / 2.0 + h - d))
