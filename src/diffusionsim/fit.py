"""How well a scenario reproduces its record: every observation against the model's values over replications.

A scenario that names its record (``meta.observations``) is run ``replications`` times on seeds from a SeedSequence
(``experiments.seeds``); for each observation the table gives the model's mean and 90% band over the runs, and the
distance of the mean from the observed value in standard errors of the observation. ``docs/VALIDATION.md`` shows it
for the calibrated history (``scenarios/history/calibrated.toml``) and ``tests/test_history.py`` asserts it:

    uv run python -m diffusionsim.validation --replications 30 > docs/VALIDATION.md
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .experiments.compare import compare
from .observations import Observation, columns, for_scenario, model_values, standardised
from .scenario import Scenario, load_scenario


def fit_table(scenario: Scenario | str | Path, replications: int, workers: int | None = None) -> pd.DataFrame:
    """One row per observation of the scenario's record: observed ± se, the model's mean and 5th-95th percentile
    over the replications, z = (mean - observed) / se, whether |z| <= 2, and whether calibration used it."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    observations = for_scenario(sc)
    runs = compare([sc], replications, workers=workers)
    values = np.array([_run_values(observations, runs, r, sc.simulation.start) for r in range(replications)])
    mean = values.mean(axis=0)
    z, within = standardised(observations, mean)
    return pd.DataFrame(
        columns(observations)
        | {
            "model_mean": mean,
            "model_p05": np.percentile(values, 5, axis=0),
            "model_p95": np.percentile(values, 95, axis=0),
            "z": z,
            "within_2se": within,
            "used": [o.use for o in observations],
        }
    )


def _run_values(observations: list[Observation], runs, replication: int, start: str) -> np.ndarray:
    """The model's value for each observation in one replication of a comparison."""
    series = runs.timeseries[runs.timeseries["replication"] == replication]
    outcomes = runs.outcomes[runs.outcomes["replication"] == replication].iloc[0].to_dict()
    return model_values(observations, series, outcomes, start)


def markdown(rows: pd.DataFrame, replications: int) -> str:
    """The table as Markdown, shares in percent."""
    lines = [
        "| observation | indicator | date | observed ± se | model mean [5%, 95%] | z | within 2 se | used |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows.itertuples():
        lines.append(
            f"| {r.id} | `{r.indicator}` | {r.date} | {r.observed:.1%} ± {r.se:.1%} | {r.model_mean:.1%} "
            f"[{r.model_p05:.1%}, {r.model_p95:.1%}] | {r.z:+.1f} | {'yes' if r.within_2se else '**no**'} "
            f"| {'yes' if r.used else 'no (out of sample)'} |"
        )
    return "\n".join(lines) + f"\n\n{replications} replications of the scenario, seeds from a SeedSequence.\n"
