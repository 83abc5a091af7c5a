"""Running the model: one run now; comparisons and sweeps build on it."""

from .run import RunResult, run_scenario, write_run
from .seeds import replication_seeds

__all__ = ["RunResult", "replication_seeds", "run_scenario", "write_run"]
