"""The Bass (1969) diffusion model in closed form: the reference curve for the model's frictionless limit."""

from __future__ import annotations

import numpy as np


def bass_cdf(t: np.ndarray | float, p: float, q: float) -> np.ndarray:
    """Cumulative adoption F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}), with t in the units of 1/p."""
    t = np.asarray(t, dtype=float)
    decay = np.exp(-(p + q) * t)
    return (1.0 - decay) / (1.0 + (q / p) * decay)
