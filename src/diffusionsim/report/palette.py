"""One colour per scenario, the same in every figure: the Okabe-Ito palette, which readers with the common forms of
colour blindness can tell apart (Okabe & Ito 2008, "Color Universal Design"). The reference scenario is always the
first colour; more scenarios than colours reuse them in order."""

from __future__ import annotations

from collections.abc import Sequence

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
)


def scenario_colours(scenarios: Sequence[str]) -> dict[str, str]:
    """Scenario name -> colour, by the scenario's place in the comparison."""
    return {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(scenarios)}
