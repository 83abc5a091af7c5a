"""The Bass limit: with frictions off, homogeneous agents and complete mixing, the model is the Bass model.

bass.toml switches the frictions off; p and q are the model's own awareness parameters (scenario keys diffusion.p and
diffusion.q), not a curve drawn beside it. Two things are held to the closed form F(t) (bass.bass_cdf):

1. The time scheme. ``bass.mean_field`` is the model's monthly rule (diffusion.awareness_chance, exposure at
   mid-month from a predictor) without sampling noise. It must stay within 0.005 of F at every month for every
   p in 0.001-0.1 and q in 0-1 per year; it does within 0.0016 (worst at p = 0.001, q = 1). Taking the exposure at the
   start of the month instead was off by up to 0.064.
2. The model itself. The mean organisational adoption over R replications must stay within TOLERANCE = 0.02 of F at
   every month, for five (p, q) pairs: p from 0.01 to 0.1, q from 0.2 to 1.0. The 0.02 is spent as: scheme
   error (at most 0.0016) + finite-population bias (the mean of 2,000 stochastic organisations lags the infinite
   mean field: measured 0.0007-0.0066 over 1,000-2,000 replications, the most at p = 0.01, q = 0.9) + sampling
   error of the mean, allowed SAMPLING = 0.011 at Z = 4 standard errors: R = ceil((Z·sd / SAMPLING)²).
   With the binomial variance of 2,000 organisations, sd ≤ sqrt(0.25 / 2000) = 0.0112 and R = 17. But adoption is
   contagious: an early or late take-off carries through the whole curve, so the run-to-run sd is larger than
   binomial, 1.3 (p = 0.1, q = 0.2) to 4.7 (p = 0.01, q = 0.9) times, measured with 1,000-2,000 replications (SD
   below). R is computed per pair from that measured sd (27 to 372 replications, 766 runs, about 50 s on one core),
   and the test checks that its own replications show no larger sd. Smaller p needs many more: at p = 0.003,
   q = 0.95 the sd is 0.095 and the finite-population bias 0.015, so it is left to the mean-field test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from diffusionsim.bass import bass_cdf, mean_field
from diffusionsim.diffusion import chance_within, exposure, month_chance, spread_awareness
from diffusionsim.experiments import replication_seeds
from diffusionsim.model import DiffusionModel
from diffusionsim.scenario import load_scenario
from diffusionsim.stages import Stage, is_adopted
from tests.conftest import SCENARIOS

TOLERANCE = 0.02
SCHEME_TOLERANCE = 0.005
Z = 4.0
SAMPLING = 0.011
ORGANISATIONS = 2000  # bass.toml
BINOMIAL_SD = math.sqrt(0.25 / ORGANISATIONS)
# (p, q) per year -> largest run-to-run sd of the adopted share over the 120 months, measured (see the docstring).
SD = {(0.1, 0.2): 0.0142, (0.1, 1.0): 0.0215, (0.03, 0.38): 0.0239, (0.01, 0.5): 0.0416, (0.01, 0.9): 0.0530}


def replications_needed(sd: float) -> int:
    return math.ceil((Z * sd / SAMPLING) ** 2)


def adoption_curves(scenario, replications: int) -> np.ndarray:
    curves = []
    for seed in replication_seeds(scenario.simulation.seed, replications):
        model = DiffusionModel(scenario, rng=seed, collect="adoption").run()
        curves.append(model.datacollector.get_model_vars_dataframe()["org_adoption:innovation"].to_numpy())
    return np.array(curves)


def test_time_scheme_error_is_below_0_005_for_any_p_and_q():
    p = np.geomspace(0.001, 0.1, 25)[:, None]
    q = np.linspace(0.0, 1.0, 21)[None, :]
    months = 600  # 50 years: past the end of every curve on the grid
    t = np.arange(months + 1)[:, None, None] / 12.0
    error = np.abs(mean_field(p, q, months) - bass_cdf(t, p, q))
    worst = np.unravel_index(error.argmax(), error.shape)
    assert error.max() <= SCHEME_TOLERANCE, (
        f"max |mean field - Bass| = {error.max():.4f} at month {worst[0]}, p = {p[worst[1], 0]:.4f}, "
        f"q = {q[0, worst[2]]:.2f}"
    )


def test_replications_from_the_binomial_variance_would_be_too_few():
    assert replications_needed(BINOMIAL_SD) == 17
    assert all(sd > BINOMIAL_SD for sd in SD.values())


@pytest.mark.parametrize("p, q", list(SD))
def test_mean_adoption_follows_the_bass_closed_form(p, q):
    scenario = load_scenario(SCENARIOS / "bass.toml", [f"diffusion.p={p}", f"diffusion.q={q}"])
    assert (scenario.diffusion.p, scenario.diffusion.q) == (p, q)
    replications = replications_needed(SD[p, q])
    curves = adoption_curves(scenario, replications)
    simulated = curves.mean(axis=0)
    months = np.arange(curves.shape[1])
    gap = np.abs(simulated - bass_cdf(months / 12.0, p, q))
    assert gap.max() <= TOLERANCE, f"max |mean - Bass| = {gap.max():.4f} at month {gap.argmax()} ({replications} runs)"
    # The replications were sized for the measured sd; more spread would make the comparison a matter of luck.
    assert curves.std(axis=0, ddof=1).max() <= 1.2 * SD[p, q]
    # The curve must actually diffuse (not trivially near zero), so the comparison has something to say.
    assert simulated[-1] > 0.5


def test_bass_limit_depends_on_q():
    """Word of mouth matters: without q the curve is the pure-innovation exponential 1 - e^{-pt}, far below Bass."""
    scenario = load_scenario(SCENARIOS / "bass.toml", ["diffusion.q=0.0"])
    simulated = adoption_curves(scenario, 5).mean(axis=0)
    expected = 1 - np.exp(-0.03 * np.arange(len(simulated)) / 12.0)
    assert np.abs(simulated - expected).max() < TOLERANCE
    assert simulated[-1] < bass_cdf(10.0, 0.03, 0.38) - 0.4


@pytest.mark.parametrize("frictions", [False, True])
def test_awareness_rule_on_a_network(frictions):
    """On a network the mid-month exposure counts each unaware peer by its chance to have become aware (and, without
    frictions, adopted) in the first half month. With frictions becoming aware adopts nothing, so the start-of-month
    exposure holds all month and newly aware organisations stay AWARE."""
    overrides = ["network.mixing=network", "sectors.home_nursing.organisations=300", "diffusion.q=0.9"]
    # Enough clients that every organisation has eligible ones, so that with frictions too all of them count.
    overrides += ["scale.citizens=3000", "sectors.home_nursing.client_share=1.0", "innovations.0.eligible_share=1.0"]
    scenario = load_scenario(SCENARIOS / "bass.toml", [*overrides, f"behaviour.frictions={str(frictions).lower()}"])
    model = DiffusionModel(scenario, rng=3)
    model.stage[model.rng.random(len(model.stage)) < 0.3, 0] = Stage.IMPLEMENTED
    p, q = scenario.diffusion.p, scenario.diffusion.q
    ties = model.adjacency.toarray()
    adopted = is_adopted(model.stage[:, 0]).astype(float)
    unaware = model.stage[:, 0] == Stage.UNAWARE
    assert model.relevant[:, 0].all()
    degree = np.maximum(ties.sum(axis=1), 1.0)
    x0 = ties @ adopted / degree
    assert np.allclose(exposure(model)[:, 0], x0)
    if frictions:
        expected = chance_within(p + q * x0)
    else:
        x_mid = ties @ (adopted + unaware * chance_within(p + q * x0, 0.5)) / degree
        expected = chance_within(p + q * x_mid)
        assert (x_mid >= x0).all() and (x_mid > x0).any()
    candidates = model.relevant & (model.stage == Stage.UNAWARE)
    assert np.allclose(month_chance(model, candidates)[:, 0][unaware], expected[unaware])
    before = model.stage.copy()
    spread_awareness(model)
    assert set(model.stage[before != model.stage].tolist()) == {Stage.AWARE}
