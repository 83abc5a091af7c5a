"""The ledger: every month's money flows between named parties, and the staff time innovations free.

Every flow has a payer and a payee (DESIGN.md, "The ledger is the heart"), so money is conserved by construction:
what one party pays, another receives. Money that leaves the modelled system (wages, suppliers, the rest of the
economy) goes to the party ``outside``. The ledger keeps running totals, not raw flows, so its memory does not grow
with the number of months: a balance per party, paid/received per party and kind, and a month × kind × payer type
× payee type cube for the time series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FLOW_KINDS = (
    "care",  # payer -> provider: care spending under the payment regime (004_0f7fc21ead51925a.txt:1018-1025)
    "pilot_fee",  # provider -> company: the price of a pilot
    "pilot_grant",  # a pot (public fund, payer, regional fund) -> provider: project money (004:998-1001)
    "implementation_fee",  # provider (or its contracting payer) -> company: one-off cost of implementing
    "running_cost",  # provider or contracting payer -> company: per user-month licence/service
    "citizen_payment",  # citizen -> company: what a user pays out of pocket
    "company_costs",  # company -> outside: burn (salaries, rent)
    "development",  # company -> outside: a development project's spending
    "development_grant",  # public fund -> company: subsidy, with private co-financing (004_0f7fc21ead51925a.txt:1942)
    "investment",  # investor -> company
    "compensation",  # transition fund -> provider: part of revenue lost to substitution (004:2064-2081)
    "regional_contribution",  # provider -> regional fund: x% of revenue (002_ac36531e09462072.txt:342-345)
    "savings_transfer",  # payer that saves -> payer that funds, or -> provider that lost the care (004:1871-1878)
    "operating_costs",  # provider -> outside: staff and running the organisation, less the wages of hours freed
)
PARTY_TYPES = (
    "outside",
    "provider",
    "insurer",
    "care_office",
    "municipality",
    "public_fund",
    "regional_fund",
    "investor",
    "company",
    "citizen",
)


@dataclass
class Ledger:
    """Running totals of conserved money flows and of staff hours saved."""

    months: int
    names: list[str] = field(default_factory=lambda: ["outside"])
    types: list[int] = field(default_factory=lambda: [0])
    regions: list[str] = field(default_factory=lambda: [""])

    def __post_init__(self) -> None:
        self._frozen = False

    # --------------------------------------------------------------------------------- parties
    def add_party(self, party_type: str, name: str, region: str = "") -> int:
        """Register a party and return its id; all parties must exist before the first flow."""
        if self._frozen:
            raise RuntimeError("parties must be registered before the first flow")
        self.names.append(name)
        self.types.append(PARTY_TYPES.index(party_type))
        self.regions.append(region)
        return len(self.names) - 1

    def freeze(self) -> None:
        """Allocate the totals once the parties are known."""
        n, k, t = len(self.names), len(FLOW_KINDS), len(PARTY_TYPES)
        self.type_of = np.array(self.types, dtype=np.int64)
        self.balance = np.zeros(n)
        self.paid = np.zeros((n, k))
        self.received = np.zeros((n, k))
        self.cube = np.zeros((self.months + 1, k, t, t))
        self.hours = np.zeros(n)
        self.hours_by_month = np.zeros(self.months + 1)
        self._frozen = True

    # --------------------------------------------------------------------------------- flows
    def record(self, month: int, kind: str, payer, payee, amount) -> float:
        """Book flows payer -> payee (scalars or arrays, broadcast). Returns the total booked."""
        if np.ndim(payer) == np.ndim(payee) == np.ndim(amount) == 0:
            return self._record_one(month, kind, int(payer), int(payee), float(amount))
        payer, payee, amount = np.broadcast_arrays(
            np.asarray(payer, dtype=np.int64), np.asarray(payee, dtype=np.int64), np.asarray(amount, dtype=float)
        )
        keep = amount != 0
        if not keep.any():
            return 0.0
        payer, payee, amount = payer[keep], payee[keep], amount[keep]
        if not np.isfinite(amount).all() or (amount < 0).any():
            raise ValueError(f"{kind}: flows must be finite and non-negative, got {amount[amount < 0][:3]}")
        if (payer == payee).any():
            raise ValueError(f"{kind}: a party cannot pay itself")
        k = FLOW_KINDS.index(kind)
        np.subtract.at(self.balance, payer, amount)
        np.add.at(self.balance, payee, amount)
        np.add.at(self.paid[:, k], payer, amount)
        np.add.at(self.received[:, k], payee, amount)
        t = len(PARTY_TYPES)
        pair = self.type_of[payer] * t + self.type_of[payee]
        self.cube[month, k] += np.bincount(pair, weights=amount, minlength=t * t).reshape(t, t)
        return float(amount.sum())

    def _record_one(self, month: int, kind: str, payer: int, payee: int, amount: float) -> float:
        """The scalar case of `record` (companies' monthly costs, grants): same checks, no array machinery."""
        if amount == 0:
            return 0.0
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(f"{kind}: flows must be finite and non-negative, got {amount}")
        if payer == payee:
            raise ValueError(f"{kind}: a party cannot pay itself")
        k = FLOW_KINDS.index(kind)
        self.balance[payer] -= amount
        self.balance[payee] += amount
        self.paid[payer, k] += amount
        self.received[payee, k] += amount
        self.cube[month, k, self.type_of[payer], self.type_of[payee]] += amount
        return amount

    def record_hours(self, month: int, party, hours) -> None:
        """Staff hours freed at a party this month (time, not money: it has no payer)."""
        party, hours = np.broadcast_arrays(np.asarray(party, dtype=np.int64), np.asarray(hours, dtype=float))
        self.hours += np.bincount(party.ravel(), weights=hours.ravel(), minlength=len(self.names))
        self.hours_by_month[month] += float(hours.sum())

    # --------------------------------------------------------------------------------- views
    def net_by_type(self) -> dict[str, float]:
        """Cumulative net money per party type (received minus paid)."""
        sums = np.bincount(self.type_of, weights=self.balance, minlength=len(PARTY_TYPES))
        return dict(zip(PARTY_TYPES, sums.tolist(), strict=True))

    def parties_frame(self) -> pd.DataFrame:
        """One row per party: identity, balance, paid and received per kind, staff hours saved."""
        df = pd.DataFrame(
            {
                "party": np.arange(len(self.names)),
                "name": self.names,
                "type": [PARTY_TYPES[t] for t in self.types],
                "region": self.regions,
                "net": self.balance,
                "staff_hours_saved": self.hours,
            }
        )
        for k, kind in enumerate(FLOW_KINDS):
            df[f"paid_{kind}"] = self.paid[:, k]
            df[f"received_{kind}"] = self.received[:, k]
        return df

    def monthly_frame(self, upto: int) -> pd.DataFrame:
        """Tidy monthly flows: month, kind, payer type, payee type, amount (non-zero cells only)."""
        m, k, a, b = np.nonzero(self.cube[: upto + 1])
        return pd.DataFrame(
            {
                "month": m,
                "kind": np.array(FLOW_KINDS)[k],
                "payer_type": np.array(PARTY_TYPES)[a],
                "payee_type": np.array(PARTY_TYPES)[b],
                "amount": self.cube[: upto + 1][m, k, a, b],
            }
        )
