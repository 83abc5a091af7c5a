"""Bayesian calibration of the model to observed figures with pyABC's ABC-SMC (likelihood-free).

``calibrate(config, out)`` runs (or resumes) the calibration a file describes (:mod:`.config`) and writes to ``out``:
``abc.db`` (pyABC's history, from which a killed run resumes), ``posterior.parquet``, ``calibrated.toml``,
``predictive.parquet``, ``manifest.json`` and ``calibration.html``. ``load_posterior`` and ``draw_posterior`` read a
calibration directory for other commands.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..experiments.posterior import CALIBRATION_MANIFEST as MANIFEST
from ..experiments.posterior import POSTERIOR_FILE as POSTERIOR
from ..scenario import ScenarioError, file_hash, scenario_hash
from .abc import DB_NAME, generations, run_abc
from .config import STOPPING_RULES, CalibrationConfig, load_config
from .posterior import draw_posterior, load_posterior, posterior_frame, write_calibrated
from .predictive import PREDICTIVE, run_predictive

if TYPE_CHECKING:
    import pandas as pd
    from dask.distributed import Client

__all__ = ["CalibrationResult", "calibrate", "draw_posterior", "load_config", "load_posterior"]

REPORT = "calibration.html"


@dataclass
class CalibrationResult:
    out: Path
    posterior: pd.DataFrame
    generations: list[dict[str, Any]]
    manifest: dict[str, Any]
    files: list[Path]
    resumed: bool


def calibrate(
    config_path: str | Path | CalibrationConfig,
    out_dir: str | Path,
    client: Client | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
) -> CalibrationResult:
    """Run the calibration in `config_path` (a file, or one loaded with `load_config`) into `out_dir`, or continue the
    one stored there.

    Executor: the Dask `client` if given, else a Dask cluster (`scheduler` address, or a LocalCluster of `dask_local`
    workers), else `workers` local processes (default: all cores; 1 = pyABC's single-core sampler, reproducible).
    `progress` receives pyABC's per-generation lines. Raises ScenarioError (one line each) for a bad file, or for a
    directory that holds a calibration of another configuration."""
    config = config_path if isinstance(config_path, CalibrationConfig) else load_config(config_path)
    out = Path(out_dir)
    resume, previous = prepare_dir(config, out)
    manifest = base_manifest(config, previous)
    _write_json(out / MANIFEST, manifest | {"status": "running"})
    started = time.perf_counter()
    with _cluster(client, scheduler, dask_local) as dask:
        history = run_abc(config, out, resume, workers, dask, progress)
        frame = posterior_frame(history, config.spec.parameters)
        frame.to_parquet(out / POSTERIOR, index=False)
        calibrated = write_calibrated(config, frame, out)
        if progress is not None:
            progress(f"posterior predictive: {config.spec.abc.predictive_draws} runs")
        predictive = run_predictive(config, out, workers, dask)
    gens = generations(history)
    wall = time.perf_counter() - started
    manifest |= {
        "status": "done",
        "generations": len(gens),
        "per_generation": gens,
        "acceptance_rates": [g["acceptance_rate"] for g in gens],
        "ess": [g["ess"] for g in gens],
        "epsilons": [g["epsilon"] for g in gens],
        "simulations": int(history.total_nr_simulations),
        "wall_seconds": wall,
        "wall_seconds_total": previous.get("wall_seconds_total", 0.0) + wall,
        "resumed": resume,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_json(out / MANIFEST, manifest)
    from .report import write_report  # noqa: PLC0415 - plotting only once there is something to draw

    report = write_report(config, out, frame, predictive, gens)
    files = [out / DB_NAME, out / POSTERIOR, calibrated, out / PREDICTIVE, out / MANIFEST, report]
    return CalibrationResult(out, frame, gens, manifest, files, resume)


def prepare_dir(config: CalibrationConfig, out: Path) -> tuple[bool, dict[str, Any]]:
    """Whether `out` holds this calibration to resume (and its manifest), or nothing; refuse anything else."""
    manifest_path, db = out / MANIFEST, out / DB_NAME
    if out.exists() and not out.is_dir():
        raise ScenarioError(f"--out {out}: is a file; allowed: a directory, or a path where one can be created")
    out.mkdir(parents=True, exist_ok=True)
    if not manifest_path.exists():
        if db.exists():
            raise ScenarioError(f"{db}: a pyABC history without {MANIFEST}, so it cannot be checked against "
                                f"{config.path}; allowed: another --out, or remove {db}")  # fmt: skip
        return False, {}
    try:
        previous = json.loads(manifest_path.read_text())
    except (ValueError, OSError) as exc:
        raise ScenarioError(
            f"{manifest_path}: damaged ({exc}); allowed: another --out, or remove the directory"
        ) from None
    if previous.get("config_sha256") != config.config_hash:
        changeable = ", ".join(f"abc.{k}" for k in STOPPING_RULES)
        raise ScenarioError(
            f"{config.path}: config_sha256 = {config.config_hash[:12]}...: allowed: the configuration stored in {out} "
            f"({str(previous.get('config_sha256'))[:12]}...) to resume it, where only {changeable} may change; "
            "or another --out"
        )
    return db.exists(), previous


def base_manifest(config: CalibrationConfig, previous: dict[str, Any]) -> dict[str, Any]:
    settings = config.spec.abc
    return {
        "package": "diffusionsim",
        "version": version("diffusionsim"),
        "pyabc_version": version("pyabc"),
        "config_file": str(config.path),
        "config_sha256": config.config_hash,
        "scenario_file": str(config.scenario_path),
        "scenario_sha256": scenario_hash(config.scenario),
        "observations_file": str(config.observations_path),
        "observations_sha256": file_hash(config.observations_path),
        "parameters": [p.model_dump() for p in config.spec.parameters],
        "observations_used": [o.id for o in config.used],
        "observations_not_used": [o.id for o in config.observations if not o.use],
        "abc": settings.model_dump(),
        "seeds": {
            "calibration_seed": settings.seed,
            "particles": "SeedSequence(calibration_seed, spawn_key=(sha256 of the particle's values as 4 uint32 "
            "words, replication)), one 64-bit model seed per particle and replication",
            "proposals": "numpy's global generator, seeded from SeedSequence(calibration_seed, spawn_key=(first "
            "generation of this call,)); reproducible with one worker only (parallel samplers reseed their workers)",
            "predictive": "SeedSequence(calibration_seed, spawn_key=(2**31-1,)).spawn(predictive_draws); draws "
            "chosen with SeedSequence(calibration_seed)",
        },
        "created": previous.get("created") or datetime.now(UTC).isoformat(timespec="seconds"),
    }


@contextmanager
def _cluster(client: Client | None, scheduler: str | None, dask_local: int | None) -> Iterator[Client | None]:
    if client is not None or not (scheduler or dask_local):
        with nullcontext(client) as given:
            yield given
        return
    from ..experiments.cluster import dask_client  # noqa: PLC0415 - Dask only when asked for

    with dask_client(scheduler, dask_local) as started:
        yield started


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)
