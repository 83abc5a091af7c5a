"""Imported by the worker pool's forkserver alone, before it forks any worker: the model, the worker functions, then
`gc.freeze()`, and a collection after every run (`worker.COLLECT_AFTER_RUN`), now cheap.

Workers share the server's memory pages until they write to them, and a garbage collection writes to every object it
visits. Frozen objects are never visited, so the imported modules stay shared instead of being copied into every
worker (the use the `gc.freeze` documentation gives). Importing this module anywhere else would freeze that
process's objects for nothing; `worker.PRELOAD` names it for the forkserver.
"""

import gc

from diffusionsim import model  # noqa: F401 - what every worker runs
from diffusionsim.experiments import worker

gc.freeze()
worker.COLLECT_AFTER_RUN = True
