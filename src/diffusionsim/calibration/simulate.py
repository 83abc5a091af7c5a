"""One particle: the scenario with the particle's parameter values, run on a seed derived from them, and the model's
value for each observation.

Seeds. A particle's model seed is drawn from a SeedSequence keyed by the calibration seed, a hash of the particle's
parameter values and the replication index (:func:`particle_seed`). The simulation of a given particle is therefore
the same in any process, on any worker, in any order, and can be repeated exactly. Which particles pyABC proposes is
another matter: its parallel samplers reseed numpy from the operating system in every worker process (pyabc
``sampler/multicore_evaluation_parallel.py``, ``eps_mixin.py``), so a calibration on several cores or on Dask is
reproducible in distribution only. With one worker (pyABC's single-core sampler) the whole calibration is
reproducible: numpy's global generator, which pyABC draws from, is seeded from the calibration seed.
"""

from __future__ import annotations

import gc
import hashlib
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from ..experiments.posterior import with_values
from ..observations import Observation, model_values
from ..scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from .config import CalibrationConfig

NON_FINITE = 1e9  # stands in for a model value that is NaN or infinite: a huge residual, so the particle is rejected


def particle_seed(seed: int, values: list[float], replication: int) -> int:
    """A 64-bit model seed from the calibration seed, the particle's parameter values and the replication."""
    digest = hashlib.sha256(np.asarray(values, dtype=np.float64).tobytes()).digest()
    words = np.frombuffer(digest[:16], dtype=np.uint32).tolist()
    sequence = np.random.SeedSequence(seed, spawn_key=(*words, replication))
    return int(sequence.generate_state(1, dtype=np.uint64)[0])


def collect_mode(observations: list[Observation]) -> str:
    """The DataCollector's lean mode when every observation is organisational adoption or a run outcome."""
    lean = all(o.is_outcome or o.indicator.startswith("org_adoption:") for o in observations)
    return "adoption" if lean else "all"


def run_once(scenario: Scenario, seed: int, collect: str = "all") -> tuple[pd.DataFrame, dict[str, float]]:
    """One run: its monthly table (a `month` column and the recorded indicators) and its outcome row."""
    import pandas as pd  # noqa: PLC0415 - loaded with the model, in the workers

    from ..experiments.outcomes import run_outcomes  # noqa: PLC0415 - the model is loaded where runs happen
    from ..model import DiffusionModel  # noqa: PLC0415

    model = DiffusionModel(scenario, rng=seed, check_stages=False, collect=collect).run()
    outcomes = run_outcomes(model)
    table = pd.DataFrame(model.datacollector.model_vars)
    del model
    return table, outcomes


class Simulator:
    """pyABC's model: parameters (dotted key -> value) in, {observation id: model value} out, averaged over the
    replications. Picklable (plain data), so it travels to pool and Dask workers."""

    def __init__(self, config: CalibrationConfig) -> None:
        self.data = config.scenario.model_dump(mode="json")
        self.source = str(config.scenario_path)
        self.keys = config.keys
        self.parameters = config.spec.parameters
        self.observations = config.used
        self.start = config.scenario.simulation.start
        self.seed = config.spec.abc.seed
        self.replications = config.spec.abc.replications
        self.collect = collect_mode(self.observations)
        self.parent = os.getpid()
        self.frozen_in: int | None = None

    def scenario(self, params: dict[str, float]) -> Scenario:
        return scenario_with(self.data, params, self.source)

    def __call__(self, params: dict[str, Any]) -> dict[str, float]:
        self._prepare_process()
        values = [p.value(params[p.key]) for p in self.parameters]
        scenario = self.scenario(dict(zip(self.keys, values, strict=True)))
        runs = []
        for r in range(self.replications):
            table, outcomes = run_once(scenario, particle_seed(self.seed, values, r), self.collect)
            runs.append(model_values(self.observations, table, outcomes, self.start, self.source))
            if self.frozen_in is not None:
                gc.collect()  # a finished model is a web of cycles; with the heap frozen, collecting it is cheap
        mean = np.mean(runs, axis=0)
        mean[~np.isfinite(mean)] = NON_FINITE
        return {o.id: float(v) for o, v in zip(self.observations, mean, strict=True)}

    def _prepare_process(self) -> None:
        """In a worker process (not the caller's), freeze the heap once, so collecting each run's garbage costs
        milliseconds, as in the sweep's pool workers (`experiments.worker.runs_in_this_process`)."""
        pid = os.getpid()
        if pid != self.parent and self.frozen_in != pid:
            gc.freeze()
            self.frozen_in = pid


def scenario_with(data: dict[str, Any], params: dict[str, float], source: str) -> Scenario:
    """The scenario data with each dotted key set to its (real) value, validated."""
    values = {key: float(value) for key, value in params.items()}
    return with_values(data, values, f"{source} (calibrated values {params})")
