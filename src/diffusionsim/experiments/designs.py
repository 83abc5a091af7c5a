"""Experimental designs for sweeps: full-factorial grid, Latin hypercube (scipy.stats.qmc), Sobol and Morris (SALib).

A design is a table with one row per point and one column per parameter path, in the order the sampler produced it
(Sobol and Morris analyses rely on that order). It is held as plain columns of Python values, not as a pandas or
Arrow table: the sweep's parent process needs neither library otherwise, and leaving them out keeps some 50 MB out of
every sweep (`pandas.DataFrame(design)` makes it a table).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .sweep import SweepSpec

Design = dict[str, list]  # "point", then one column per parameter path: column name -> values, one per point


def salib_problem(spec: SweepSpec) -> dict:
    return {
        "num_vars": len(spec.parameters),
        "names": [p.path for p in spec.parameters],
        "bounds": [[p.min, p.max] for p in spec.parameters],
    }


def make_design(spec: SweepSpec) -> Design:
    """The design table of a sweep: `point`, then one column per parameter (ints rounded for int parameters)."""
    if spec.design == "grid":
        rows = list(itertools.product(*[p.values for p in spec.parameters]))
        # One type per column (values = [0, 0.5] gives floats), as every run's part must have the same schema.
        columns = [np.asarray([row[n] for row in rows]).tolist() for n in range(len(spec.parameters))]
    else:
        sample = _unit_scaled_sample(spec)
        columns = [
            (np.round(sample[:, n]).astype(int) if p.type == "int" else sample[:, n]).tolist()
            for n, p in enumerate(spec.parameters)
        ]
    points = list(range(len(columns[0])))  # a sweep has at least one parameter
    return {"point": points} | {p.path: column for p, column in zip(spec.parameters, columns, strict=True)}


def _unit_scaled_sample(spec: SweepSpec) -> np.ndarray:
    """The sample of a sampled design. The samplers are imported here, not at the top: a grid sweep's parent process
    then never loads SciPy's statistics or SALib (seconds, and tens of MB)."""
    from SALib.sample import morris as morris_sample  # noqa: PLC0415
    from SALib.sample import sobol as sobol_sample  # noqa: PLC0415
    from scipy.stats import qmc  # noqa: PLC0415

    problem = salib_problem(spec)
    if spec.design == "sobol":
        return sobol_sample.sample(problem, spec.samples, calc_second_order=spec.calc_second_order, seed=spec.seed)
    if spec.design == "morris":
        return morris_sample.sample(problem, spec.samples, num_levels=spec.num_levels, seed=spec.seed)
    unit = qmc.LatinHypercube(d=len(spec.parameters), seed=np.random.default_rng(spec.seed)).random(spec.samples)
    bounds = np.array(problem["bounds"], dtype=float)
    return qmc.scale(unit, bounds[:, 0], bounds[:, 1])
