"""ABC-SMC with pyABC: priors, distance, sampler, and a run that starts or resumes from ``DIR/abc.db``.

Distance: pyABC's p-norm (p = 2) over the observations calibration uses, each residual divided by the observation's
standard error (fixed weights 1/se). Epsilon: pyABC's default, the median distance of the last generation. An adaptive
distance is not used: the standard errors already put the observations on one scale, and fixed weights keep the
distance of a particle the same in every generation, which the report's z-scores rely on.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.stats

from .config import CalibrationConfig, Parameter
from .simulate import Simulator

if TYPE_CHECKING:
    import pyabc
    from dask.distributed import Client

DB_NAME = "abc.db"
ABC_ID = 1  # one calibration per directory


def prior_rv(parameter: Parameter) -> tuple[str, dict[str, float]]:
    """The scipy.stats name and arguments of a parameter's prior (pyABC's RV takes them as they are)."""
    lo, hi = parameter.low, parameter.high
    if parameter.prior == "uniform":
        return "uniform", {"loc": lo, "scale": hi - lo}
    if parameter.prior == "loguniform":
        return "loguniform", {"a": lo, "b": hi}
    mean, sd = parameter.mean, parameter.sd
    return "truncnorm", {"a": (lo - mean) / sd, "b": (hi - mean) / sd, "loc": mean, "scale": sd}


def prior_distribution(parameter: Parameter) -> scipy.stats.rv_continuous:
    """The prior as a frozen scipy distribution (for the report's densities and the prior sd)."""
    name, kwargs = prior_rv(parameter)
    return getattr(scipy.stats, name)(**kwargs)


def priors(config: CalibrationConfig) -> pyabc.Distribution:
    """The priors pyABC samples from: as stated, except a loguniform prior, sampled uniformly on log10 of the value
    (Parameter.on_log_scale); the Simulator and the posterior turn samples back into values."""
    import pyabc  # noqa: PLC0415 - pyABC (and its SQLAlchemy) only when calibrating

    return pyabc.Distribution(**{p.key: pyabc.RV(*_rv_args(p)) for p in config.spec.parameters})


def _rv_args(parameter: Parameter) -> list[Any]:
    if parameter.on_log_scale:
        low, high = np.log10(parameter.low), np.log10(parameter.high)
        return ["uniform", low, high - low]
    name, kwargs = prior_rv(parameter)
    return [name, *kwargs.values()]  # positional: scipy's shape arguments first, then loc and scale


def make_sampler(workers: int | None, client: Client | None) -> pyabc.sampler.Sampler:
    """Dask if a client is given; else pyABC's multicore evaluation-parallel sampler on `workers` processes (default:
    all cores), or its single-core sampler for one."""
    from pyabc import sampler  # noqa: PLC0415

    if client is not None:
        return sampler.DaskDistributedSampler(dask_client=client)
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        return sampler.SingleCoreSampler()
    return sampler.MulticoreEvalParallelSampler(n_procs=workers)


def db_url(out: Path) -> str:
    return f"sqlite:///{(Path(out) / DB_NAME).resolve()}"


def run_abc(
    config: CalibrationConfig,
    out: Path,
    resume: bool,
    workers: int | None = None,
    client: Client | None = None,
    progress: Callable[[str], None] | None = None,
) -> pyabc.History:
    """Run ABC-SMC into ``out/abc.db`` until `max_generations` generations are stored in all (counting those a
    resumed run already has), `min_epsilon` is reached, or `max_walltime_minutes` of this call have passed."""
    import pyabc  # noqa: PLC0415

    settings = config.spec.abc
    with _pyabc_log(progress):
        sampler = make_sampler(workers, client)
        sampler.show_progress = progress is not None and sys.stderr.isatty()  # pyABC's bar within a generation
        abc = pyabc.ABCSMC(
            models=Simulator(config),
            parameter_priors=priors(config),
            distance_function=pyabc.PNormDistance(p=2, fixed_weights={o.id: 1.0 / o.se for o in config.used}),
            population_size=settings.population_size,
            sampler=sampler,
        )
        if resume:
            history = abc.load(db_url(out), ABC_ID)
        else:
            observed = {o.id: o.value for o in config.used}
            history = abc.new(db_url(out), observed, meta_info={"config_sha256": config.config_hash})
        done = history.max_t + 1
        # pyABC draws proposals from numpy's global generator: seeded here, per resumption, so that a single-core run
        # is reproducible (parallel samplers reseed their workers; see simulate.py).
        np.random.seed(np.random.SeedSequence(settings.seed, spawn_key=(done,)).generate_state(1)[0])
        remaining = settings.max_generations - done
        if remaining > 0:
            abc.run(
                minimum_epsilon=settings.min_epsilon,
                max_nr_populations=remaining,
                max_walltime=timedelta(minutes=settings.max_walltime_minutes),
            )
    return history


@contextmanager
def _pyabc_log(progress: Callable[[str], None] | None) -> Iterator[None]:
    """pyABC's log lines (per generation: epsilon, acceptances and ESS, timing) go to `progress`, or nowhere; pyABC's
    own stderr handler is set aside meanwhile."""
    logger = logging.getLogger("ABC")

    class Forward(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if progress is not None:
                progress(f"{record.name}: {record.getMessage()}")

    saved = logger.handlers[:], logger.level, logger.propagate
    logger.handlers[:] = [Forward(logging.INFO)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.handlers[:], level, logger.propagate = saved
        logger.setLevel(level)


def generations(history: pyabc.History) -> list[dict[str, Any]]:
    """Per generation: epsilon, simulations, accepted particles, acceptance rate, effective sample size, seconds."""
    from pyabc.weighted_statistics import effective_sample_size  # noqa: PLC0415

    populations = history.get_all_populations()
    rows = []
    for _, pop in populations[populations["t"] >= 0].iterrows():
        t = int(pop["t"])
        _, weights = history.get_distribution(m=0, t=t)
        rows.append(
            {
                "generation": t,
                "epsilon": float(pop["epsilon"]),
                "simulations": int(pop["samples"]),
                "accepted": int(pop["particles"]),
                "acceptance_rate": float(pop["particles"] / pop["samples"]) if pop["samples"] else float("nan"),
                "ess": float(effective_sample_size(weights)),
                "seconds": float(pop["wall_time"]) if pop["wall_time"] is not None else float("nan"),
                "end_time": str(pop["population_end_time"]),
            }
        )
    return rows
