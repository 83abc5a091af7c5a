"""The Bass limit: with frictions off, homogeneous agents and complete mixing, the model is the Bass model.

bass.toml switches the frictions off; p and q are the model's own awareness parameters (scenario keys
diffusion.p and diffusion.q), not a curve drawn beside it. The mean organisational adoption over 20 replications
must stay within 0.03 (absolute share) of the closed form at every month, for two (p, q) pairs.
"""

from __future__ import annotations

import numpy as np
import pytest

from diffusionsim.bass import bass_cdf
from diffusionsim.experiments import replication_seeds
from diffusionsim.model import DiffusionModel
from diffusionsim.scenario import load_scenario
from tests.conftest import SCENARIOS

REPLICATIONS = 20
TOLERANCE = 0.03


def mean_adoption(scenario, replications: int) -> np.ndarray:
    curves = []
    for seed in replication_seeds(scenario.simulation.seed, replications):
        model = DiffusionModel(scenario, rng=seed).run()
        curves.append(model.datacollector.get_model_vars_dataframe()["org_adoption:innovation"].to_numpy())
    return np.mean(curves, axis=0)


@pytest.mark.parametrize("p, q", [(0.03, 0.38), (0.01, 0.6)])
def test_mean_adoption_follows_the_bass_closed_form(demo_path, p, q):
    scenario = load_scenario(demo_path.parent / "bass.toml", [f"diffusion.p={p}", f"diffusion.q={q}"])
    assert (scenario.diffusion.p, scenario.diffusion.q) == (p, q)
    simulated = mean_adoption(scenario, REPLICATIONS)
    months = np.arange(len(simulated))
    expected = bass_cdf(months / 12.0, p, q)
    worst = np.abs(simulated - expected).max()
    assert worst <= TOLERANCE, f"max |mean - Bass| = {worst:.4f} at month {np.abs(simulated - expected).argmax()}"
    # The curve must actually diffuse (not trivially near zero), so the comparison has something to say.
    assert simulated[-1] > 0.5


def test_bass_limit_depends_on_q():
    """Word of mouth matters: without q the curve is the pure-innovation exponential 1 - e^{-pt}, far below Bass."""
    scenario = load_scenario(SCENARIOS / "bass.toml", ["diffusion.q=0.0"])
    simulated = mean_adoption(scenario, 5)
    expected = 1 - np.exp(-0.03 * np.arange(len(simulated)) / 12.0)
    assert np.abs(simulated - expected).max() < TOLERANCE
    assert simulated[-1] < bass_cdf(10.0, 0.03, 0.38) - 0.4
