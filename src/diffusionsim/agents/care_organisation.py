"""Care organisations: the agents that learn about, pilot, implement and scale innovations.

One agent stands for ``organisations_per_agent`` real organisations of one sector in one region (the scenario says
how many). Their per-innovation stages live in the model's ``stage`` array so that the monthly rules in
:mod:`diffusionsim.adoption` and :mod:`diffusionsim.diffusion` run vectorised over all organisations; the agent
object is the readable handle on one row of that array.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from ..stages import Stage

if TYPE_CHECKING:
    from ..model import DiffusionModel


class CareOrganisation(Agent):
    """A cluster of care organisations of one sector in one region.

    Attributes:
        index: row in the model's organisation arrays.
        sector: one of ``scenario.SECTORS``.
        region: region name (one of the seven ecosystems at baseline).
        weight: real organisations this agent stands for.
        capability: innovation capability 0-1 (heterogeneous unless ``behaviour.capability_sd`` is 0).
        staff_shortage: vacancy share of the sector (removes slack to innovate, 004_0f7fc21ead51925a.txt:786-787).
        horizon_months: how far ahead it counts its own gains and losses.
        payment_regime: how it is paid (fee-for-service at baseline, 004_0f7fc21ead51925a.txt:1018-1025).
        clients: real clients per month of the whole cluster.
        party: its ledger party id.
    """

    def __init__(
        self,
        model: DiffusionModel,
        index: int,
        sector: str,
        region: str,
        weight: float,
        capability: float,
        staff_shortage: float,
        horizon_months: int,
        payment_regime: str,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.sector = sector
        self.region = region
        self.weight = weight
        self.capability = capability
        self.staff_shortage = staff_shortage
        self.horizon_months = horizon_months
        self.payment_regime = payment_regime
        self.clients = 0.0
        self.party = model.ledger.add_party("provider", f"{sector}#{index}", region)

    @property
    def peers(self) -> list[CareOrganisation]:
        """Its network ties: organisations of its sector it hears from (none listed under complete mixing)."""
        if self.model.adjacency is None:
            return []
        row = self.model.adjacency.getrow(self.index).indices
        orgs = self.model.organisation_list
        return [orgs[j] for j in row]

    def stage(self, innovation_id: str) -> Stage:
        """Its stage for one innovation."""
        k = self.model.catalogue.ids.index(innovation_id)
        return Stage(int(self.model.stage[self.index, k]))

    @property
    def stages(self) -> dict[str, Stage]:
        """Its stage for every innovation, by innovation id."""
        row = self.model.stage[self.index]
        return {iid: Stage(int(s)) for iid, s in zip(self.model.catalogue.ids, row, strict=True)}
