"""Payment regimes: how care spending reaches providers, and so what an innovation does to a provider's revenue.

Fee-for-service (the baseline): revenue = volume × tariff, so an innovation that substitutes a provider's own care
costs that provider revenue, and one that adds care to its sector brings revenue (004_0f7fc21ead51925a.txt:1009-1013,
1018-1025).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import DiffusionModel


def revenue_change(model: DiffusionModel, org: np.ndarray, k: np.ndarray, months: np.ndarray, late: np.ndarray):
    """Revenue an organisation gains per expected user over `months`, of which `late` months after the delay.

    Fee-for-service: the target sector bills the added care from the start; the substituted sector loses the
    substituted spending once the savings start.
    """
    cat = model.catalogue
    sector = model.org_sector[org]
    added = cat.added_spending[k] * (sector == cat.target[k]) * months
    lost = cat.substituted_spending[k] * (sector == cat.substitutes[k]) * late
    return added - lost


def care_payments(model: DiffusionModel, substituted: np.ndarray, added: np.ndarray) -> np.ndarray:
    """This month's care spending per organisation: base volume, less substituted care, plus added care (EUR)."""
    return np.maximum(model.org_base_spending - substituted + added, 0.0)
