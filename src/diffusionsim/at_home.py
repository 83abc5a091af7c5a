"""Care at home as the KIA measures it: the share of care delivered in people's own living environment.

Mission II of the KIA: in 2030 care is organised 50% more (or more often) in people's own living environment
(001_9090d7b3c6790adc.txt:705-713), "at home if possible, digital if possible" (001_9090d7b3c6790adc.txt:885-886).
Two views, as the mission is stated in contacts and is also read in money:

- **contacts**: client-months of care. A client of a sector that works in the home (home nursing, municipal social
  care: ``sectors.<s>.at_home``) is care at home; a user of an innovation that moves care home counts its
  ``at_home_share`` of a client-month of the institutional sector it substitutes as care at home instead (hospital
  care at home, remote monitoring, e-consults, blended mental health care). Innovations that substitute care that was
  already at home (a medication robot instead of nursing visits) leave it at home: they do not lower the share.
- **spending**: care payments to the at-home sectors, plus the moved share of the institutional care still paid for
  (what is not substituted away), plus the running cost of innovations delivered at home, over all care payments plus
  those running costs. Cheaper care at home replacing dearer care at home lowers this view, as it would in any
  spending statistic.

Progress towards the mission is the growth of at-home contacts since the start of the run (target +50%).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .scenario import SECTORS

if TYPE_CHECKING:
    from .model import DiffusionModel

MISSION_GROWTH = 0.5  # +50% care in the own living environment by 2030 (001_9090d7b3c6790adc.txt:705-713)


def count_contacts(model: DiffusionModel) -> None:
    """Client-months of care per month at the start: in all, and in the sectors that work at home (fixed)."""
    cpa = model.settings.scale.citizens_per_agent
    served = model.client & (model.provider >= 0)
    per_sector = served.sum(axis=0) * cpa
    model.care_contacts = float(per_sector.sum())
    model.home_contacts0 = float(per_sector[model.sector_at_home].sum())
    cat = model.catalogue
    institutional = (cat.substitutes >= 0) & ~model.sector_at_home[np.maximum(cat.substitutes, 0)]
    model.moves_home = cat.at_home_share * institutional  # per innovation: client-month share moved home per user
    model.delivered_at_home = (cat.at_home_share > 0) | model.sector_at_home[cat.target]
    sector_spending = np.array(
        [model.settings.sectors[s].spending_per_client_month if s in model.settings.sectors else 0.0 for s in SECTORS]
    )
    remaining = np.maximum(sector_spending[np.maximum(cat.substitutes, 0)] - cat.substituted_spending, 0.0)
    model.moved_spending = model.moves_home * remaining  # EUR per user-month of institutional care now at home


def at_home_totals(model: DiffusionModel, care: np.ndarray, users: np.ndarray) -> dict[str, float]:
    """This month's care at home, in contacts and in spending; `care` per organisation, `users` [org, innovation]."""
    real_users = users.sum(axis=0)
    running_home = float((real_users * model.catalogue.running_cost * model.delivered_at_home).sum())
    at_home = model.sector_at_home[model.org_sector]
    return {
        "home_contacts": model.home_contacts0 + float(real_users @ model.moves_home),
        "home_spending": float(care[at_home].sum()) + float(real_users @ model.moved_spending) + running_home,
        "spending_with_home_innovations": float(care.sum()) + running_home,
    }
