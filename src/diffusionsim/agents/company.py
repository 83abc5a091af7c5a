"""Companies: they develop innovations up the readiness levels, sell them, and exit when cash runs out.

Between raising money and earning enough lies the valley of death (001_9090d7b3c6790adc.txt:6003-6005); only about
35% of care innovations reach the market (002_ac36531e09462072.txt:214-217). A company's cash is its starting cash
plus its ledger balance, so every euro it gets or spends is a ledger flow with a counterparty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from ..scenario import KINDS
from ..scenario import Company as CompanySpec

if TYPE_CHECKING:
    from ..model import DiffusionModel

MARKET_READINESS = 9  # TRL 9: the product is on the market (definition of the scale, not a parameter)


class Company(Agent):
    """A start-up, scale-up or established firm that owns one or more innovations."""

    def __init__(self, model: DiffusionModel, spec: CompanySpec) -> None:
        super().__init__(model)
        self.company_id = spec.id
        self.company_type = spec.type
        self.starting_cash = spec.cash
        self.burn = spec.burn_per_month
        self.development_rate = spec.development_rate
        self.alive = True
        self.exit_month: int | None = None
        self.reached_market_month: int | None = None  # first month with a product on the market
        self.products: list[int] = []  # innovation indices, filled in by the model
        self.party = model.ledger.add_party("company", spec.id)

    @property
    def cash(self) -> float:
        """Starting cash plus everything received minus everything paid (the ledger is the only book)."""
        return self.starting_cash + float(self.model.ledger.balance[self.party])

    @property
    def on_market(self) -> bool:
        return self.alive and any(self.model.readiness[k] >= MARKET_READINESS for k in self.products)

    @property
    def kind(self) -> str:
        """The kind of its first product; investors' appetite depends on it."""
        return KINDS[int(self.model.catalogue.kind[self.products[0]])] if self.products else "technological"

    def step(self) -> None:
        if not self.alive:
            return
        self.develop()
        self.pay_costs()

    def develop(self) -> None:
        """Move products up one readiness level: on its own means, or through a co-financed public project."""
        for k in self.products:
            if self.model.readiness[k] >= MARKET_READINESS:
                continue
            if self.model.rng.random() < self.development_rate:
                self.model.readiness[k] += 1
            elif self.model.rng.random() < self.model.settings.financiers.public_fund.grant_application_rate:
                if self.model.public_fund.fund_project(self):
                    self.model.readiness[k] += 1
            if self.model.readiness[k] >= MARKET_READINESS and self.reached_market_month is None:
                self.reached_market_month = self.model.month

    def pay_costs(self) -> None:
        """Pay the month's burn to the outside world, or exit when the cash does not cover it."""
        if self.cash < self.burn:
            self.alive = False
            self.exit_month = self.model.month
            return
        self.model.ledger.record(self.model.month, "company_costs", self.party, 0, self.burn)
