"""Financiers: payers of care (insurers, care offices, municipalities), the public fund and private investors.

Payers contract an innovation structurally, once a year, the likelier the more it pays off for themselves within
their own horizon, counting its savings in full only once the evidence meets their demand: insurers look 12 months
ahead, municipalities 48 (004_0f7fc21ead51925a.txt:1169-1171), and purchasers judge mainly on cost
(004_0f7fc21ead51925a.txt:1182-1184).
The public fund pays development grants and pilot money only with private co-financing
(004_0f7fc21ead51925a.txt:1942-1944): for a development project the public payment and the company's cash share
follow policies/cofinancing.py (private share, in kind, start-up and social shares, surcharge); for a pilot a pot
pays 1 - private_share and the provider the rest (policies/pilot_money.py).
Investors put private money into companies, more readily into technology than into social innovation
(004_0f7fc21ead51925a.txt:1231-1238).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from scipy.special import expit

from ..pockets import payer_savings_and_cost
from ..policies.cofinancing import cash_needed, private_share, public_payment
from ..policies.pilot_money import reopen_yearly_pots
from ..scenario import PAYER_TYPES

if TYPE_CHECKING:
    from ..model import DiffusionModel
    from .company import Company


class Payer(Agent):
    """The insurer, care office or municipality of one region."""

    def __init__(
        self, model: DiffusionModel, index: int, kind: str, region: str, horizon_months: int, evidence_demand: float
    ) -> None:
        super().__init__(model)
        self.index = index
        self.kind = kind
        self.region = region
        self.region_index = [r.name for r in model.settings.regions].index(region)
        self.horizon_months = horizon_months
        self.evidence_demand = evidence_demand
        self.party = model.ledger.add_party(kind, f"{kind}:{region}", region)

    def step(self) -> None:
        """Contract once a year (004_0f7fc21ead51925a.txt:1169-1171): each innovation in its domain that is on the
        market is funded for the coming year with a logit chance in its own net value over its horizon, relative to
        what funding costs it (:meth:`contract_chance`)."""
        m = self.model
        if not m.new_budget_year():
            return
        chance = self.contract_chance()
        m.contracted[self.index] = (m.rng.random(len(chance)) < chance) & m.on_market()

    def contract_chance(self) -> np.ndarray:
        """Per innovation: chance to contract it this year, expit(v / (payer_decision_noise · cost)), 0 outside its
        domain. Purchasers seek proof of cost control (004_0f7fc21ead51925a.txt:1182-1184): the savings they count are
        discounted by min(1, evidence / evidence_demand), so they count in full once the evidence meets their demand
        (assumption: the form of the discount). A payer can fund only care that a tariff or a contract product
        describes: an innovation whose billing is "none" is not contracted (004_0f7fc21ead51925a.txt:1020-1025)."""
        m = self.model
        saving, cost = self.savings_and_cost
        proof = np.minimum(m.evidence / max(self.evidence_demand, 1e-9), 1.0)
        noise = m.settings.behaviour.payer_decision_noise
        payable = m.catalogue.by_tariff | m.catalogue.by_contract  # a 'prestatie' describes it (004:1020-1025)
        return self.in_domain * payable * expit((proof * saving - cost) / (noise * np.maximum(cost, 1.0)))

    def set_terms(self, horizon_months: int, evidence_demand: float) -> None:
        """New horizon and evidence demand (a timeline may change them): what it counts is worked out again."""
        self.horizon_months, self.evidence_demand = horizon_months, evidence_demand
        self.__dict__.pop("savings_and_cost", None)

    @cached_property
    def savings_and_cost(self) -> tuple[np.ndarray, np.ndarray]:
        """Per innovation and user, over its horizon: the savings it counts and what funding costs it (fixed)."""
        return payer_savings_and_cost(self.model, PAYER_TYPES.index(self.kind), self.horizon_months, self.region_index)

    @cached_property
    def in_domain(self) -> np.ndarray:
        """Per innovation: whether its target sector is paid by this payer's type."""
        return self.model.target_payer == PAYER_TYPES.index(self.kind)


class PublicFund(Agent):
    """Public innovation money: development grants to companies and project money for pilots, from a yearly budget."""

    def __init__(self, model: DiffusionModel, budget_per_year: float, project_cost: float) -> None:
        super().__init__(model)
        self.budget_per_year = budget_per_year
        self.project_cost = project_cost
        self.budget_left = budget_per_year
        self.party = model.ledger.add_party("public_fund", "public fund")

    def step(self) -> None:
        """A new budget year each January (and in the first month); unspent money does not carry over (assumption)."""
        if self.model.new_budget_year():
            self.budget_left = self.budget_per_year
        reopen_yearly_pots(self.model)

    def fund_project(self, company: Company) -> bool:
        """Grant a development project if the company can pay its private cash share and the budget allows.

        The part of its share paid in kind is staff time already in its burn, so it is not spent again.
        """
        rules = self.model.settings.policy.cofinancing
        grant = public_payment(rules, company, self.project_cost)
        own_cash = cash_needed(rules, company, self.project_cost)
        if grant > self.budget_left or company.cash < own_cash + company.burn:
            return False
        in_kind = private_share(rules, company) * self.project_cost * rules.in_kind_share
        month = self.model.month
        self.model.ledger.record(month, "development_grant", self.party, company.party, grant)
        self.model.ledger.record(month, "development", company.party, 0, self.project_cost - in_kind)
        self.budget_left -= grant
        return True


class Investor(Agent):
    """A private investor that backs companies short of cash, with an appetite that depends on the kind."""

    def __init__(self, model: DiffusionModel, index: int, appetite: dict[str, float], ticket: float, runway: float):
        super().__init__(model)
        self.appetite = appetite
        self.ticket = ticket
        self.runway = runway
        self.party = model.ledger.add_party("investor", f"investor#{index}")

    def step(self) -> None:
        for company in self.model.companies:
            short = company.alive and company.cash < self.runway * company.burn
            if short and self.model.rng.random() < self.appetite[company.kind]:
                self.model.ledger.record(self.model.month, "investment", self.party, company.party, self.ticket)
