"""Seeds for replications, derived with numpy's SeedSequence so they do not depend on worker count or order."""

from __future__ import annotations

import numpy as np


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """`n` independent 64-bit seeds spawned from `base_seed`; replication i always gets the same seed."""
    children = np.random.SeedSequence(base_seed).spawn(n)
    return [int(child.generate_state(1, dtype=np.uint64)[0]) for child in children]
