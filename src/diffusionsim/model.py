"""The Mesa model: builds the world from a scenario, orders a month, collects the indicators.

One month, in this order (docs/ODD.md, "Process overview and scheduling"):

0. the scenario's timeline: a change dated this month takes effect (apply_settings);
1. financiers: once a year (each January, and in the first month) payers draw which innovations they fund
   structurally and the public fund and the payers open a new budget year for grants and pilots; investors back
   companies short of cash;
2. companies develop their products (on their own or through co-financed public projects) and pay their costs, or
   exit when cash runs out;
3. organisations: awareness spreads (Bass process on the network), pilots end (embedded or abandoned), pilots start,
   implementations scale, providers review what they run and may stop it;
4. citizens stop what their providers no longer offer and accept what they offer;
5. the month's money and staff time are booked in the ledger, providers pay their operating costs and learn from what
   landed on them; evidence grows with use;
6. the DataCollector records the indicators.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from mesa import DataCollector, Model
from mesa.agentset import AgentSet

from . import calendar, metrics
from .accounts import open_accounts, set_account_parameters
from .adoption import step_adoption
from .agents import CareOrganisation, Citizen
from .agents.citizen import accept_offers, acceptance_chance
from .agents.company import MARKET_READINESS
from .arrays import one_hot
from .at_home import at_home_totals, count_contacts
from .bookkeeping import book_month
from .diffusion import spread_awareness
from .innovation import Catalogue
from .ledger import Ledger
from .scenario import Scenario, load_scenario, timeline_states
from .stages import Stage, check_transitions, offers
from .world import (
    build_citizens,
    build_companies,
    build_financiers,
    build_network,
    build_organisations,
    set_financier_parameters,
    set_org_parameters,
)

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"


class DiffusionModel(Model):
    """Care innovations spreading through Dutch care under a policy scenario.

    Args:
        scenario: a validated Scenario, or a path to a scenario file (default: the bundled demo).
        rng: seed or generator; defaults to the scenario's ``simulation.seed``. All randomness draws from the one
            generator ``self.rng``, so a seed fixes the whole run.
        check_stages: verify every stage transition each month (cheap; the tests rely on it).
        collect: what the DataCollector records each month: ``"all"`` indicators, or ``"adoption"`` (the month and
            each innovation's organisational adoption), enough for a run's outcome row and a sixth faster on the demo
            scale; sweeps that keep no monthly series use it.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        *,
        rng=None,
        check_stages: bool = True,
        collect: metrics.Collect = "all",
    ) -> None:
        if scenario is None or isinstance(scenario, str | Path):
            scenario = load_scenario(scenario or DEFAULT_SCENARIO)
        super().__init__(rng=scenario.simulation.seed if rng is None else rng)
        self.settings = scenario
        self.start = scenario.simulation.start
        self.months = scenario.simulation.months
        self.month = 0
        self.changes = dict(timeline_states(scenario))  # model month -> the scenario from then on
        self.check_stages = check_stages
        self.catalogue = Catalogue.from_scenario(scenario)
        self.ledger = Ledger(self.months)
        self.counters: Counter[str] = Counter(
            pilots_started=0.0,
            pilots_embedded=0.0,
            pilots_abandoned=0.0,
            pilots_without_money=0.0,
            implementations_stopped=0.0,
            refused_for_reserve=0.0,
            reconsidered=0.0,
            implemented_without_pilot=0.0,
        )
        self.milestones: dict[str, float] = {}  # metrics.MILESTONES read off at their dates
        self._build()
        care = self.org_base_spending
        self.month_totals = {"care_spending": float(care.sum()), "staff_hours_saved": 0.0}
        self.month_totals |= at_home_totals(self, care, np.zeros(self.stage.shape))
        self.datacollector = DataCollector(model_reporters=metrics.reporters(self, collect))
        self.datacollector.collect(self)

    # ------------------------------------------------------------------------------------------ world
    def _build(self) -> None:
        build_organisations(self)
        self.organisation_list = sorted(self.organisations, key=lambda a: a.index)
        self.adjacency = build_network(self)
        build_citizens(self)
        build_financiers(self)
        build_companies(self)
        self.ledger.freeze()
        self.base_care = np.zeros(len(self.ledger.names))  # cumulative care flows without any innovation, per party
        n_org, n_inn = len(self.org_sector), len(self.catalogue)
        cat = self.catalogue
        self.target_payer = self.sector_payer[cat.target]  # payer type of each innovation's target sector
        self.stage = np.full((n_org, n_inn), Stage.UNAWARE, dtype=np.int8)
        self.stage_month = np.zeros((n_org, n_inn), dtype=np.int32)
        self.readiness = cat.readiness0.copy()
        self.experience = np.zeros(n_inn)  # real organisation-months of lasting use (pilots and regular), nationally
        self.regional_experience = np.zeros((len(self.settings.regions), n_inn))  # ... of pilots and use, per region
        self.evidence = cat.evidence0.copy()
        self.contracted = np.zeros((len(self.payers), n_inn), dtype=bool)
        self.first_loss_month = np.full(n_org, -1)  # month a provider first lost revenue to substitution
        n_cit = len(self.cit_region)
        # Eligible: a client of the sector named by the innovation's eligible_among (the target sector, or for care that
        # moves between sectors such as hospital care at home, the substituted one), with the innovation's share.
        self.eligible = self.client[:, cat.eligible_base] & (self.rng.random((n_cit, n_inn)) < cat.eligible_share)
        # Real eligible people per organisation of the target sector: what an organisation can expect to reach.
        self.org_eligible = np.zeros((n_org, n_inn))
        for k in range(n_inn):
            who = self.eligible[:, k]
            self.org_eligible[:, k] = np.bincount(self.provider[who, cat.target[k]], minlength=n_org)
        self.org_eligible *= self.settings.scale.citizens_per_agent
        # An organisation counts for an innovation (can hear of it, adopt it, and is in its adoption share) only if it
        # is of the target sector and has eligible clients: no phantom adopters without anyone to serve. The Bass limit
        # (no frictions) studies the organisations' diffusion alone, without citizens: there every one of them counts.
        self.relevant = self.org_sector[:, None] == cat.target[None, :]
        if self.settings.behaviour.frictions:
            self.relevant &= self.org_eligible > 0
        self.relevant_w = self.org_weight[:, None] * self.relevant  # [org, innovation] real organisations counted
        self.relevant_weight = np.maximum(self.relevant_w.sum(axis=0), 1e-12)
        self.region_members = one_hot(self.org_region, len(self.settings.regions))  # [region, org]
        self.reach_draw = self.rng.random((n_cit, n_inn))
        # Fixed for the run: each citizen's provider in each innovation's target sector (every citizen has one), whether
        # it is among the first reached before scaling, and its monthly chance to accept an offer.
        self.target_provider = self.provider[:, cat.target]
        self.set_citizen_parameters()
        self.eligible_count = self.eligible.sum(axis=0)  # per innovation
        self.eligible_pairs = np.nonzero(self.eligible)  # (citizen, innovation), fixed for the run
        self.eligible_by_ses = np.bincount(self.cit_ses, weights=self.eligible.sum(axis=1), minlength=3)
        self.users = np.zeros((n_cit, n_inn), dtype=bool)
        self.user_since = np.zeros((n_cit, n_inn), dtype=np.int32)
        self.ended = np.zeros((n_org, n_inn), dtype=bool)  # pilots or implementations ended this month (citizen.py)
        self.contracted_months = np.zeros(n_inn)  # Σ over months of the share of target organisations funded
        open_accounts(self)
        count_contacts(self)
        self.seed_installed_base()

    def seed_installed_base(self) -> None:
        """Organisations that already know an innovation (``initial_awareness``) or run it (``initial_adoption``) at
        the start, drawn at random among those that could use it: a history begins with what was there. Draws only
        where a share is given."""
        cat = self.catalogue
        for stage, share in ((Stage.AWARE, cat.initial_awareness), (Stage.IMPLEMENTED, cat.initial_adoption)):
            for k in np.flatnonzero(share > 0):
                self.stage[self.relevant[:, k] & (self.rng.random(len(self.stage)) < share[k]), k] = stage

    def set_citizen_parameters(self) -> None:
        """Who is among the first reached before scaling, and each citizen's monthly chance to accept an offer."""
        self.in_first_reach = self.reach_draw < self.settings.behaviour.implemented_reach
        self.acceptance = acceptance_chance(self)

    def apply_settings(self, scenario: Scenario) -> None:
        """A timeline change: from this month on the model runs under `scenario` (same world, new parameters).

        Every parameter a timeline may change (scenario.TIMELINE_KEYS) is read again here; state (stages, users,
        accounts, budgets left, evidence) carries over. A readiness raised by the change brings the product that
        far (a product that matured or became reimbursable at that date); readiness never falls."""
        before, self.settings = self.settings, scenario
        self.catalogue = Catalogue.from_scenario(scenario)
        self.readiness = np.maximum(self.readiness, self.catalogue.readiness0)
        for company in self.companies:
            if company.reached_market_month is None and company.on_market:
                company.reached_market_month = self.month
        set_org_parameters(self)
        set_financier_parameters(self, before)
        set_account_parameters(self)
        self.set_citizen_parameters()
        count_contacts(self)

    @property
    def date(self) -> str:
        """The calendar month of the current model month ("YYYY-MM")."""
        return calendar.date_of(self.start, self.month)

    def new_budget_year(self) -> bool:
        """Budgets and contracts run by calendar year: they open in January, and in the first month of a run."""
        return self.month == 1 or calendar.calendar_month(self.start, self.month) == 1

    @property
    def organisations(self) -> AgentSet:
        """The care organisations (a Mesa AgentSet)."""
        return self.agents_by_type[CareOrganisation]

    @property
    def citizens(self) -> AgentSet:
        """The citizens (a Mesa AgentSet)."""
        return self.agents_by_type[Citizen]

    # ------------------------------------------------------------------------------------------ state helpers
    def on_market(self) -> np.ndarray:
        """Per innovation: ready for the market and its owner still in business."""
        alive = np.array([c.alive for c in self.owner])
        return (self.readiness >= MARKET_READINESS) & alive

    def owner_parties(self) -> np.ndarray:
        """Per innovation, the ledger party that is paid for it: the owner, or the outside world once it exited."""
        return np.array([c.party if c.alive else 0 for c in self.owner], dtype=np.int64)

    def move(self, mask: np.ndarray, to: Stage) -> None:
        """Move the cells in `mask` to stage `to`."""
        org, k = np.nonzero(mask)
        self.move_cells(org, k, to)

    def move_cells(self, org: np.ndarray, k: np.ndarray, to: Stage) -> None:
        if len(org) == 0:
            return
        if self.check_stages:
            check_transitions(self.stage[org, k], np.full(len(org), to))
        self.stage[org, k] = to
        self.stage_month[org, k] = self.month
        if to in (Stage.ABANDONED, Stage.STOPPED):
            self.ended[org, k] = True

    def contracted_share(self) -> np.ndarray:
        """Per innovation: the share of the organisations that could use it whose payer funds it structurally now."""
        return (self.relevant_w * self.contracted[self.org_payer]).sum(axis=0) / self.relevant_weight

    def gain_experience(self) -> None:
        """Evidence comes from use: each month, organisations that pilot or run an innovation add their
        organisation-months to its national experience and to their region's (what others in the region can build on,
        002_ac36531e09462072.txt:65-66). An abandoned pilot's months are taken back from the national experience
        (adoption.decide_embedding): only use that lasts counts as evidence."""
        running = self.org_weight[:, None] * offers(self.stage)
        self.experience += running.sum(axis=0)
        self.regional_experience += self.region_members @ running

    def update_evidence(self) -> None:
        """Evidence closes the gap to 1 as use accumulates: e = 1 - (1 - e0)·exp(-use / scale), where use is in years
        of lasting use per organisation of the target sector that could use it (assumption)."""
        use_years = self.experience / (12.0 * self.relevant_weight)
        scale = self.settings.behaviour.evidence_scale
        self.evidence = 1.0 - (1.0 - self.catalogue.evidence0) * np.exp(-use_years / scale)

    # ------------------------------------------------------------------------------------------ the month
    def step(self) -> None:
        self.month += 1
        if self.month in self.changes:
            self.apply_settings(self.changes[self.month])
        for payer in self.payers:
            payer.step()
        self.public_fund.step()
        for investor in self.investors:
            investor.step()
        for company in self.rng.permutation(np.array(self.companies, dtype=object)):
            company.step()
        spread_awareness(self)
        step_adoption(self)
        accept_offers(self)
        book_month(self)
        self.contracted_months += self.contracted_share()
        if self.settings.behaviour.frictions:
            self.gain_experience()
            self.update_evidence()
        self.datacollector.collect(self)
        metrics.record_milestones(self)
        self.running = self.month < self.months

    def run(self, months: int | None = None, progress=None) -> DiffusionModel:
        """Run `months` months (default: the scenario's), calling `progress(month)` after each."""
        for _ in range(self.months if months is None else months):
            self.step()
            if progress is not None:
                progress(self.month)
        return self
