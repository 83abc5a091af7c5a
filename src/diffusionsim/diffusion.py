"""Awareness: the Bass process over the organisations' network.

An unaware organisation becomes aware of a marketed innovation with the yearly hazard p + q·x, where p is the
companies' outreach (external influence), q word of mouth (internal influence) and x the share of its peers that
adopted (piloting peers count with weight ``network.pilot_influence``). The model steps per month; the hazard takes
x at mid-month, predicted from the start of the month where awareness itself moves x (``awareness_chance``). With
complete mixing and no frictions this is the Bass (1969) model in monthly steps, whose expected path stays within
0.0016 of the closed form for p ≤ 0.1 and q ≤ 1 per year (``bass.mean_field``, tests/test_bass_limit.py); taking x at
the start of the month instead was off by up to 0.064. The word of mouth an organisation receives
(from all its peers) is multiplied by its own region's knowledge sharing (002_ac36531e09462072.txt:279-289).
Exposure is the unweighted share of peer agents on the network, and the share of real organisations (agents weighted
by how many they stand for) under complete mixing. Peers are organisations of the same sector,
mostly in the same region, with some ties across regions (000_991d8b1a8065d35d.txt:24,36).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .stages import Stage, is_adopted

if TYPE_CHECKING:
    from .model import DiffusionModel

MONTHS_PER_YEAR = 12.0  # p and q are per year; the model steps per month


def chance_within(rate, months: float = 1.0):
    """Chance that a constant yearly hazard `rate` fires within `months` months: 1 - exp(-rate·months/12)."""
    return 1.0 - np.exp(-rate * (months / MONTHS_PER_YEAR))


def awareness_chance(p, q, x0, predict: Callable | None = None):
    """Chance to become aware this month under the yearly hazard p + q·x, with x the exposure at mid-month.

    A predictor-corrector (the exponential midpoint rule): the chance to become aware in the first half of the month
    is predicted from the start-of-month exposure x0; ``predict(half)`` turns that chance of every unaware
    organisation into the exposure at mid-month, and the month's chance uses it. Its error against the continuous
    Bass process shrinks with the square of the time step (``bass.mean_field``). Without ``predict`` the exposure is
    x0 all month, which is exact when becoming aware does not change anyone's exposure (with frictions, a newly aware
    organisation has not adopted yet). Works on scalars (``bass.mean_field``) and on [org, innovation] arrays.
    """
    if predict is None:
        return chance_within(p + q * x0)
    x_mid = predict(chance_within(p + q * x0, 0.5))
    return chance_within(p + q * x_mid)


def exposure(model: DiffusionModel, pending: np.ndarray | None = None) -> np.ndarray:
    """[org, innovation] share of an organisation's peers that adopted.

    Under complete mixing: the share of all real organisations of the target sector. ``pending`` [org, innovation]
    adds expected adopters: each cell counts with its chance of having adopted (the predictor's mid-month state).
    """
    influence = is_adopted(model.stage) + model.settings.network.pilot_influence * (model.stage == Stage.PILOTING)
    if pending is not None:
        influence = influence + pending
    if model.adjacency is None:
        share = (model.relevant_w * influence).sum(axis=0) / model.relevant_weight
        return np.broadcast_to(share, model.stage.shape)
    peers = model.adjacency @ model.relevant.astype(float)
    return (model.adjacency @ influence) / np.maximum(peers, 1.0)


def month_chance(model: DiffusionModel, candidates: np.ndarray) -> np.ndarray:
    """[org, innovation] chance to become aware this month under the Bass hazard.

    Companies' outreach (p) needs the product on the market and its owner in business; word of mouth (q) is
    multiplied by the receiving organisation's regional knowledge sharing. Without frictions (the Bass limit) an
    organisation that becomes aware implements at once (adoption.step_adoption), so its peers' exposure grows during
    the month: the hazard uses the exposure at mid-month, with each unaware candidate counted by its chance of having
    become aware in the first half month. With frictions becoming aware adopts nothing, so the start-of-month
    exposure holds all month.
    """
    d = model.settings.diffusion
    p = d.p * model.on_market()[None, :]
    q = d.q * model.org_knowledge[:, None]
    predict = None
    if not model.settings.behaviour.frictions:

        def predict(half: np.ndarray) -> np.ndarray:
            return exposure(model, pending=half * candidates)

    return awareness_chance(p, q, exposure(model), predict)


def spread_awareness(model: DiffusionModel) -> None:
    """Unaware organisations in an innovation's target sector become aware with the month's chance (month_chance).

    Word of mouth goes on about a product whose owner exited, but such a product can no longer be piloted
    (adoption.start_pilots).
    """
    candidates = model.relevant & (model.stage == Stage.UNAWARE)
    chance = month_chance(model, candidates)
    model.move(candidates & (model.rng.random(chance.shape) < chance), Stage.AWARE)
