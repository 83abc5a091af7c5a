"""Small vectorised helpers over the model's per-organisation arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .scenario import SECTORS

if TYPE_CHECKING:
    from .model import DiffusionModel


def running_total_by_group(group: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Per item: the sum of `amount` over the items of its group up to and including itself, in the given order."""
    order = np.argsort(group, kind="stable")
    g, a = group[order], amount[order]
    total = np.cumsum(a)
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    before_group = np.repeat(total[starts] - a[starts], np.diff(np.r_[starts, len(g)]))
    out = np.empty_like(total)
    out[order] = total - before_group
    return out


def mean_by_sector_and_region(model: DiffusionModel, values: np.ndarray, default: float) -> np.ndarray:
    """[sector, region] mean of a per-organisation value (`default` where the region has no such organisation)."""
    shape = (len(SECTORS), len(model.settings.regions))
    cell = model.org_sector * shape[1] + model.org_region
    total = np.bincount(cell, weights=values, minlength=shape[0] * shape[1])
    count = np.bincount(cell, minlength=shape[0] * shape[1])
    mean = np.divide(total, count, out=np.full(len(total), default), where=count > 0)
    return mean.reshape(shape)
