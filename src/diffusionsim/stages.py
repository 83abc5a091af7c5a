"""Adoption stages of one organisation for one innovation, and the transitions the model allows."""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stage(IntEnum):
    """Where a care organisation stands with one innovation (DESIGN.md; 004_0f7fc21ead51925a.txt:998-1001)."""

    UNAWARE = 0
    AWARE = 1
    PILOTING = 2
    IMPLEMENTED = 3
    SCALED = 4
    ABANDONED = 5
    STOPPED = 6


#: Allowed (from, to) moves. AWARE -> IMPLEMENTED is the Bass limit (no frictions) and the shared-evidence
#: shortcut of high-intensity regions (002_ac36531e09462072.txt:65-66): an organisation may skip its own pilot.
#: IMPLEMENTED/SCALED -> STOPPED: a provider stops an innovation that costs it money (adoption.review_adopted), for
#: instance when loss compensation ends and the lost revenue returns (assumption).
#: ABANDONED/STOPPED -> AWARE: a provider reconsiders once the innovation would pay it after all, for instance when a
#: tariff or a payer's contract appears (adoption.reconsider; assumption).
ALLOWED = frozenset(
    {
        (Stage.UNAWARE, Stage.AWARE),
        (Stage.AWARE, Stage.PILOTING),
        (Stage.AWARE, Stage.IMPLEMENTED),
        (Stage.PILOTING, Stage.IMPLEMENTED),
        (Stage.PILOTING, Stage.ABANDONED),
        (Stage.IMPLEMENTED, Stage.SCALED),
        (Stage.IMPLEMENTED, Stage.STOPPED),
        (Stage.SCALED, Stage.STOPPED),
        (Stage.ABANDONED, Stage.AWARE),
        (Stage.STOPPED, Stage.AWARE),
    }
)

ADOPTED = (Stage.IMPLEMENTED, Stage.SCALED)


def offers(stage: np.ndarray) -> np.ndarray:
    """Piloting, implemented or scaled: the organisation offers the innovation to (some of) its clients."""
    return (stage >= Stage.PILOTING) & (stage <= Stage.SCALED)


def is_adopted(stage: np.ndarray) -> np.ndarray:
    """Implemented or scaled: the organisation offers the innovation as regular care."""
    return (stage == Stage.IMPLEMENTED) | (stage == Stage.SCALED)


def check_transitions(before: np.ndarray, after: np.ndarray) -> None:
    """Raise if any cell moved along a transition that ALLOWED does not contain (a guard, cheap on arrays)."""
    moved = before != after
    if not moved.any():
        return
    pairs = set(zip(before[moved].tolist(), after[moved].tolist(), strict=True))
    bad = {(Stage(a).name, Stage(b).name) for a, b in pairs if (a, b) not in ALLOWED}
    if bad:
        raise RuntimeError(f"invalid stage transitions: {sorted(bad)}")
