"""Carry what calibration left uncertain into a comparison: each replication runs on its own draw from the posterior.

`diffusionsim calibrate` writes DIR/posterior.parquet: one row per particle, one column per calibrated parameter named
by its dotted scenario key (``diffusion.q``), and ``weight`` (importance weights). A comparison with ``--posterior
DIR`` resamples one particle per replication and applies its values like ``--set`` on top of every scenario, after the
scenario's own overrides.

The draw of replication r comes from a generator seeded with r's seed (a SeedSequence stream of its own, so it does
not correlate with the model's random numbers on that seed). Every scenario therefore runs replication r on the same
seed *and* the same parameters, so paired differences stay paired; and since the draws are made in the parent before
any run, they do not depend on the number of workers.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import Scenario, ScenarioError, apply_override, validate

POSTERIOR_FILE = "posterior.parquet"
CALIBRATION_MANIFEST = "manifest.json"
WEIGHT = "weight"
DRAW_STREAM = 0x706F7374  # spawn key of the draws' stream ("post"): apart from the model's stream on the same seed
DRAW_COLUMNS = ("replication", "seed", "particle")
DRAWN = "(with the posterior draw)"
ALLOWED_COLUMNS = "one numeric column per calibrated parameter, named by its dotted scenario key, and 'weight'"


@dataclass(frozen=True)
class Posterior:
    """A weighted posterior sample: particles (one column per dotted key) and their normalised weights."""

    directory: Path
    particles: pd.DataFrame
    weights: np.ndarray
    sha256: str
    manifest_sha256: str | None

    @property
    def keys(self) -> list[str]:
        return list(self.particles.columns)

    @property
    def file(self) -> Path:
        return self.directory / POSTERIOR_FILE


def load_posterior(directory: str | Path) -> Posterior:
    """Read and check DIR/posterior.parquet; any problem is one ScenarioError line naming the file and what is allowed,
    raised before any run starts."""
    directory = Path(directory)
    path = directory / POSTERIOR_FILE
    if not directory.is_dir():
        raise ScenarioError(f"--posterior {directory}: no such directory; allowed: the output directory of calibrate")
    if not path.is_file():
        raise ScenarioError(f"{path}: no such file; allowed: a calibration directory holding {POSTERIOR_FILE}")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many kinds for a damaged file; all mean the same here
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(f"{path}: not a readable Parquet file ({reason}); allowed: {ALLOWED_COLUMNS}") from None
    weights = _weights(frame, path)
    particles = frame.drop(columns=WEIGHT)
    _check_values(particles, path)
    manifest = directory / CALIBRATION_MANIFEST
    return Posterior(
        directory,
        particles.reset_index(drop=True),
        weights / weights.sum(),
        hashlib.sha256(path.read_bytes()).hexdigest(),
        hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None,
    )


def _weights(frame: pd.DataFrame, path: Path) -> np.ndarray:
    if WEIGHT not in frame.columns:
        raise ScenarioError(f"{path}: no '{WEIGHT}' column; allowed: {ALLOWED_COLUMNS}")
    if not pd.api.types.is_numeric_dtype(frame[WEIGHT]) or frame[WEIGHT].dtype == bool:
        raise ScenarioError(f"{path}: column '{WEIGHT}' is not numeric; allowed: finite weights >= 0 with a sum > 0")
    weights = frame[WEIGHT].to_numpy(dtype=float)
    if len(weights) == 0 or not np.isfinite(weights).all() or (weights < 0).any() or not weights.sum() > 0:
        bad = "no particles" if len(weights) == 0 else f"min {np.nanmin(weights):g}, sum {np.nansum(weights):g}"
        raise ScenarioError(f"{path}: weights {bad}; allowed: finite weights >= 0 with a sum > 0")
    return weights


def _check_values(particles: pd.DataFrame, path: Path) -> None:
    if particles.shape[1] == 0:
        raise ScenarioError(f"{path}: no parameter columns; allowed: {ALLOWED_COLUMNS}")
    for key in particles.columns:
        column = particles[key]
        if not isinstance(key, str) or not pd.api.types.is_numeric_dtype(column) or column.dtype == bool:
            raise ScenarioError(f"{path}: column {key!r} is not numeric; allowed: {ALLOWED_COLUMNS}")
        if not np.isfinite(column.to_numpy(dtype=float)).all():
            raise ScenarioError(f"{path}: column {key!r} holds a missing or infinite value; allowed: finite numbers")


def check_keys(posterior: Posterior, scenarios: Sequence[Scenario], sources: Sequence[str]) -> None:
    """Every column must be a key of every scenario: each is applied alone (at the first particle's value) and the
    scenario validated, so a misspelt or unknown key fails here with its column named, not in a worker."""
    first = posterior.particles.iloc[int(np.argmax(posterior.weights))]
    for key in posterior.keys:
        for scenario, source in zip(scenarios, sources, strict=True):
            try:
                with_draw(scenario, {key: first[key]}, source)
            except ScenarioError as exc:
                raise ScenarioError(
                    f"{posterior.file}: column {key!r} does not fit {source}: {_problem(exc)}"
                ) from None


def _problem(exc: ScenarioError) -> str:
    """The first problem the scenario's validation found, without its file prefix (the caller names the file)."""
    return str(exc).splitlines()[0].split(f"{DRAWN}: ", 1)[-1].removeprefix("--set ")


def draw(posterior: Posterior, seeds: Sequence[int]) -> pd.DataFrame:
    """One particle per replication, resampled by weight with a generator seeded from that replication's seed:
    replication, seed, particle (row of posterior.parquet), then the parameter values."""
    cdf = np.cumsum(posterior.weights)
    rows = []
    for replication, seed in enumerate(seeds):
        rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(DRAW_STREAM,)))
        particle = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), len(cdf) - 1)
        values = {k: _plain(v) for k, v in posterior.particles.iloc[particle].items()}
        rows.append({"replication": replication, "seed": int(seed), "particle": particle} | values)
    return pd.DataFrame(rows, columns=[*DRAW_COLUMNS, *posterior.keys])


def _plain(value: Any) -> Any:
    """A numpy scalar as a Python number, so it validates like a number from a file and dumps to JSON."""
    return value.item() if hasattr(value, "item") else value


def draw_values(draws: pd.DataFrame, replication: int) -> dict[str, Any]:
    """The parameter values replication r runs with."""
    row = draws.loc[draws["replication"] == replication].iloc[0]
    return {k: _plain(row[k]) for k in draws.columns if k not in DRAW_COLUMNS}


def with_draw(scenario: Scenario, values: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """The scenario with the drawn values set, as `--set key=value` would, validated like a file."""
    return with_values(scenario.model_dump(mode="json"), values, f"{source} {DRAWN}")


def with_values(data: dict[str, Any], values: dict[str, Any], source: str) -> Scenario:
    """A copy of scenario data (a JSON dump) with each dotted key set to its value, validated like a file: how both a
    posterior draw (here) and a calibration particle (calibration.simulate) become a scenario."""
    data = copy.deepcopy(data)
    for key, value in values.items():
        apply_override(data, key.split("."), _plain(value))
    return validate(data, source=source)


def as_overrides(values: dict[str, Any]) -> list[str]:
    """The draw written as `--set` arguments, for the manifest and for reproducing one run by hand."""
    return [f"{key}={value!r}" for key, value in values.items()]


def conflicts(
    posterior: Posterior, scenarios: Sequence[Scenario], names: Sequence[str], overrides: Sequence[str]
) -> list[str]:
    """Where a scenario's own setting of a calibrated key is lost to the posterior: one warning line each.

    A scenario that gives a calibrated key a value of its own (different from the reference scenario's, or outside
    the posterior's range) has that value replaced by the draws, so the comparison no longer contains it; a `--set`
    of a calibrated key is replaced too. A timeline that sets one overrides the draw from its date on.
    """
    keys = set(posterior.keys)
    warnings = [
        f"--set {text}: {text.split('=', 1)[0].strip()} is calibrated: the posterior's draws override this value"
        for text in overrides
        if text.split("=", 1)[0].strip() in keys
    ]
    dumps = [s.model_dump(mode="json") for s in scenarios]
    for key in posterior.keys:
        low, high = float(posterior.particles[key].min()), float(posterior.particles[key].max())
        reference = _value_at(dumps[0], key)
        for name, data in zip(names, dumps, strict=True):
            value = _value_at(data, key)
            outside = isinstance(value, int | float) and not low <= value <= high
            if value != reference or outside:
                why = f"the reference {names[0]} has {reference!r}" if value != reference else "outside the posterior"
                warnings.append(
                    f"scenario {name} sets {key} = {value!r} ({why}; posterior range {low:g} to {high:g}): "
                    "the posterior's draws override it in every replication"
                )
    return warnings + _timeline_conflicts(keys, scenarios, names)


def _timeline_conflicts(keys: set[str], scenarios: Sequence[Scenario], names: Sequence[str]) -> list[str]:
    out = []
    for name, scenario in zip(names, scenarios, strict=True):
        for change in scenario.timeline:
            for text in change.set:
                key = text.split("=", 1)[0].strip()
                if key in keys:
                    out.append(
                        f"scenario {name}'s timeline sets {key} at {change.at}: from then on its value replaces the "
                        "posterior's draw in that scenario"
                    )
    return out


def _value_at(data: Any, key: str) -> Any:
    """The value at a dotted key of a dumped scenario (list items by id, name or index), None where there is none."""
    node = data
    for part in key.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list):
            match = [item for item in node if isinstance(item, dict) and part in (item.get("id"), item.get("name"))]
            node = match[0] if match else (node[int(part)] if part.isdigit() and int(part) < len(node) else None)
        else:
            return None
    return node


def manifest_entry(posterior: Posterior, draws: pd.DataFrame, warnings: list[str]) -> dict[str, Any]:
    """What the comparison's manifest records of the posterior: where, which file (hash), and every draw."""
    return {
        "dir": str(posterior.directory),
        "file": str(posterior.file),
        "sha256": posterior.sha256,
        "calibration_manifest_sha256": posterior.manifest_sha256,
        "particles": len(posterior.particles),
        "keys": posterior.keys,
        "draws": draws.to_dict(orient="records"),
        "warnings": warnings,
    }


@dataclass(frozen=True)
class PosteriorPlan:
    """Everything a comparison needs from the posterior, settled before any run: the draws, the scenario every
    (scenario, replication) runs, and the warnings about calibrated keys the scenarios set themselves."""

    posterior: Posterior
    draws: pd.DataFrame
    runs: dict[tuple[int, int], Scenario]
    warnings: list[str]

    def scenario(self, index: int, replication: int) -> Scenario:
        return self.runs[(index, replication)]

    def manifest(self) -> dict[str, Any]:
        return manifest_entry(self.posterior, self.draws, self.warnings)


def plan(
    posterior: Posterior | str | Path,
    scenarios: Sequence[Scenario],
    sources: Sequence[str],
    names: Sequence[str],
    overrides: Sequence[str],
    seeds: Sequence[int],
) -> PosteriorPlan:
    """Load and check the posterior, draw per replication and build every run's scenario (each validated, so a draw
    the schema refuses stops the comparison here, with the replication and particle named)."""
    posterior = posterior if isinstance(posterior, Posterior) else load_posterior(posterior)
    check_keys(posterior, scenarios, sources)
    draws = draw(posterior, seeds)
    runs = {}
    for replication in range(len(seeds)):
        values = draw_values(draws, replication)
        for index, (scenario, source) in enumerate(zip(scenarios, sources, strict=True)):
            try:
                runs[(index, replication)] = with_draw(scenario, values, source)
            except ScenarioError as exc:
                particle = int(draws.loc[replication, "particle"])
                raise ScenarioError(
                    f"{posterior.file}: particle {particle} (drawn for replication {replication}) does not fit "
                    f"{source}: {_problem(exc)}"
                ) from None
    return PosteriorPlan(posterior, draws, runs, conflicts(posterior, scenarios, names, overrides))
