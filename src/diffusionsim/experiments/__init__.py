"""Running the model: one run now; comparisons and sweeps build on it.

`run_scenario`, `write_run`, `RunResult` and `replication_seeds` are importable from here, but are loaded on first
use: importing a submodule (the sweep's parent, a pool worker) must not pay for plotting it does not do.
"""

from importlib import import_module
from typing import Any

_EXPORTS = {"RunResult": ".run", "run_scenario": ".run", "write_run": ".run", "replication_seeds": ".seeds"}

__all__ = ["RunResult", "replication_seeds", "run_scenario", "write_run"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
