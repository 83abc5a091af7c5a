"""The presenter's levers and the model they build.

The app's Reset builds a new model by calling this class with the current lever values as keyword arguments (as
Mesa's SolaraViz, which the app used before, did).
:class:`LiveModel` is that class: it turns the levers into ``--set``-style overrides of a scenario file, so a lever
is validated exactly like an edited scenario. A lever combination the scenario schema rejects (for example a
loss-compensation share without a transition fund) does not crash the app: the model is built from the scenario as
it is and :attr:`LiveModel.lever_message` says, in plain words, what was wrong.

Every policy lever starts at "as in scenario", so picking a scenario file shows that scenario as written; a lever
only changes what the presenter deliberately changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model import DEFAULT_SCENARIO, DiffusionModel
from ..scenario import Scenario, ScenarioError, load_scenario

SCENARIO_DIR = DEFAULT_SCENARIO.parent
SCENARIO_ENV = "DIFFUSIONSIM_SCENARIO"  # set by `diffusionsim viz SCENARIO` for the app it starts
AS_IN_SCENARIO = "as in scenario"

# Each lever: the label the presenter sees -> the override it applies (None: leave the scenario as it is).
PAYMENT = {
    AS_IN_SCENARIO: None,
    "fee for service (betalen per verrichting)": "fee_for_service",
    "bundled payment (zorgbundels)": "bundled",
}
PRIVATE_SHARE = {
    AS_IN_SCENARIO: None,
    "0%: no private share": 0.0,
    "20%": 0.2,
    "40%: the current rule": 0.4,
    "60%": 0.6,
}
COMPENSATION = {
    AS_IN_SCENARIO: None,
    "none": 0.0,
    "25% of lost revenue": 0.25,
    "50% of lost revenue": 0.5,
    "75% of lost revenue": 0.75,
    "100% of lost revenue": 1.0,
}
FUND = {
    AS_IN_SCENARIO: None,
    "no fund (EUR 0)": 0.0,
    "EUR 100 million": 100e6,
    "EUR 500 million": 500e6,
    "EUR 1 billion": 1e9,
}
COOPERATION = {
    AS_IN_SCENARIO: None,
    "low: knowledge network (kennisnetwerk)": "low",
    "middle: project organisation (projectorganisatie)": "middle",
    "high: programme organisation (programmaorganisatie)": "high",
}

PAYMENT_NAMES = {
    "fee_for_service": "fee for service (betalen per verrichting)",
    "bundled": "bundled payment (zorgbundels)",
}


def bundled_scenarios() -> list[str]:
    """The scenario picker's choices: the bundled files (demo first), plus the file `diffusionsim viz` was given."""
    names = sorted(p.name for p in SCENARIO_DIR.glob("*.toml"))
    names.sort(key=lambda n: n != DEFAULT_SCENARIO.name)
    start = initial_scenario()
    return names if start in names else [start, *names]


def initial_scenario() -> str:
    """The scenario the app opens with: the one passed to `diffusionsim viz`, else the demo.

    A bundled file is named by its file name (as in the picker); any other file by its absolute path.
    """
    given = os.environ.get(SCENARIO_ENV)
    if not given:
        return DEFAULT_SCENARIO.name
    path = Path(given).resolve()
    return path.name if path.parent == SCENARIO_DIR and path.is_file() else str(path)


def scenario_path(choice: str) -> Path:
    """A picker choice (a bundled file name or a path) as a path."""
    bundled = SCENARIO_DIR / choice
    return bundled if bundled.is_file() else Path(choice)


def _pick(table: dict[str, object], value: object, lever: str) -> object:
    """The override value of a lever; accepts its label or the value itself (handy in tests and notebooks)."""
    if value in table:
        return table[value]
    if value in table.values():
        return value
    raise ScenarioError(f"lever '{lever}': {value!r} is not one of: {', '.join(map(str, table))}")


def lever_overrides(
    scenario: Scenario,
    *,
    payment: object = AS_IN_SCENARIO,
    private_share: object = AS_IN_SCENARIO,
    compensation: object = AS_IN_SCENARIO,
    fund: object = AS_IN_SCENARIO,
    cooperation: object = AS_IN_SCENARIO,
    seed: object = "",
) -> list[str]:
    """The scenario overrides (``dotted.path=value``) that the lever values ask for."""
    out: list[str] = []
    chosen = {
        "policy.payment.regime": _pick(PAYMENT, payment, "payment model"),
        "policy.cofinancing.private_share": _pick(PRIVATE_SHARE, private_share, "co-financing share"),
        "policy.compensation.fraction": _pick(COMPENSATION, compensation, "loss compensation"),
        "policy.compensation.budget": _pick(FUND, fund, "transition fund"),
    }
    for key, value in chosen.items():
        if value is not None:
            out.append(f'{key}="{value}"' if isinstance(value, str) else f"{key}={value}")
    intensity = _pick(COOPERATION, cooperation, "regional cooperation")
    if intensity is not None:
        out += [f'regions.{i}.cooperation="{intensity}"' for i in range(len(scenario.regions))]
    text = str(seed).strip()
    if text:
        if not text.isdigit():
            raise ScenarioError(f"random seed {text!r}: allowed: a whole number >= 0, or blank for the scenario's own")
        out.append(f"simulation.seed={int(text)}")
    return out


def plain_reason(error: ScenarioError) -> str:
    """A presenter-sized explanation of why lever values were refused, ahead of the schema's exact message."""
    text = str(error)
    if "policy.compensation.budget" in text:
        return (
            "Loss compensation needs a transition fund with money in it: choose a transition fund budget as well, "
            "or set loss compensation to 'none'."
        )
    if "random seed" in text:
        return "The random seed must be a whole number (or blank for the scenario's own seed)."
    return "These lever values do not go together in this scenario."


def detail(error: ScenarioError) -> str:
    """The schema's message without the file path: the key, the value and what is allowed, per problem."""
    return "; ".join(line.partition(".toml: ")[2] or line for line in str(error).splitlines())


def resolve(scenario_file: str, **levers: object) -> tuple[Scenario, str | None]:
    """The scenario the levers ask for, or the scenario file as it is plus a message when they cannot be combined.

    A broken scenario file falls back to the demo, again with a message, so the app always has a model to show.
    """
    path = scenario_path(scenario_file)
    try:
        base = load_scenario(path)
    except ScenarioError as exc:
        return load_scenario(DEFAULT_SCENARIO), f"The scenario file could not be used, showing the demo. {exc}"
    try:
        return load_scenario(path, lever_overrides(base, **levers)), None
    except ScenarioError as exc:
        return base, f"{plain_reason(exc)} Showing the scenario's own policy instead. ({detail(exc)})"


class LiveModel(DiffusionModel):
    """A DiffusionModel built from the presenter's levers (the keyword arguments Reset passes).

    The parameter is called ``scenario_file``, not ``scenario``: Mesa 3.5 passes its own ``scenario`` object to
    models whose ``__init__`` accepts one. Mesa's ``rng`` is not a lever either; the seed lever sets the scenario's
    ``simulation.seed``, so a run in the app is the same run as ``diffusionsim run --seed``.
    """

    def __init__(
        self,
        scenario_file: str = DEFAULT_SCENARIO.name,
        payment: str = AS_IN_SCENARIO,
        private_share: str = AS_IN_SCENARIO,
        compensation: str = AS_IN_SCENARIO,
        fund: str = AS_IN_SCENARIO,
        cooperation: str = AS_IN_SCENARIO,
        seed: str = "",
    ) -> None:
        levers = {
            "payment": payment,
            "private_share": private_share,
            "compensation": compensation,
            "fund": fund,
            "cooperation": cooperation,
            "seed": seed,
        }
        scenario, message = resolve(scenario_file, **levers)
        try:
            DiffusionModel(scenario)  # a world the app cannot build must not reach the page as a traceback
        except Exception as exc:  # noqa: BLE001 - shown as a message instead
            scenario = load_scenario(DEFAULT_SCENARIO)
            message = f"The scenario could not be built ({type(exc).__name__}: {exc}); showing the demo."
        super().__init__(scenario)
        self.scenario_file = scenario_file
        self.levers = levers
        self.lever_message = message


def describe_policy(model: DiffusionModel) -> list[tuple[str, str]]:
    """The policy the running model actually has, as (lever, value) pairs in plain words (what the panel shows)."""
    policy = model.settings.policy
    comp = policy.compensation
    regions = model.settings.regions
    if len({r.cooperation for r in regions}) == 1:
        cooperation = f"{regions[0].cooperation}, in all {len(regions)} regions"
    else:  # one value per region: a list of intensities would read as if it were one setting
        cooperation = "; ".join(f"{r.name}: {r.cooperation}" for r in regions)
    return [
        ("Payment model", PAYMENT_NAMES[policy.payment.regime]),
        ("Co-financing: private share of public grants", f"{policy.cofinancing.private_share:.0%}"),
        (
            "Loss compensation",
            f"{comp.fraction:.0%} of lost revenue for {comp.months} months" if comp.fraction else "none",
        ),
        ("Transition fund", f"EUR {comp.budget / 1e6:,.0f} million"),
        ("Regional cooperation", cooperation),
        ("Random seed", str(model.settings.simulation.seed)),
    ]


def levers_in_use(model: LiveModel) -> dict[str, str]:
    """The lever labels that match what the model actually runs with ("as in scenario" where no label matches).

    After a refused lever combination the model runs on the scenario's own policy; the selectors are set to these
    labels, so they show the values in use rather than the refused ones.
    """
    policy = model.settings.policy

    def label(table: dict[str, object], value: object) -> str:
        return next((k for k, v in table.items() if v is not None and v == value), AS_IN_SCENARIO)

    intensities = {r.cooperation for r in model.settings.regions}
    return {
        "payment": label(PAYMENT, policy.payment.regime),
        "private_share": label(PRIVATE_SHARE, policy.cofinancing.private_share),
        "compensation": label(COMPENSATION, policy.compensation.fraction),
        "fund": label(FUND, policy.compensation.budget),
        "cooperation": label(COOPERATION, intensities.pop()) if len(intensities) == 1 else AS_IN_SCENARIO,
        "seed": "" if "random seed" in (model.lever_message or "") else str(model.levers.get("seed", "")),
    }
