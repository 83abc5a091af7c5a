"""The Bass (1969) diffusion model in closed form, the reference curve for the model's frictionless limit, and the
expected path of the model's own monthly rule in that limit."""

from __future__ import annotations

import numpy as np

from .diffusion import awareness_chance


def bass_cdf(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}), with t in the units of 1/p."""
    t = np.asarray(t, dtype=float)
    decay = np.exp(-(p + q) * t)
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def mean_field(p: np.ndarray | float, q: np.ndarray | float, months: int) -> np.ndarray:
    """Adopted share at months 0..months of the model's awareness rule in the Bass limit, without sampling noise.

    Complete mixing with infinitely many organisations: the exposure is the adopted share F itself, and a newly aware
    organisation adopts at once, so the predicted mid-month exposure is F + (1 - F)·(chance in the first half month).
    Each month applies ``diffusion.awareness_chance``, the function ``spread_awareness`` uses, to the unaware share:
    F_{n+1} = F_n + (1 - F_n)·chance. p and q (per year) may be arrays; the result has a leading month axis.
    """
    p, q = np.broadcast_arrays(np.asarray(p, dtype=float), np.asarray(q, dtype=float))
    path = np.zeros((months + 1, *p.shape))
    for n in range(months):
        share = path[n]
        chance = awareness_chance(p, q, share, lambda half, share=share: share + (1.0 - share) * half)
        path[n + 1] = share + (1.0 - share) * chance
    return path
