"""Scenario schema, TOML loading, `extends`, `--set` overrides and readable validation errors.

A scenario file is data: it is parsed with :mod:`tomllib` and validated by pydantic; nothing in it is executed.
Every behavioural parameter of the model lives here with a default, a unit and a source (a line in
``../shared/seeds/`` or the word "assumption"), so that no number is hidden in the model code.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from . import calendar

SECTORS = (
    "hospital",
    "gp",
    "home_nursing",
    "elderly_care",
    "disability_care",
    "mental_health",
    "municipal_social_care",
)
Sector = Literal[
    "hospital", "gp", "home_nursing", "elderly_care", "disability_care", "mental_health", "municipal_social_care"
]
PayerType = Literal["insurer", "care_office", "municipality"]
PAYER_TYPES = ("insurer", "care_office", "municipality")
Kind = Literal["technological", "social", "process"]
KINDS = ("technological", "social", "process")
Scope = Literal["single", "multi"]
Intensity = Literal["low", "middle", "high"]
INTENSITIES = ("low", "middle", "high")
CompanyType = Literal["startup", "scaleup", "established"]
PaymentRegime = Literal["fee_for_service", "bundled"]


def _calendar_month(value: str) -> str:
    """A "YYYY-MM" text, or the calendar's rule as the error (shown as ``allowed: ...``)."""
    try:
        calendar.parse(value)
    except ValueError as exc:
        raise PydanticCustomError("rule", str(exc)) from None
    return value


YearMonth = Annotated[str, AfterValidator(_calendar_month)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]


def _field(default: Any, unit: str, source: str, **kw: Any) -> Any:
    """A schema field that carries its unit and source, shown by `diffusionsim validate --explain`."""
    return Field(default, json_schema_extra={"unit": unit, "source": source}, **kw)


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, so a typo never silently falls back to a default."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # every number finite


class Meta(Strict):
    name: str = "unnamed"
    description: str = ""
    observations: str | None = _field(
        None,
        "path of an observations file (data/observations/), relative to the scenario file that names it",
        "the record a run is drawn beside (diffusionsim.observations)",
    )


# Upper bounds the model can hold in memory on an ordinary machine (measured with benchmarks/bench_run.py: a citizen
# agent takes about 1.3 kB with its per-innovation state; organisation agents of one sector are paired when the network
# is built, 24 bytes per pair).
MAX_CITIZEN_AGENTS = 2_000_000
MAX_SECTOR_AGENTS = 5_000
MAX_ORGANISATION_AGENTS = 20_000
MAX_INVESTORS = 1_000
MAX_SEED = 2**64 - 1  # seeds are stored as unsigned 64-bit integers in sweep results


class Simulation(Strict):
    start: YearMonth = _field(
        "2027-01", "year-month", "assumption: present-day scenarios start at the coming new year", validate_default=True
    )
    months: int = _field(120, "months", "assumption: monthly steps, 10-year horizon (DESIGN.md)", ge=1, le=1200)
    seed: int = _field(12345, "-", "assumption: any fixed seed", ge=0, le=MAX_SEED)

    @property
    def end(self) -> str:
        """The last calendar month of the run."""
        return calendar.end_date(self.start, self.months)


class Scale(Strict):
    citizens: int = _field(20_000, "agents", "assumption: enough agents for stable shares", ge=1)
    citizens_per_agent: float = _field(
        895.0, "people per agent", "assumption: 17.9 million inhabitants / 20,000 agents", gt=0
    )
    fte_hours_per_month: float = _field(130.0, "hours per FTE-month", "assumption: 36 h/week less leave", gt=0)
    shortage_2034_fte: float = _field(266_000.0, "care workers short in 2034", "000_991d8b1a8065d35d.txt:7", gt=0)

    @model_validator(mode="after")
    def _fits_in_memory(self) -> Scale:
        if self.citizens > MAX_CITIZEN_AGENTS:
            raise _ref_error(
                "scale.citizens",
                self.citizens,
                f"at most {MAX_CITIZEN_AGENTS:,} citizen agents (about 1.3 kB each: 2.6 GB); "
                "represent more people with scale.citizens_per_agent",
            )
        return self


class SectorParams(Strict):
    organisations: int = _field(100, "real organisations", "assumption", ge=1, le=10_000_000)
    organisations_per_agent: float = _field(1.0, "real organisations per agent", "assumption", gt=0)
    payer: PayerType = _field("insurer", "-", "004_0f7fc21ead51925a.txt:378-393: Zvw/Wlz/Wmo")
    client_share: Share = _field(0.1, "share of population in care per month", "assumption")
    spending_per_client_month: NonNegative = _field(300.0, "EUR per client-month", "assumption")
    at_home: bool = _field(False, "-", "assumption: care delivered in the own living environment")
    horizon_months: int = _field(36, "months", "assumption: provider planning horizon", ge=1, le=240)
    staff_shortage: Share = _field(0.08, "vacancy share", "assumption; shortage context 000_991d8b1a8065d35d.txt:7")
    operating_margin: Annotated[float, Field(ge=-0.5, le=0.5)] = _field(
        0.01, "share of base care revenue left after operating costs", "assumption: thin margins in Dutch care"
    )
    reserve_months: NonNegative = _field(1.5, "mean reserve at start, in months of base care revenue", "assumption")

    @property
    def agents(self) -> int:
        """Organisation agents of this sector: the organisations over how many one agent stands for, at least one."""
        return max(1, round(self.organisations / self.organisations_per_agent))


class Region(Strict):
    name: str
    population_share: float = Field(
        gt=0.0, json_schema_extra={"unit": "relative share (normalised)", "source": "assumption"}
    )
    cooperation: Intensity = _field("low", "-", "assumption; levels 002_ac36531e09462072.txt:250-347")


class CooperationEffects(Strict):
    """What one cooperation intensity of 002 table 1 does to the model."""

    knowledge_sharing: NonNegative = _field(
        1.0, "multiplier on the word of mouth a region's organisations receive", "assumption"
    )
    shared_evidence: bool = _field(False, "-", "assumption; 002_ac36531e09462072.txt:65-66: one test serves others")
    budget_share: Share = _field(
        0.0,
        "share of providers' care revenue paid into a regional innovation budget",
        "assumption; 002_ac36531e09462072.txt:342-345: x% of revenue, x not given",
    )
    procurement_discount: Share = _field(
        0.0, "share off implementation cost", "assumption; joint procurement 002_ac36531e09462072.txt:330-331"
    )
    coordination: Share = _field(0.5, "chance a multi-party innovation finds its partners", "assumption")


def _default_cooperation() -> dict[str, CooperationEffects]:
    return {
        "low": CooperationEffects(),
        "middle": CooperationEffects(knowledge_sharing=1.5, coordination=0.65),
        "high": CooperationEffects(
            knowledge_sharing=2.0, shared_evidence=True, procurement_discount=0.15, coordination=0.8
        ),
    }


class Network(Strict):
    mixing: Literal["network", "complete"] = _field("network", "-", "assumption")
    within_region_degree: NonNegative = _field(6.0, "mean ties within region", "assumption")
    cross_region_degree: NonNegative = _field(
        1.0, "mean ties across regions", "assumption; 000_991d8b1a8065d35d.txt:24,36: cross-regional learning"
    )
    pilot_influence: Share = _field(0.5, "weight of a piloting neighbour vs an adopter", "assumption")


class Diffusion(Strict):
    p: NonNegative = _field(0.03, "per year", "assumption: Bass external influence, Sultan et al. 1990 mean")
    q: NonNegative = _field(0.38, "per year", "assumption: Bass internal influence, Sultan et al. 1990 mean")


class Behaviour(Strict):
    frictions: bool = _field(True, "-", "assumption: false = the Bass limit, aware organisations adopt at once")
    pilot_rate: Share = _field(0.05, "per month", "assumption")
    pilot_months: int = _field(
        12,
        "months of project money per pilot",
        "assumption; terms are limited (004_0f7fc21ead51925a.txt:998-1001)",
        ge=1,
        le=120,
    )
    unfunded_pilot_factor: Share = _field(0.3, "multiplier without project money", "assumption")
    scale_rate: Share = _field(0.03, "per month", "assumption")
    decision_noise: Positive = _field(0.5, "logit scale, in units of the implementation cost", "assumption")
    payer_decision_noise: Positive = _field(
        0.25, "logit scale of a payer's contracting choice, in units of what funding costs it", "assumption"
    )
    expected_uptake: Share = _field(0.4, "share of eligible clients an organisation expects to reach", "assumption")
    implemented_reach: Share = _field(0.3, "share of eligible clients offered before scaling", "assumption")
    wage_per_hour: NonNegative = _field(45.0, "EUR per staff hour", "assumption")
    shortage_premium: NonNegative = _field(3.0, "extra value of an hour per unit vacancy share", "assumption")
    shortage_slack_effect: NonNegative = _field(
        3.0,
        "loss of innovation slack per unit vacancy share",
        "assumption; 004_0f7fc21ead51925a.txt:720-724,786-787: shortage removes slack, size not given",
    )
    capability_mean: Share = _field(0.6, "0-1", "assumption")
    capability_sd: Annotated[float, Field(ge=0.0, le=0.5)] = _field(0.15, "0-1", "assumption; 0 = homogeneous")
    evidence_scale: Positive = _field(
        0.5,
        "years of use per organisation of the target sector that close 63% of the evidence gap",
        "assumption: evidence grows with successful use, for the sensitivity sweep",
    )
    learning_rate: Share = _field(
        0.1, "weight of one month of its own realised flows in what a provider expects", "assumption"
    )
    review_rate: Share = _field(
        1.0 / 12.0, "per month: chance an adopting provider reviews an innovation that costs it money", "assumption"
    )
    reserve_sd: Annotated[float, Field(ge=0.0, le=3.0)] = _field(
        0.7, "coefficient of variation of providers' starting reserves (gamma)", "assumption"
    )
    reserve_floor_months: NonNegative = _field(
        0.5,
        "months of base care revenue a provider keeps as a buffer: it spends nothing on innovation below it",
        "assumption",
    )


class Citizens(Strict):
    ses_shares: dict[Literal["low", "middle", "high"], Share] = _field(
        {"low": 0.3, "middle": 0.4, "high": 0.3}, "shares", "assumption; low 0.3: 004_0f7fc21ead51925a.txt:166-168"
    )
    digital_skills_mean: dict[Literal["low", "middle", "high"], Share] = _field(
        {"low": 0.45, "middle": 0.65, "high": 0.8},
        "0-1",
        "assumption; 003_e0c410fab5331684.txt:40: use depends on skills",
    )
    motivation_mean: Share = _field(0.6, "0-1", "assumption; 003_e0c410fab5331684.txt:40: use depends on motivation")
    acceptance_rate: Share = _field(0.15, "per month when offered", "assumption")
    trait_sd: Annotated[float, Field(ge=0.0, le=0.5)] = _field(
        0.15, "sd of digital skills and motivation around their means", "assumption"
    )

    @model_validator(mode="after")
    def _shares_add_up(self) -> Citizens:
        if sum(self.ses_shares.values()) <= 0:
            raise _ref_error(
                "citizens.ses_shares", dict(self.ses_shares), "shares of low, middle, high that add to > 0"
            )
        return self


class Payer(Strict):
    horizon_months: int = _field(
        12, "months", "004_0f7fc21ead51925a.txt:1169-1171: Zvw 12, municipal 48; care office assumed", ge=1, le=240
    )
    evidence_demand: Share = _field(0.6, "evidence level needed to contract", "assumption")
    innovation_budget_per_year: NonNegative = _field(
        0.0, "EUR per year per regional payer for pilots in its domain", "assumption; insurers' innovation funds"
    )


class PublicFund(Strict):
    grant_budget_per_year: NonNegative = _field(40e6, "EUR per year for development grants", "assumption")
    pilot_budget_per_year: NonNegative = _field(
        5e6, "EUR per year of project money for pilots", "assumption; pilots stop when it ends (004:998-1001)"
    )
    project_cost: NonNegative = _field(500_000.0, "EUR per development project", "assumption")
    grant_application_rate: Share = _field(0.08, "per month per developing company", "assumption")


class Investors(Strict):
    count: int = _field(3, "agents", "assumption", ge=0, le=MAX_INVESTORS)
    appetite: dict[Kind, Share] = _field(
        {"technological": 0.06, "process": 0.03, "social": 0.005},
        "chance per month to invest in a company short of cash",
        "assumption; 004_0f7fc21ead51925a.txt:1234-1238,1925-1927: firms invest only for a return",
    )
    ticket: NonNegative = _field(1.5e6, "EUR per investment", "assumption")
    runway_months: NonNegative = _field(12.0, "months of burn below which a company seeks money", "assumption")


class Financiers(Strict):
    insurer: Payer = Payer(horizon_months=12, evidence_demand=0.6)
    care_office: Payer = Payer(horizon_months=12, evidence_demand=0.5)
    municipality: Payer = Payer(horizon_months=48, evidence_demand=0.4)
    public_fund: PublicFund = PublicFund()
    investors: Investors = Investors()


class Payment(Strict):
    """Fee-for-service (revenue follows volume) or bundled payment (a fixed budget per client, savings shared)."""

    regime: PaymentRegime = _field(
        "fee_for_service", "-", "004_0f7fc21ead51925a.txt:1018-1025 (ffs), 1880-1903 (bundled)"
    )
    bundled_sectors: list[Sector] = _field([], "sectors (empty = all)", "assumption: which pathways are bundled")
    bundled_regions: list[str] = _field([], "region names (empty = all)", "assumption: a regional experiment")
    provider_savings_share: Share = _field(
        0.5, "share of a bundle's net savings kept by its providers (1 = revenue ignores volume)", "assumption"
    )


class Cofinancing(Strict):
    """The private share that public grants to companies and pilots require, and the options against it."""

    private_share: Share = _field(0.4, "share of a public grant paid privately", "004_0f7fc21ead51925a.txt:1942-1944")
    surcharge: NonNegative = _field(
        0.0, "public top-up per euro of private cash", "assumption; 004_0f7fc21ead51925a.txt:1942-1944: 30%, no base"
    )
    in_kind_share: Share = _field(
        0.0, "share of the private part that may be paid in kind (staff time)", "assumption: seeds give no in-kind rule"
    )
    startup_share: Share | None = _field(
        None, "private share for start-ups (none = private_share)", "assumption: the seeds name no start-up rule"
    )
    social_share: Share | None = _field(
        None,
        "private share for social innovations (none = private_share)",
        "assumption; 004_0f7fc21ead51925a.txt:1922-1931",
    )


class Compensation(Strict):
    """A transition fund that pays providers part of the revenue they lose to substitution."""

    fraction: Share = _field(
        0.0, "share of revenue lost to substitution", "assumption; 004_0f7fc21ead51925a.txt:2070-2072"
    )
    months: int = _field(24, "months of compensation per provider from its first loss", "assumption", ge=0, le=240)
    budget: NonNegative = _field(
        0.0, "EUR, for the whole run; it can run out", "assumption; 004_0f7fc21ead51925a.txt:2225-2227"
    )


class Contracts(Strict):
    """Contract horizon and shared savings across the payers' domains."""

    payer_horizon_months: int = _field(
        0, "months; 0 = each payer's own horizon", "assumption; 004_0f7fc21ead51925a.txt:1172-1174", ge=0, le=240
    )
    shared_savings: bool = _field(
        False, "-", "004_0f7fc21ead51925a.txt:1871-1874: today each payer saves in its own domain"
    )
    shared_savings_share: Share = _field(
        0.5, "share of savings in another payer's domain passed to the payer who funds the innovation", "assumption"
    )


class Policy(Strict):
    payment: Payment = Payment()
    cofinancing: Cofinancing = Cofinancing()
    compensation: Compensation = Compensation()
    contracts: Contracts = Contracts()

    @model_validator(mode="after")
    def _check_compensation(self) -> Policy:
        if self.compensation.fraction > 0 and self.compensation.budget <= 0:
            raise _ref_error(
                "policy.compensation.budget",
                self.compensation.budget,
                "a budget > 0 when policy.compensation.fraction > 0",
            )
        if self.compensation.fraction > 0 and self.compensation.months == 0:
            raise _ref_error("policy.compensation.months", 0, "at least 1 month when policy.compensation.fraction > 0")
        return self


class Company(Strict):
    id: str
    type: CompanyType = _field("startup", "-", "assumption: a company not described otherwise is a start-up")
    cash: NonNegative = _field(1e6, "EUR", "assumption")
    burn_per_month: NonNegative = _field(60_000.0, "EUR per month", "assumption")
    development_rate: Share = _field(0.02, "chance per month of one readiness level on own means", "assumption")


class Innovation(Strict):
    id: str
    name: str = ""
    kind: Kind
    scope: Scope = _field("single", "-", "assumption: one organisation can adopt it alone")
    target_sector: Sector
    owner: str
    readiness: int = _field(9, "technology readiness level (9 = on the market)", "assumption", ge=1, le=9)
    substitutes_sector: Sector | None = _field(None, "-", "assumption; 004_0f7fc21ead51925a.txt:1009-1013,1018-1025")
    substituted_spending_per_user_month: NonNegative = _field(0.0, "EUR per user-month", "assumption")
    added_spending_per_user_month: NonNegative = _field(0.0, "EUR per user-month to the target sector", "assumption")
    billing: Literal["tariff", "contract", "none"] = _field(
        "tariff",
        "how the added care is paid: a national tariff any provider bills; only where its payer has contracted it "
        "(a care bundle or free-priced product); or not at all (no 'prestatie' describes it)",
        "004_0f7fc21ead51925a.txt:1020-1025 (payment follows 'prestaties'), 1895-1903 (bundles by contract)",
    )
    at_home_share: Share = _field(
        0.0,
        "share of a user's care in the substituted sector that the innovation delivers in the user's own home "
        "(care moved home)",
        "assumption; Mission II counts care in the own living environment (001_9090d7b3c6790adc.txt:705-713)",
    )
    savings_delay_months: int = _field(
        0,
        "months of use until substitution savings reach their full level (they build up linearly)",
        "assumption",
        ge=0,
        le=1200,
    )
    eligible_among: Literal["target", "substituted"] = _field(
        "target", "-", "assumption: whose clients can use it (substituted: care that moves, e.g. hospital care at home)"
    )
    eligible_share: Share = _field(0.2, "share of the clients named by eligible_among", "assumption")
    pilot_cost: NonNegative = _field(50_000.0, "EUR per real organisation per pilot year", "assumption")
    implementation_cost: NonNegative = _field(100_000.0, "EUR per real organisation", "assumption")
    running_cost_per_user_month: NonNegative = _field(20.0, "EUR per user-month", "assumption")
    citizen_price_per_month: NonNegative = _field(0.0, "EUR per user-month paid by the citizen", "assumption")
    staff_hours_saved_per_user_month: NonNegative = _field(0.5, "hours per user-month", "assumption")
    needs_digital_skills: bool = _field(
        False, "-", "assumption; 004_0f7fc21ead51925a.txt:1185-1189: digital care can widen inequality"
    )
    evidence: Share = _field(0.2, "initial evidence level 0-1", "assumption")
    initial_awareness: Share = _field(
        0.0,
        "share of the organisations that could use it that know it at the start (a history's starting knowledge)",
        "assumption",
    )
    initial_adoption: Share = _field(
        0.0,
        "share of the organisations that could use it already running it at the start (a history's installed base)",
        "assumption; a record where one exists (data/observations/)",
    )


class TimelineChange(Strict):
    """Keys a scenario changes at a date: ``[[timeline]] at = "2010-01"``, ``set = ["policy.payment.regime=bundled"]``.

    Each item of ``set`` is written as for ``--set``. Changes are cumulative: a key keeps its new value until a later
    change sets it again. Only keys that do not rebuild the world may change (:data:`TIMELINE_KEYS`).
    """

    at: YearMonth = _field(..., "year-month", "the scenario's own timeline")
    set: list[str] = Field(min_length=1)


class Scenario(Strict):
    """A whole scenario. Sections default to the baseline assumptions; files override what they state."""

    meta: Meta = Meta()
    simulation: Simulation = Simulation()
    scale: Scale = Scale()
    sectors: dict[Sector, SectorParams] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    cooperation: dict[Intensity, CooperationEffects] = Field(default_factory=_default_cooperation)
    network: Network = Network()
    diffusion: Diffusion = Diffusion()
    behaviour: Behaviour = Behaviour()
    citizens: Citizens = Citizens()
    financiers: Financiers = Financiers()
    policy: Policy = Policy()
    companies: list[Company] = Field(min_length=1)
    innovations: list[Innovation] = Field(min_length=1)
    timeline: list[TimelineChange] = []

    @model_validator(mode="after")
    def _timeline_within_run(self) -> Scenario:
        sim = self.simulation
        dates = [change.at for change in self.timeline]
        for n, at in enumerate(dates):
            if not 1 <= calendar.month_of(sim.start, at) <= sim.months:
                raise _ref_error(f"timeline.{n}.at", at, f"a date within the run, {sim.start} to {sim.end}")
            if at in dates[:n]:
                raise _ref_error(
                    f"timeline.{n}.at", at, "a date not used by an earlier change (put all its keys in one)"
                )
        return self

    @model_validator(mode="after")
    def _fits_in_memory(self) -> Scenario:
        """Organisation agents per sector and in all: the network pairs every two agents of a sector."""
        total = 0
        for name, sector in self.sectors.items():
            agents = sector.agents
            total += agents
            if agents > MAX_SECTOR_AGENTS:
                raise _ref_error(
                    f"sectors.{name}.organisations_per_agent",
                    sector.organisations_per_agent,
                    f"a value that gives at most {MAX_SECTOR_AGENTS:,} agents for {sector.organisations:,} "
                    f"organisations (now {agents:,}; their network pairs take 24 bytes each)",
                )
        if total > MAX_ORGANISATION_AGENTS:
            raise _ref_error("sectors", f"{total:,} organisation agents", f"at most {MAX_ORGANISATION_AGENTS:,} in all")
        return self

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        company_ids = [c.id for c in self.companies]
        _unique(company_ids, "companies", "id")
        _unique([i.id for i in self.innovations], "innovations", "id")
        _unique([r.name for r in self.regions], "regions", "name")
        for n, inn in enumerate(self.innovations):
            if inn.owner not in company_ids:
                raise _ref_error(f"innovations.{n}.owner", inn.owner, f"one of the company ids {company_ids}")
            if inn.target_sector not in self.sectors:
                raise _ref_error(
                    f"innovations.{n}.target_sector",
                    inn.target_sector,
                    f"a sector the scenario defines {list(self.sectors)}",
                )
            if inn.eligible_among == "substituted" and inn.substitutes_sector is None:
                raise _ref_error(
                    f"innovations.{n}.eligible_among", "substituted", "'target' when nothing is substituted"
                )
            if inn.substitutes_sector is not None and inn.substitutes_sector not in self.sectors:
                raise _ref_error(
                    f"innovations.{n}.substitutes_sector",
                    inn.substitutes_sector,
                    f"a sector the scenario defines {list(self.sectors)}",
                )
        regions = [r.name for r in self.regions]
        for n, name in enumerate(self.policy.payment.bundled_regions):
            if name not in regions:
                raise _ref_error(f"policy.payment.bundled_regions.{n}", name, f"a region of the scenario {regions}")
        for level in INTENSITIES:
            if any(r.cooperation == level for r in self.regions) and level not in self.cooperation:
                raise _ref_error("cooperation", level, "an entry for every intensity the regions use")
        return self


class ScenarioError(Exception):
    """One readable message: file, key path, value, what is allowed."""


class _RefError(ValueError):
    def __init__(self, loc: str, value: Any, allowed: str) -> None:
        super().__init__(f"{loc}|{value!r}|{allowed}")
        self.loc, self.value, self.allowed = loc, value, allowed


def _ref_error(loc: str, value: Any, allowed: str) -> _RefError:
    return _RefError(loc, value, allowed)


rule_error = _ref_error  # for other schemas' validators: a rule broken at a key, with the value and what is allowed


def _unique(values: list[str], section: str, key: str) -> None:
    seen: set[str] = set()
    for n, v in enumerate(values):
        if v in seen:
            raise _ref_error(f"{section}.{n}.{key}", v, f"an {key} value not used before in {section}")
        seen.add(v)


# ---------------------------------------------------------------------------------------------- loading


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file and resolve its `extends` chain (a file may build on another, relative to itself)."""
    return _read_toml(Path(path), seen=())


def _resolve(path: Path) -> Path:
    """The absolute path, or one readable error for a symbolic link that points to itself (directly or round a loop)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # Python 3.12 raises RuntimeError for a loop, later versions OSError
        raise ScenarioError(f"{path}: a symbolic link loop; allowed: a path to a scenario file") from None


def _read_toml(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    path = _resolve(path)
    if path in seen:
        raise ScenarioError(f"{path}: 'extends' forms a loop: {' -> '.join(str(p) for p in (*seen, path))}")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a directory; allowed: a scenario file (TOML)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except PermissionError:
        raise ScenarioError(f"{path}: cannot be read (permission denied); allowed: a readable scenario file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror}); allowed: a readable scenario file") from None
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or tables nested too deep; allowed: a scenario's shallow tables") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}; allowed: a valid TOML document") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not a UTF-8 text file; allowed: a TOML document") from None
    _anchor_observations(data, path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends = {parent!r}: allowed: a path to another scenario file")
    base_path = _resolve(path.parent / parent)
    if not base_path.is_file():
        raise ScenarioError(
            f"{path}: extends = {parent!r}: allowed: a path, relative to this file, of an existing "
            f"scenario file (no file at {base_path})"
        )
    base = _read_toml(base_path, (*seen, path))
    return deep_merge(base, data)


def _anchor_observations(data: dict[str, Any], path: Path) -> None:
    """A file's ``meta.observations`` is relative to that file: made absolute here, so it survives ``extends``."""
    meta = data.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("observations"), str):
        meta["observations"] = str((path.parent / meta["observations"]).resolve())


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (including arrays of tables) replaces the base value."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_override(text: str) -> tuple[list[str], Any]:
    """Parse ``path.to.key=value``; the value is read as a TOML value, or as a plain string if it is not one."""
    if "=" not in text:
        raise ScenarioError(f"--set {text!r}: expected path.to.key=value")
    path, raw = text.split("=", 1)
    keys = path.strip().split(".")
    if not all(keys):
        raise ScenarioError(f"--set {text!r}: the key path {path!r} has an empty part")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return keys, value


def apply_override(data: dict[str, Any], keys: list[str], value: Any) -> None:
    """Set a value by dotted path; list items are addressed by index or by their `id`/`name`."""
    node: Any = data
    for n, key in enumerate(keys):
        last = n == len(keys) - 1
        where = ".".join(keys[: n + 1])
        if isinstance(node, list):
            idx = _list_index(node, key, where)
            if last:
                node[idx] = value
            else:
                node = node[idx]
            continue
        if not isinstance(node, dict):
            raise ScenarioError(f"--set {'.'.join(keys)}: '{'.'.join(keys[:n])}' is a value, not a table")
        if last:
            node[key] = value
        else:
            node = node.setdefault(key, {})


def _list_index(items: list[Any], key: str, where: str) -> int:
    if key.isascii() and key.isdigit() and int(key) < len(items):
        return int(key)
    for i, item in enumerate(items):
        if isinstance(item, dict) and key in (item.get("id"), item.get("name")):
            return i
    raise ScenarioError(f"--set {where}: no item {key!r}; allowed: an index below {len(items)} or an item's id")


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, merge, override and validate a scenario file. Raises ScenarioError with one readable message."""
    path = Path(path)
    data = read_toml(path)
    for text in overrides:
        apply_override(data, *parse_override(text))
    return validate(data, source=str(path))


def validate(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a parsed scenario; every problem is reported with its key path, value and what is allowed.

    The scenario is checked as it stands after each change of its timeline too, so a bad change fails at load time,
    not years into a run."""
    scenario = validate_as(Scenario, data, source)
    timeline_states(scenario, source)
    return scenario


# ---------------------------------------------------------------------------------------------- timelines

# What a timeline may change: the parameters the model reads again when they change (world.set_parameters). Keys that
# build the world (its size, sectors' organisations and clients, the network, the citizens' traits, who owns and
# targets what) are fixed for a run: changing them midway would need a different world.
TIMELINE_KEYS = (
    "policy.*",
    "financiers.insurer.*",
    "financiers.care_office.*",
    "financiers.municipality.*",
    "financiers.public_fund.*",
    "financiers.investors.appetite*",
    "financiers.investors.ticket",
    "financiers.investors.runway_months",
    "behaviour.*",
    "diffusion.*",
    "cooperation.*",
    "regions.*.cooperation",
    "network.pilot_influence",
    "citizens.acceptance_rate",
    "sectors.*.horizon_months",
    "sectors.*.staff_shortage",
    "sectors.*.operating_margin",
    "innovations.*.*",
)
FIXED_KEYS = (
    "behaviour.frictions",
    "behaviour.capability_*",
    "behaviour.reserve_sd",
    "innovations.*.id",
    "innovations.*.owner",
    "innovations.*.kind",
    "innovations.*.target_sector",
    "innovations.*.substitutes_sector",
    "innovations.*.eligible_*",
    "innovations.*.initial_*",
)


def may_change(path: str) -> bool:
    """Whether a timeline may set this dotted key path."""
    allowed = any(fnmatchcase(path, p) for p in TIMELINE_KEYS)
    return allowed and not any(fnmatchcase(path, p) for p in FIXED_KEYS)


def timeline_states(scenario: Scenario, source: str = "<scenario>") -> list[tuple[int, Scenario]]:
    """In date order, per change of the timeline: the model month it takes effect and the whole scenario from then
    on (changes add up; each state is validated like a file, its problems reported at their timeline entry)."""
    data = scenario.model_dump(mode="json", exclude={"timeline"})
    start = scenario.simulation.start
    states = []
    for n, change in sorted(enumerate(scenario.timeline), key=lambda item: item[1].at):
        where = f"timeline.{n} (at {change.at})"
        for m, text in enumerate(change.set):
            _apply_timeline_set(data, text, f"{source}: {where}: set.{m} = {text!r}")
        states.append((calendar.month_of(start, change.at), validate_as(Scenario, data, f"{source}: {where}")))
    return states


def _apply_timeline_set(data: dict[str, Any], text: str, where: str) -> None:
    try:
        keys, value = parse_override(text)
        if not may_change(".".join(keys)):
            raise ScenarioError(
                "allowed: a key that does not rebuild the world (policy, financiers, behaviour, diffusion, "
                "cooperation, an innovation's economics or readiness; not scale, organisations, citizens' traits "
                "or ids)"
            )
        apply_override(data, keys, value)
    except ScenarioError as exc:
        message = str(exc)
        raise ScenarioError(f"{where}: {message if message.startswith('allowed') else 'allowed: ' + message}") from None


def validate_as[M: BaseModel](schema: type[M], data: dict[str, Any], source: str) -> M:
    """Validate data against any of the project's schemas: every problem on a line of its own,
    ``FILE: key.path = value: allowed: ...``, all of them at once."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(err, schema) for err in exc.errors(include_url=False)]
        raise ScenarioError("\n".join(f"{source}: {line}" for line in lines)) from None


def _describe(err: dict[str, Any], schema: type[BaseModel]) -> str:
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _RefError):
        return f"{ctx_error.loc} = {ctx_error.value!r}: allowed: {ctx_error.allowed}"
    parts = [str(p) for p in err["loc"] if p != "[key]"]
    loc = ".".join(parts)
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_keys_at(parts[:-1], schema))
        return f"{loc} = {err.get('input')!r}: unknown key; allowed keys here: {allowed}"
    if kind == "missing":
        return f"{loc}: missing; allowed: a value must be given"
    return f"{loc} = {err.get('input')!r}: allowed: {_allowed(err)}"


def _keys_at(parts: list[str], schema: type[BaseModel]) -> list[str]:
    """The keys the schema allows in the table at `parts` (list indices and dict keys are stepped over)."""
    model = schema
    for part in parts:
        field = model.model_fields.get(part)
        if field is None:
            continue  # an index or a dict key: stay with the item type found below
        model = _model_in(field.annotation) or model
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel class inside an annotation such as Payer, list[Company] or dict[Sector, SectorParams]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _allowed(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    bounds = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    for key, sym in bounds.items():
        if key in ctx:
            return f"a number {sym} {ctx[key]}"
    if "expected" in ctx:
        return ctx["expected"]
    if err["type"] == "rule":  # a rule stated in our own words (PydanticCustomError)
        return err["msg"]
    if "min_length" in ctx:
        return f"at least {ctx['min_length']} item(s)"
    return err["msg"].lower()


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the validated scenario (defaults filled in), so two files that mean the same hash the same."""
    data = scenario.model_dump(mode="json")
    data["meta"].pop("observations", None)  # where the record is stored is not part of what the scenario means
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
