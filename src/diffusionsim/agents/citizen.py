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

from ..stages import Stage

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
    def uses(self) -> list[str]:
        """Ids of the innovations this citizen uses."""
        row = self.model.users[self.index]
        return [iid for iid, u in zip(self.model.catalogue.ids, row, strict=True) if u]


def offered(model: DiffusionModel) -> np.ndarray:
    """[citizen, innovation]: eligible, not yet a user, and the citizen's own provider offers it.

    An implemented innovation reaches a share ``behaviour.implemented_reach`` of the eligible clients; a scaled one
    reaches all of them.
    """
    cat, b = model.catalogue, model.settings.behaviour
    provider = model.provider[:, cat.target]  # [c, k] provider in the target sector, -1 if none
    has = provider >= 0
    stage = np.where(has, model.stage[np.maximum(provider, 0), np.arange(len(cat))], Stage.UNAWARE)
    reached = (stage == Stage.SCALED) | ((stage == Stage.IMPLEMENTED) & (model.reach_draw < b.implemented_reach))
    return model.eligible & has & reached & ~model.users


def accept_offers(model: DiffusionModel) -> None:
    """Each month an offered citizen starts using with probability rate × motivation (× digital skills)."""
    cat, c = model.catalogue, model.settings.citizens
    chance = c.acceptance_rate * model.cit_motivation[:, None] * np.where(
        cat.needs_digital[None, :], model.cit_digital[:, None], 1.0
    )
    new = offered(model) & (model.rng.random(chance.shape) < chance)
    model.users |= new
    model.user_since[new] = model.month
