"""One run of a scenario: the tables it produces, the manifest that makes it reproducible, and writing them out."""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from ..model import DiffusionModel
from ..observations import for_scenario
from ..report.plots import plot_adoption
from ..report.record import plot_record, record_frame
from ..scenario import Scenario, file_hash, load_scenario, scenario_hash
from .outcomes import run_outcomes


@dataclass
class RunResult:
    """What one run produced: tidy tables and the manifest that reproduces them."""

    scenario: Scenario
    timeseries: pd.DataFrame  # one row per month, one column per indicator (per innovation where it applies)
    parties: pd.DataFrame  # the ledger per party: paid and received per flow kind, net, staff hours
    ledger_monthly: pd.DataFrame  # month x flow kind x payer type x payee type
    manifest: dict[str, Any] = field(default_factory=dict)
    outcomes: dict[str, float] = field(default_factory=dict)  # the run's outcome row (experiments.outcomes)
    record: pd.DataFrame | None = None  # the observed record beside the model, when the scenario names one


def manifest_for(scenario: Scenario, path: str | Path | None, overrides: list[str], seed: int) -> dict[str, Any]:
    """Everything needed to reproduce a run: versions, the scenario's hashes, seed and overrides."""
    return {
        "package": "diffusionsim",
        "version": version("diffusionsim"),
        "mesa_version": version("mesa"),
        "python": platform.python_version(),
        "scenario_name": scenario.meta.name,
        "scenario_file": str(path) if path else None,
        "scenario_file_sha256": file_hash(path) if path else None,
        "scenario_sha256": scenario_hash(scenario),
        "overrides": list(overrides),
        "seed": seed,
        "months": scenario.simulation.months,
    }


def run_scenario(
    scenario: Scenario | str | Path,
    overrides: list[str] | tuple[str, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Load (if given a path), run and tabulate one scenario. The seed is the scenario's `simulation.seed`."""
    path = None if isinstance(scenario, Scenario) else Path(scenario)
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, overrides)
    observations = for_scenario(sc)  # a bad record fails here, before the run
    manifest = manifest_for(sc, path, list(overrides), sc.simulation.seed)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    model = DiffusionModel(sc).run(progress=progress)
    manifest["start_time"] = started.isoformat(timespec="seconds")
    manifest["run_seconds"] = round(time.perf_counter() - t0, 3)
    timeseries = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    outcomes = run_outcomes(model)
    record = record_frame(observations, timeseries, outcomes, sc.simulation.start) if observations else None
    return RunResult(
        scenario=sc,
        timeseries=timeseries,
        parties=model.ledger.parties_frame(),
        ledger_monthly=model.ledger.monthly_frame(model.month),
        manifest=manifest,
        outcomes=outcomes,
        record=record,
    )


def write_run(result: RunResult, out: str | Path) -> list[Path]:
    """Write the tables, the adoption figure and manifest.json to `out`; returns the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "timeseries.csv": lambda p: result.timeseries.to_csv(p, index=False),
        "ledger_parties.csv": lambda p: result.parties.to_csv(p, index=False),
        "ledger_monthly.csv": lambda p: result.ledger_monthly.to_csv(p, index=False),
        "adoption.png": lambda p: plot_adoption(result.timeseries, p, title=result.scenario.meta.name),
        "manifest.json": lambda p: p.write_text(json.dumps(result.manifest, indent=2) + "\n"),
    }
    if result.record is not None:
        observations = for_scenario(result.scenario)
        files["record.csv"] = lambda p: result.record.to_csv(p, index=False)
        files["record.png"] = lambda p: plot_record(observations, result.timeseries, p, result.scenario.meta.name)
    written = []
    for name, write in files.items():
        write(out / name)
        written.append(out / name)
    return written
