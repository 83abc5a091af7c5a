"""Citizens: the clients of care organisations, who accept or decline what is offered to them.

Whether a person uses an innovation depends on whether they encounter it, their motivation and their skills
(003_e0c410fab5331684.txt:40); digital innovations need digital skills, which are scarcer among people with a low
socio-economic status, so digital care can widen inequality (004_0f7fc21ead51925a.txt:1185-1189). Per-innovation
use lives in the model's ``users`` array, so acceptance runs vectorised in :func:`accept_offers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from ..scenario import SECTORS
from ..stages import Stage, offers

if TYPE_CHECKING:
    from ..model import DiffusionModel

SES_GROUPS = ("low", "middle", "high")


class Citizen(Agent):
    """A group of ``scale.citizens_per_agent`` people with the same traits."""

    def __init__(
        self, model: DiffusionModel, index: int, region: str, ses: str, digital_skills: float, motivation: float
    ) -> None:
        super().__init__(model)
        self.index = index
        self.region = region
        self.ses = ses
        self.digital_skills = digital_skills
        self.motivation = motivation
        self.party = model.ledger.add_party("citizen", f"citizen#{index}", region)

    @property
    def providers(self) -> dict[str, int]:
        """Per sector, the unique_id of the organisation where it gets (or would get) that care."""
        orgs = self.model.organisation_list
        return {s: orgs[j].unique_id for s, j in zip(SECTORS, self.model.provider[self.index], strict=True) if j >= 0}

    @property
    def needs(self) -> list[str]:
        """The sectors whose care it receives now."""
        return [s for s, c in zip(SECTORS, self.model.client[self.index], strict=True) if c]

    @property
    def uses(self) -> list[str]:
        """Ids of the innovations this citizen uses."""
        row = self.model.users[self.index]
        return [iid for iid, u in zip(self.model.catalogue.ids, row, strict=True) if u]


def offered(model: DiffusionModel) -> tuple[np.ndarray, np.ndarray]:
    """(citizen, innovation) pairs that are eligible, not yet users, and offered by the citizen's own provider.

    A piloted or implemented innovation reaches a share ``behaviour.implemented_reach`` of the eligible clients; a
    scaled one reaches all of them. Only eligible non-users are looked at (a small share of all pairs).
    """
    c, k = model.eligible_pairs
    new = ~model.users[c, k]
    c, k = c[new], k[new]
    stage = model.stage[model.target_provider[c, k], k]
    reached = (stage == Stage.SCALED) | (offers(stage) & model.in_first_reach[c, k])
    return c[reached], k[reached]


def acceptance_chance(model: DiffusionModel) -> np.ndarray:
    """[citizen, innovation] monthly chance to accept an offer: rate × motivation (× digital skills if needed)."""
    cat, c = model.catalogue, model.settings.citizens
    skills = np.where(cat.needs_digital[None, :], model.cit_digital[:, None], 1.0)
    return c.acceptance_rate * model.cit_motivation[:, None] * skills


def accept_offers(model: DiffusionModel) -> None:
    """Users whose provider no longer offers the innovation (pilot abandoned, implementation stopped) stop using it;
    each month an offered citizen starts using with its (fixed) acceptance chance."""
    for k in np.flatnonzero(model.ended.any(axis=0)):
        c = np.flatnonzero(model.users[:, k])
        model.users[c[model.ended[model.target_provider[c, k], k]], k] = False
    model.ended[:] = False
    c, k = offered(model)
    accept = model.rng.random(len(c)) < model.acceptance[c, k]
    model.users[c[accept], k[accept]] = True
    model.user_since[c[accept], k[accept]] = model.month
