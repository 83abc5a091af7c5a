"""The posterior predictive: the model re-run for draws from the posterior, each on its own seed, recording the value
of every observation (those calibration left out too) and the monthly series of every observed indicator.

``predictive.parquet`` is one tidy table: ``draw``, ``seed``, the parameter columns, ``kind`` ("observation" or
"series"), ``name`` (observation id or indicator), ``month``, ``date`` and ``value``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import calendar
from ..observations import Observation, model_values
from .posterior import draw_posterior
from .simulate import run_once, scenario_with

if TYPE_CHECKING:
    from dask.distributed import Client

    from .config import CalibrationConfig

PREDICTIVE = "predictive.parquet"
PREDICTIVE_STREAM = 2**31 - 1  # the SeedSequence spawn key of the predictive runs, apart from the particles' hashes


def predictive_tasks(config: CalibrationConfig, out: Path) -> list[dict[str, Any]]:
    draws = draw_posterior(out, config.spec.abc.predictive_draws, config.spec.abc.seed)
    sequences = np.random.SeedSequence(config.spec.abc.seed, spawn_key=(PREDICTIVE_STREAM,)).spawn(len(draws))
    common = {
        "data": config.scenario.model_dump(mode="json"),
        "source": str(config.scenario_path),
        "observations": config.observations,
        "start": config.scenario.simulation.start,
    }
    return [
        common | {"draw": i, "params": params, "seed": int(seq.generate_state(1, dtype=np.uint64)[0])}
        for i, (params, seq) in enumerate(zip(draws, sequences, strict=True))
    ]


def predict_one(task: dict[str, Any]) -> list[dict[str, Any]]:
    """One posterior draw's rows: every observation's model value, and the series of each observed indicator."""
    observations: list[Observation] = task["observations"]
    scenario = scenario_with(task["data"], task["params"], task["source"])
    table, outcomes = run_once(scenario, task["seed"], "all")
    head = {"draw": task["draw"], "seed": task["seed"], **task["params"]}
    values = model_values(observations, table, outcomes, task["start"], task["source"])
    rows = [
        head | {"kind": "observation", "name": o.id, "month": np.nan if o.is_outcome else o.month_index(task["start"]),
                "date": o.date, "value": float(v)}
        for o, v in zip(observations, values, strict=True)
    ]  # fmt: skip
    months = table["month"].to_numpy()
    dates = [calendar.date_of(task["start"], int(m)) for m in months]
    for indicator in dict.fromkeys(o.indicator for o in observations if not o.is_outcome):
        rows += [
            head | {"kind": "series", "name": indicator, "month": float(m), "date": d, "value": float(v)}
            for m, d, v in zip(months, dates, table[indicator].to_numpy(), strict=True)
        ]
    return rows


def run_predictive(
    config: CalibrationConfig, out: Path, workers: int | None = None, client: Client | None = None
) -> pd.DataFrame:
    """Run the draws (on the Dask client, a local pool, or here for one worker) and write ``predictive.parquet``."""
    tasks = predictive_tasks(config, out)
    if client is not None:
        results = client.gather(client.map(predict_one, tasks, pure=False))
    elif (workers or os.cpu_count() or 1) == 1:
        results = [predict_one(t) for t in tasks]
    else:
        from ..experiments.worker import process_pool  # noqa: PLC0415 - the sweep's pool, forked from its server

        with process_pool(min(workers or os.cpu_count() or 1, len(tasks))) as pool:
            results = list(pool.map(predict_one, tasks))
    frame = pd.DataFrame([row for rows in results for row in rows])
    frame["seed"] = frame["seed"].astype("uint64")  # SeedSequence seeds are 64-bit unsigned
    frame.to_parquet(Path(out) / PREDICTIVE, index=False)
    return frame
