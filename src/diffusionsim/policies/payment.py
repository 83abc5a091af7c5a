"""Payment regimes: how care spending reaches providers, and so what an innovation does to a provider's revenue.

- Fee-for-service (the baseline): revenue = volume × tariff, so an innovation that substitutes a provider's own care
  costs that provider revenue, and one that adds care to its sector brings revenue (004_0f7fc21ead51925a.txt:1009-1013,
  1018-1025).
- Bundled payment (zorgbundels, aanneemsom): the providers of a pathway share a fixed budget per client, so revenue no
  longer follows volume; the bundle's net savings are split between the payer and the providers
  (004_0f7fc21ead51925a.txt:1880-1903). With `provider_savings_share` s, a change in volume moves a bundled provider's
  revenue by (1 - s) of what it would under fee-for-service: s = 1 is a pure fixed budget, s = 0 is fee-for-service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..innovation import savings_months
from ..scenario import SECTORS

if TYPE_CHECKING:
    from ..model import DiffusionModel
    from ..scenario import Scenario


def volume_factor(sc: Scenario, org_sector: np.ndarray, org_region: np.ndarray) -> np.ndarray:
    """Per organisation: how much of a volume change reaches its revenue (1 under fee-for-service)."""
    pay = sc.policy.payment
    factor = np.ones(len(org_sector))
    if pay.regime != "bundled":
        return factor
    sectors = [SECTORS.index(s) for s in (pay.bundled_sectors or SECTORS)]
    names = pay.bundled_regions or [r.name for r in sc.regions]
    regions = [i for i, r in enumerate(sc.regions) if r.name in names]
    bundled = np.isin(org_sector, sectors) & np.isin(org_region, regions)
    factor[bundled] = 1.0 - pay.provider_savings_share
    return factor


def bills_added(model: DiffusionModel, org: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Whether the organisation is paid for the care innovation `k` adds: under a national tariff always, under
    contract billing only where its payer has contracted it (cells, 1-d)."""
    cat = model.catalogue
    return cat.by_tariff[k] | (cat.by_contract[k] & model.contracted[model.org_payer[org], k])


def billed_cells(model: DiffusionModel) -> np.ndarray:
    """[org, innovation]: :func:`bills_added` for every cell."""
    cat = model.catalogue
    return cat.by_tariff[None, :] | (cat.by_contract[None, :] & model.contracted[model.org_payer])


def revenue_change(model: DiffusionModel, org: np.ndarray, k: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Revenue an organisation gains per expected user over `months` (EUR).

    The target sector bills the added care from the start where it can (a tariff, or its payer's contract); the
    substituted sector loses the substituted spending as each user's savings build up (pockets.savings_months); both
    scaled by the organisation's volume factor.
    """
    cat = model.catalogue
    sector = model.org_sector[org]
    added = cat.added_spending[k] * (sector == cat.target[k]) * months * bills_added(model, org, k)
    lost = cat.substituted_spending[k] * (sector == cat.substitutes[k]) * savings_months(months, cat.savings_delay[k])
    return model.org_volume_factor[org] * (added - lost)


def care_payments(model: DiffusionModel, substituted: np.ndarray, added: np.ndarray) -> np.ndarray:
    """This month's care spending per organisation: base volume, less substituted care, plus added care (EUR)."""
    return np.maximum(model.org_base_spending - model.org_volume_factor * (substituted - added), 0.0)
