"""Small vectorised helpers over the model's per-organisation arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

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
    """[sector, region, ...] mean of a per-organisation value (`values` [org] or [org, k]); `default` where the
    region has no organisation of that sector."""
    shape = (len(SECTORS), len(model.settings.regions))
    cells = sector_region_cells(model)
    total = cells @ values
    count = np.asarray(cells.sum(axis=1)).ravel().reshape((-1,) + (1,) * (np.ndim(values) - 1))
    mean = np.divide(total, count, out=np.full(np.shape(total), default, dtype=float), where=count > 0)
    return mean.reshape(shape + np.shape(values)[1:])


def one_hot(group: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """[group, item] membership matrix: M @ values sums per group the values of its items."""
    n = len(group)
    return sp.csr_matrix((np.ones(n), (group, np.arange(n))), shape=(n_groups, n))


def sector_region_cells(model: DiffusionModel) -> sp.csr_matrix:
    """[sector·region, org] one-hot membership of each organisation in its (sector, region) cell (cached)."""
    cached = model.__dict__.get("_sector_region_cells")
    if cached is None:
        n_regions = len(model.settings.regions)
        cached = one_hot(model.org_sector * n_regions + model.org_region, len(SECTORS) * n_regions)
        model._sector_region_cells = cached
    return cached
