"""Awareness: the Bass process over the organisations' network.

An unaware organisation becomes aware of a marketed innovation with the yearly hazard p + q·x, where p is the
companies' outreach (external influence), q word of mouth (internal influence) and x the share of its peers that
adopted (piloting peers count with weight ``network.pilot_influence``). With complete mixing and no frictions this is
exactly the Bass (1969) model, which the tests hold to its closed form. The word of mouth an organisation receives
(from all its peers) is multiplied by its own region's knowledge sharing (002_ac36531e09462072.txt:279-289).
Exposure is the unweighted share of peer agents on the network, and the share of real organisations (agents weighted
by how many they stand for) under complete mixing. Peers are organisations of the same sector,
mostly in the same region, with some ties across regions (000_991d8b1a8065d35d.txt:24,36).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .stages import Stage, is_adopted

if TYPE_CHECKING:
    from .model import DiffusionModel

MONTHS_PER_YEAR = 12.0  # p and q are per year; the model steps per month


def exposure(model: DiffusionModel) -> np.ndarray:
    """[org, innovation] share of an organisation's peers that adopted.

    Under complete mixing: the share of all real organisations of the target sector.
    """
    influence = is_adopted(model.stage) + model.settings.network.pilot_influence * (model.stage == Stage.PILOTING)
    if model.adjacency is None:
        w = model.org_weight[:, None] * model.relevant
        share = (w * influence).sum(axis=0) / np.maximum(w.sum(axis=0), 1e-12)
        return np.broadcast_to(share, model.stage.shape)
    peers = model.adjacency @ model.relevant.astype(float)
    return (model.adjacency @ influence) / np.maximum(peers, 1.0)


def spread_awareness(model: DiffusionModel) -> None:
    """Unaware organisations in an innovation's target sector become aware with the Bass hazard.

    Companies' outreach (p) needs the product on the market and its owner in business; word of mouth (q) goes on
    about a product whose owner exited, but such a product can no longer be piloted (adoption.start_pilots).
    """
    d = model.settings.diffusion
    rate = d.p * model.on_market()[None, :] + d.q * model.org_knowledge[:, None] * exposure(model)
    chance = 1.0 - np.exp(-rate / MONTHS_PER_YEAR)
    candidates = model.relevant & (model.stage == Stage.UNAWARE)
    model.move(candidates & (model.rng.random(chance.shape) < chance), Stage.AWARE)
