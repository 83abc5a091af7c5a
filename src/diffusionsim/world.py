"""Building the world from a scenario: organisations, their network, citizens, financiers and companies.

Everything random here draws from the model's one generator, so a seed fixes the world as well as the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .agents import CareOrganisation, Citizen, Company, Investor, Payer, PublicFund
from .agents.citizen import SES_GROUPS
from .agents.company import MARKET_READINESS
from .arrays import mean_by_sector_and_region
from .policies.contracts import payer_horizon
from .policies.payment import volume_factor
from .scenario import PAYER_TYPES, SECTORS, Scenario, SectorParams

if TYPE_CHECKING:
    from .model import DiffusionModel


def defined_sectors(sc: Scenario) -> list[tuple[str, SectorParams]]:
    """The scenario's sectors in the canonical order of SECTORS (so file order never changes a run)."""
    return [(name, sc.sectors[name]) for name in SECTORS if name in sc.sectors]


def beta_draws(rng: np.random.Generator, mean: float, sd: float, n: int) -> np.ndarray:
    """n draws in [0, 1] with the given mean and sd (Beta); sd 0 gives the mean for everyone (homogeneous agents)."""
    if sd <= 0 or mean in (0.0, 1.0):
        return np.full(n, mean)
    var = min(sd**2, mean * (1 - mean) * 0.99)
    concentration = mean * (1 - mean) / var - 1
    return rng.beta(mean * concentration, (1 - mean) * concentration, n)


def split_by_share(total: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts that add up to `total`, proportional to `shares` (largest remainder)."""
    raw = total * shares / shares.sum()
    counts = np.floor(raw).astype(int)
    counts[np.argsort(counts - raw)[: total - counts.sum()]] += 1
    return counts


def build_organisations(model: DiffusionModel) -> None:
    """Organisation clusters per sector, spread over regions by population share."""
    sc, rng = model.settings, model.rng
    shares = np.array([r.population_share for r in sc.regions])
    sector, region, weight = [], [], []
    for name, params in defined_sectors(sc):
        n_agents = params.agents
        counts = split_by_share(n_agents, shares)
        for r, c in enumerate(counts):
            sector += [SECTORS.index(name)] * c
            region += [r] * c
            weight += [params.organisations / n_agents] * c
    n = len(sector)
    b = sc.behaviour
    capability = beta_draws(rng, b.capability_mean, b.capability_sd, n)
    params = [sc.sectors[SECTORS[s]] for s in sector]
    CareOrganisation.create_agents(
        model,
        n,
        index=list(range(n)),
        sector=[SECTORS[s] for s in sector],
        region=[sc.regions[r].name for r in region],
        weight=weight,
        capability=capability.tolist(),
        staff_shortage=[p.staff_shortage for p in params],
        horizon_months=[p.horizon_months for p in params],
        payment_regime="fee_for_service",  # set below from the bundled sectors and regions
    )
    model.org_sector = np.array(sector)
    model.sector_names = [SECTORS[s] for s in sector]
    model.sector_at_home = np.array([sc.sectors[s].at_home if s in sc.sectors else False for s in SECTORS])
    model.org_region = np.array(region)
    model.org_weight = np.array(weight)
    model.org_capability = capability
    model.org_party = np.array(model.organisations.get("party"))
    set_org_parameters(model)


def set_org_parameters(model: DiffusionModel) -> None:
    """What the scenario's parameters make of each organisation: staff shortage, horizon, its region's cooperation
    effects and its payment regime. Read again when a timeline changes them."""
    sc = model.settings
    params = [sc.sectors[s] for s in model.sector_names]
    model.org_shortage = np.array([p.staff_shortage for p in params])
    model.org_horizon = np.array([p.horizon_months for p in params])
    effects = [sc.cooperation[sc.regions[r].cooperation] for r in model.org_region]
    model.org_knowledge = np.array([e.knowledge_sharing for e in effects])
    model.org_shared_evidence = np.array([e.shared_evidence for e in effects])
    model.org_discount = np.array([e.procurement_discount for e in effects])
    model.org_coordination = np.array([e.coordination for e in effects])
    model.org_budget_share = np.array([e.budget_share for e in effects])
    model.org_volume_factor = volume_factor(sc, model.org_sector, model.org_region)
    model.sector_region_volume_factor = mean_by_sector_and_region(model, model.org_volume_factor, default=1.0)
    model.sector_horizon = np.array([sc.sectors[s].horizon_months if s in sc.sectors else 1 for s in SECTORS])
    for agent in model.organisations:
        agent.payment_regime = "bundled" if model.org_volume_factor[agent.index] < 1 else "fee_for_service"
        agent.staff_shortage = float(model.org_shortage[agent.index])
        agent.horizon_months = int(model.org_horizon[agent.index])


def build_network(model: DiffusionModel) -> sp.csr_matrix | None:
    """Peer ties between organisations of the same sector: dense within a region, sparse across regions.

    Returns None for complete mixing (every organisation sees the whole population, the Bass limit).
    """
    net = model.settings.network
    if net.mixing == "complete":
        return None
    rows, cols = [], []
    for s in np.unique(model.org_sector):
        idx = np.flatnonzero(model.org_sector == s)
        if len(idx) < 2:
            continue
        i, j = np.triu_indices(len(idx), k=1)
        same = model.org_region[idx[i]] == model.org_region[idx[j]]
        n_same = np.bincount(model.org_region[idx], minlength=len(model.settings.regions))[model.org_region[idx[i]]]
        p_within = net.within_region_degree / np.maximum(n_same - 1, 1)
        p_across = net.cross_region_degree / max(len(idx) - n_same.mean(), 1.0)
        chance = np.where(same, np.minimum(p_within, 1.0), min(p_across, 1.0))
        tie = model.rng.random(len(i)) < chance
        rows += [idx[i][tie], idx[j][tie]]
        cols += [idx[j][tie], idx[i][tie]]
    n = len(model.org_sector)
    if not rows:
        return sp.csr_matrix((n, n))
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))


def build_citizens(model: DiffusionModel) -> None:
    """Citizens with region, SES, digital skills, motivation, need per sector and a provider per sector."""
    sc, rng = model.settings, model.rng
    n = sc.scale.citizens
    shares = np.array([r.population_share for r in sc.regions])
    region = rng.choice(len(shares), size=n, p=shares / shares.sum())
    ses_p = np.array([sc.citizens.ses_shares.get(g, 0.0) for g in SES_GROUPS])
    ses = rng.choice(3, size=n, p=ses_p / ses_p.sum())
    digital = np.empty(n)
    for g, name in enumerate(SES_GROUPS):
        mask = ses == g
        digital[mask] = beta_draws(
            rng, sc.citizens.digital_skills_mean.get(name, 0.5), sc.citizens.trait_sd, int(mask.sum())
        )
    motivation = beta_draws(rng, sc.citizens.motivation_mean, sc.citizens.trait_sd, n)
    Citizen.create_agents(
        model,
        n,
        index=list(range(n)),
        region=[sc.regions[r].name for r in region],
        ses=[SES_GROUPS[g] for g in ses],
        digital_skills=digital.tolist(),
        motivation=motivation.tolist(),
    )
    model.cit_region, model.cit_ses, model.cit_digital, model.cit_motivation = region, ses, digital, motivation
    model.cit_party = np.array(model.citizens.get("party"))
    assign_providers(model)


def assign_providers(model: DiffusionModel) -> None:
    """Every citizen has an organisation of each sector in its region, and is its client with the sector's share.

    The provider is where the citizen would get that kind of care (the GP practice, the home nursing team nearby);
    the client flag says whether the citizen receives that care now, which sets the sector's volume and spending.
    """
    sc, rng = model.settings, model.rng
    n = len(model.cit_region)
    model.provider = np.full((n, len(SECTORS)), -1, dtype=np.int64)
    model.client = np.zeros((n, len(SECTORS)), dtype=bool)
    for name, params in defined_sectors(sc):
        s = SECTORS.index(name)
        model.client[:, s] = rng.random(n) < params.client_share
        for r in range(len(sc.regions)):
            who = np.flatnonzero(model.cit_region == r)
            orgs = np.flatnonzero((model.org_sector == s) & (model.org_region == r))
            if len(orgs) == 0:  # no organisation of this sector in the region: clients travel (assumption)
                orgs = np.flatnonzero(model.org_sector == s)
            w = model.org_weight[orgs]
            model.provider[who, s] = rng.choice(orgs, size=len(who), p=w / w.sum())
    cpa = sc.scale.citizens_per_agent
    per_org = np.zeros(len(model.org_sector))
    for s in range(len(SECTORS)):
        served = model.client[:, s] & (model.provider[:, s] >= 0)
        per_org += np.bincount(model.provider[served, s], minlength=len(per_org)) * cpa
    model.org_clients = per_org
    spending = np.array([sc.sectors[SECTORS[s]].spending_per_client_month for s in model.org_sector])
    model.org_base_spending = per_org * spending
    for agent in model.organisations:
        agent.clients = float(per_org[agent.index])


def build_financiers(model: DiffusionModel) -> None:
    """A payer of each type per region, one public fund, and the investors."""
    sc = model.settings
    payers = []
    for region in sc.regions:
        for kind in PAYER_TYPES:
            spec = getattr(sc.financiers, kind)
            horizon = payer_horizon(sc, spec.horizon_months)
            payers.append(Payer(model, len(payers), kind, region.name, horizon, spec.evidence_demand))
    model.payers = payers
    model.compensation_left = sc.policy.compensation.budget
    model.sector_payer = np.array([PAYER_TYPES.index(sc.sectors[s].payer) if s in sc.sectors else 0 for s in SECTORS])
    payer_index = {(p.region, p.kind): p.index for p in payers}
    org_payer_type = model.sector_payer[model.org_sector]
    model.org_payer = np.array(
        [
            payer_index[(sc.regions[r].name, PAYER_TYPES[t])]
            for r, t in zip(model.org_region, org_payer_type, strict=True)
        ]
    )
    model.payer_party = np.array([p.party for p in payers])
    model.region_payer = np.array(
        [[payer_index[(region.name, kind)] for kind in PAYER_TYPES] for region in sc.regions]
    )  # [region, payer type] -> payer index
    model.transition_fund_party = model.ledger.add_party("public_fund", "transition fund")
    model.compensation_paid_share = 1.0  # share of its claims the fund paid last month (below 1 as it runs out)
    model.region_fund_party = np.array(
        [model.ledger.add_party("regional_fund", f"innovation budget:{r.name}", r.name) for r in sc.regions]
    )
    model.regional_budget = np.zeros(len(sc.regions))
    model.payer_pilot_budget = np.zeros(len(payers))  # opened in month 1 (policies/pilot_money.py)
    fund = sc.financiers.public_fund
    model.public_pilot_budget = np.zeros(1)
    model.public_fund = PublicFund(model, fund.grant_budget_per_year, fund.project_cost)
    inv = sc.financiers.investors
    model.investors = [Investor(model, i, inv.appetite, inv.ticket, inv.runway_months) for i in range(inv.count)]
    set_financier_parameters(model)


def set_financier_parameters(model: DiffusionModel, before: Scenario | None = None) -> None:
    """The financiers' horizons, demands and budgets from the scenario. Read again when a timeline changes them:
    a changed compensation budget adds the difference to what is left (a top-up, or a cut)."""
    sc = model.settings
    for payer in model.payers:
        spec = getattr(sc.financiers, payer.kind)
        payer.set_terms(payer_horizon(sc, spec.horizon_months), spec.evidence_demand)
    model.payer_pilot_budget_per_year = np.array(
        [getattr(sc.financiers, p.kind).innovation_budget_per_year for p in model.payers]
    )
    fund = sc.financiers.public_fund
    model.public_fund.budget_per_year, model.public_fund.project_cost = fund.grant_budget_per_year, fund.project_cost
    inv = sc.financiers.investors
    for investor in model.investors:
        investor.appetite, investor.ticket, investor.runway = inv.appetite, inv.ticket, inv.runway_months
    if before is not None:
        model.compensation_left += sc.policy.compensation.budget - before.policy.compensation.budget


def build_companies(model: DiffusionModel) -> None:
    """Companies from the scenario, each owning the innovations that name it."""
    model.companies = [Company(model, spec) for spec in model.settings.companies]
    by_id = {c.company_id: c for c in model.companies}
    for k, owner in enumerate(model.catalogue.owner):
        by_id[owner].products.append(k)
    model.owner = [by_id[o] for o in model.catalogue.owner]
    for company in model.companies:
        if company.products and max(model.catalogue.readiness0[k] for k in company.products) >= MARKET_READINESS:
            company.reached_market_month = 0
