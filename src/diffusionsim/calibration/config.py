"""A calibration file: which scenario, which observations, which parameters with which priors, and the ABC budget.

The file is data (TOML), validated like a scenario: every problem is one line ``FILE: key = value: allowed: ...``.
Loading also checks what needs the scenario and the model: each parameter key exists in a table of the scenario and
holds a real number, the scenario accepts both ends of its prior, and every observation names an indicator the model
has, at a date inside the run. Nothing is spent on a calibration that would fail later.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from ..observations import Observation, check_indicators, load_observations
from ..scenario import (
    MAX_SEED,
    Scenario,
    ScenarioError,
    Strict,
    file_hash,
    load_scenario,
    read_toml,
    rule_error,
    scenario_hash,
    validate_as,
)

MAX_POPULATION = 100_000
MAX_GENERATIONS = 1_000
MAX_REPLICATIONS = 100
MAX_DRAWS = 10_000
# What may change between a run and its resumption: when to stop, and how much to draw for the report. Everything
# else defines the posterior, and a changed value refuses the resumption.
STOPPING_RULES = ("max_generations", "min_epsilon", "max_walltime_minutes", "predictive_draws")


class AbcSettings(Strict):
    """The ABC-SMC budget and its stopping rules."""

    population_size: int = Field(ge=2, le=MAX_POPULATION)
    max_generations: int = Field(ge=1, le=MAX_GENERATIONS)
    min_epsilon: float | None = Field(None, ge=0.0)
    max_walltime_minutes: float = Field(60.0, gt=0.0, le=60 * 24 * 30)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    replications: int = Field(1, ge=1, le=MAX_REPLICATIONS)
    predictive_draws: int = Field(50, ge=1, le=MAX_DRAWS)


class Parameter(Strict):
    """One calibrated scenario key and its prior: uniform or loguniform on [low, high], or a normal truncated there."""

    key: str = Field(min_length=1)
    prior: Literal["uniform", "loguniform", "normal"]
    low: float
    high: float
    mean: float | None = None
    sd: float | None = Field(None, gt=0.0)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @property
    def on_log_scale(self) -> bool:
        """A loguniform prior is sampled as a uniform one on log10 of the value: pyABC's Gaussian perturbation kernel
        then moves the value by factors, not by amounts, and the importance weights stay even."""
        return self.prior == "loguniform"

    def value(self, sampled: float) -> float:
        """The scenario value of what pyABC sampled for this key."""
        return float(10.0**sampled) if self.on_log_scale else float(sampled)


class CalibrationSpec(Strict):
    """A calibration file."""

    scenario: str = Field(min_length=1)
    observations: str = Field(min_length=1)
    abc: AbcSettings
    parameters: list[Parameter] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique_keys(self) -> CalibrationSpec:
        seen: set[str] = set()
        for n, p in enumerate(self.parameters):
            if p.key in seen:
                raise rule_error(f"parameters.{n}.key", p.key, "a key not calibrated twice")
            seen.add(p.key)
            _check_prior(n, p)
        return self


def _check_prior(n: int, p: Parameter) -> None:
    """Bounds in order, positive for a loguniform prior; mean and sd for a normal one and only for it."""
    at = f"parameters.{n}"
    if p.high <= p.low:
        raise rule_error(f"{at}.high", p.high, f"a number > low ({p.low})")
    if p.prior == "loguniform" and p.low <= 0:
        raise rule_error(f"{at}.low", p.low, "a number > 0 for a loguniform prior")
    if p.prior == "normal" and (p.mean is None or p.sd is None):
        missing = "mean" if p.mean is None else "sd"
        raise rule_error(f"{at}.{missing}", None, "mean and sd for a normal prior (truncated to low, high)")
    if p.prior != "normal" and (p.mean is not None or p.sd is not None):
        extra = "mean" if p.mean is not None else "sd"
        raise rule_error(f"{at}.{extra}", getattr(p, extra), f"no mean or sd for a {p.prior} prior (normal only)")


@dataclass(frozen=True)
class CalibrationConfig:
    """A loaded calibration: the spec, its files resolved, the scenario, and the observations."""

    path: Path
    spec: CalibrationSpec
    scenario_path: Path
    observations_path: Path
    scenario: Scenario
    observations: list[Observation]

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.spec.parameters]

    @property
    def used(self) -> list[Observation]:
        return [o for o in self.observations if o.use]

    @property
    def config_hash(self) -> str:
        """SHA-256 of what defines the posterior: the spec without its stopping rules, the validated scenario and the
        observations file. A resumed calibration must have the same."""
        spec = self.spec.model_dump(mode="json")
        spec["abc"] = {k: v for k, v in spec["abc"].items() if k not in STOPPING_RULES}
        spec.pop("scenario"), spec.pop("observations")  # the files' contents count, not how they are reached
        text = json.dumps(
            {"spec": spec, "scenario": scenario_hash(self.scenario), "observations": file_hash(self.observations_path)},
            sort_keys=True,
        )
        return hashlib.sha256(text.encode()).hexdigest()


def load_config(path: str | Path, check_model: bool = True) -> CalibrationConfig:
    """Read and check a calibration file; raises ScenarioError, one line per problem, naming the file and the key.

    With `check_model`, the model is built and run for one month to learn its columns and outcomes, against which the
    observations' indicators are checked."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: no such calibration file; allowed: a TOML file with scenario, observations, "
                            "[abc] and [[parameters]]")  # fmt: skip
    spec = validate_as(CalibrationSpec, read_toml(path), str(path))
    scenario_path = _relative_file(path, "scenario", spec.scenario, "a scenario file")
    observations_path = _relative_file(path, "observations", spec.observations, "an observations file")
    scenario = load_scenario(scenario_path)
    for n, parameter in enumerate(spec.parameters):
        check_parameter(path, n, parameter, scenario, scenario_path)
    observations = load_observations(observations_path)
    if not any(o.use for o in observations):
        raise ScenarioError(f"{path}: observations = {spec.observations!r}: allowed: a file with at least one "
                            "observation marked use = true")  # fmt: skip
    if check_model:
        columns, outcomes = model_indicators(scenario)
        check_indicators(
            observations,
            columns,
            outcomes,
            str(observations_path),
            start=scenario.simulation.start,
            months=scenario.simulation.months,
        )
    return CalibrationConfig(path, spec, scenario_path, observations_path, scenario, observations)


def _relative_file(config: Path, key: str, value: str, what: str) -> Path:
    target = (config.parent / value).resolve()
    if not target.is_file():
        raise ScenarioError(
            f"{config}: {key} = {value!r}: allowed: {what}, relative to this file (no file at {target})"
        )
    return target


def check_parameter(path: Path, n: int, parameter: Parameter, scenario: Scenario, scenario_path: Path) -> None:
    """The key holds a real number in a table of the scenario, and the scenario accepts both ends of the prior."""
    where = f"{path}: parameters.{n}.key = {parameter.key!r}: allowed:"
    node: Any = scenario.model_dump(mode="json")
    parts = parameter.key.split(".")
    for depth, part in enumerate(parts):
        if isinstance(node, list):
            raise ScenarioError(
                f"{where} a key reached through tables only, not through items of "
                f"'{'.'.join(parts[:depth])}' (a calibrated scenario extends its base, and arrays replace, not merge)"
            )
        if not isinstance(node, dict) or part not in node:
            here = ".".join(parts[:depth])
            choices = [k for k, v in node.items() if _is_real(v)] if isinstance(node, dict) else []
            listed = f" (numbers in '{here or 'the top level'}': {', '.join(choices)})" if choices else ""
            raise ScenarioError(f"{where} a key of the scenario {scenario_path.name}{listed}")
        node = node[part]
    if isinstance(node, dict):
        numbers = ", ".join(k for k, v in node.items() if _is_real(v))
        raise ScenarioError(f"{where} a key holding a real number, not a table (numbers in it: {numbers or 'none'})")
    if not _is_real(node):
        raise ScenarioError(f"{where} a key holding a real number (it holds {node!r})")
    for bound in ("low", "high"):
        value = getattr(parameter, bound)
        try:
            load_scenario(scenario_path, [f"{parameter.key}={value!r}"])
        except ScenarioError as exc:
            reason = str(exc).splitlines()[0].split(": allowed: ", 1)[-1]
            raise ScenarioError(
                f"{path}: parameters.{n}.{bound} = {value!r}: allowed: a value the scenario accepts for "
                f"{parameter.key} ({reason})"
            ) from None


def _is_real(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def model_indicators(scenario: Scenario) -> tuple[list[str], list[str]]:
    """The model's time-series columns and run outcomes, from a model built and run for one month."""
    from ..experiments.outcomes import run_outcomes  # noqa: PLC0415 - loads the model; only when checking
    from ..model import DiffusionModel  # noqa: PLC0415

    model = DiffusionModel(scenario, check_stages=False).run(months=1)
    return list(model.datacollector.model_vars), list(run_outcomes(model))
