"""Imported by the worker pool's forkserver alone, before it forks any worker: the model, the worker functions and the
Parquet writer, then `gc.freeze()`, and a collection after every run (`worker.COLLECT_AFTER_RUN`), now cheap.

Workers share the server's memory pages until they write to them, and a garbage collection writes to every object it
visits. Frozen objects are never visited, so the imported modules stay shared instead of being copied into every
worker (the use the `gc.freeze` documentation gives). Importing this module anywhere else would freeze that
process's objects for nothing; `worker.PRELOAD` names it for the forkserver.
"""

import gc
import os

# Before anything imports pyarrow (pandas does): Arrow's default allocator, mimalloc, keeps some 6 MB per worker for
# the small tables a worker encodes; the system allocator returns it (measured: a worker's unique memory after 30
# parts, 104 MB against 99 MB).
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import pyarrow.parquet  # noqa: E402, F401 - workers encode the sweep's Parquet parts (worker.parquet_bytes)

from diffusionsim import model  # noqa: E402, F401 - what every worker runs
from diffusionsim.experiments import worker  # noqa: E402

gc.freeze()
worker.COLLECT_AFTER_RUN = True
