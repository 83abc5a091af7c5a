"""Calibration (`diffusionsim calibrate`, pyABC's ABC-SMC): recovery of known Bass parameters, the files and the report,
resumption of a stopped run, one-line errors for bad calibration files, and a Dask LocalCluster.

Everything runs on a small Bass-limit world (100 organisations, 96 months): about 0.05 s a run.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from diffusionsim import calendar
from diffusionsim.calibration import calibrate, draw_posterior, load_posterior
from diffusionsim.calibration.abc import prior_distribution
from diffusionsim.calibration.config import load_config
from diffusionsim.calibration.simulate import run_once
from diffusionsim.cli import main
from diffusionsim.scenario import load_scenario
from tests.conftest import SCENARIOS

TRUE = {"diffusion.p": 0.02, "diffusion.q": 0.6}
USED_MONTHS = (24, 48, 72, 84)
UNUSED_MONTH = 96
SE = 0.04

SMALL_BASS = f"""extends = "{(SCENARIOS / "bass.toml").as_posix()}"
[simulation]
months = 96
[sectors.home_nursing]
organisations = 100
[scale]
citizens = 20
"""


def observation(month: int, value: float, use: bool) -> str:
    return f"""[[observation]]
id = "adoption_m{month}"
indicator = "org_adoption:innovation"
date = "{calendar.date_of("2027-01", month)}"
value = {value}
se = {SE}
se_method = "synthetic: one run of the model with known p and q"
source = {{ authors = "the test", title = "synthetic record", year = 2026, where = "-", url_or_store = "-" }}
checked = false
check_note = "synthetic"
use = {str(use).lower()}
mapping = "the model's own indicator"
"""


def config_text(population: int, generations: int, draws: int, extra_parameter: str = "") -> str:
    return f"""scenario = "small_bass.toml"
observations = "observations.toml"

[abc]
population_size = {population}
max_generations = {generations}
max_walltime_minutes = 10
seed = 7
predictive_draws = {draws}

[[parameters]]
key = "diffusion.p"
prior = "loguniform"
low = 0.0005
high = 0.1
unit = "per year"
source = "Sultan, Farley & Lehmann 1990; Chandrasekaran & Tellis 2007 (mean p 0.0007-0.03), widened"

[[parameters]]
key = "diffusion.q"
prior = "uniform"
low = 0.05
high = 1.2
unit = "per year"
source = "Sultan, Farley & Lehmann 1990; Chandrasekaran & Tellis 2007 (mean q 0.38-0.53), widened"
{extra_parameter}"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A directory with the small Bass scenario and observations simulated from it with the true p and q."""
    root = tmp_path_factory.mktemp("calibration")
    (root / "small_bass.toml").write_text(SMALL_BASS)
    truth = load_scenario(root / "small_bass.toml", [f"{k}={v}" for k, v in TRUE.items()])
    table, _ = run_once(truth, seed=2024, collect="adoption")
    curve = table.set_index("month")["org_adoption:innovation"]
    entries = [observation(m, float(curve[m]), True) for m in USED_MONTHS]
    entries.append(observation(UNUSED_MONTH, float(curve[UNUSED_MONTH]), False))
    (root / "observations.toml").write_text("\n".join(entries))
    return root


def write_config(world, name: str, **kw) -> str:
    path = world / name
    path.write_text(config_text(**kw))
    return str(path)


@pytest.fixture(scope="module")
def recovered(world):
    """A small calibration through the command line, on one worker (pyABC's single-core sampler: reproducible)."""
    config = write_config(world, "recovery.toml", population=40, generations=3, draws=12)
    out = world / "recovery"
    assert main(["calibrate", config, "--out", str(out), "--workers", "1", "--quiet"]) == 0
    return out


def test_recovery_puts_the_true_values_in_the_90_percent_interval_and_narrows_the_prior(recovered, world):
    posterior = load_posterior(recovered)
    assert list(posterior.columns) == ["diffusion.p", "diffusion.q", "weight"]
    assert posterior["weight"].sum() == pytest.approx(1.0)
    config = load_config(world / "recovery.toml", check_model=False)
    for parameter in config.spec.parameters:
        values, w = posterior[parameter.key].to_numpy(), posterior["weight"].to_numpy()
        order = np.argsort(values)
        cum = np.cumsum(w[order])
        low, high = values[order][np.searchsorted(cum, 0.05)], values[order][np.searchsorted(cum, 0.95)]
        assert low <= TRUE[parameter.key] <= high, (parameter.key, low, high)
        sd = np.sqrt(np.cov(values, aweights=w))
        assert sd < prior_distribution(parameter).std(), parameter.key


def test_the_command_writes_every_file_and_the_report_marks_unused_observations(recovered):
    for name in ("abc.db", "posterior.parquet", "calibrated.toml", "manifest.json", "predictive.parquet"):
        assert (recovered / name).is_file(), name
    calibrated = load_scenario(recovered / "calibrated.toml")
    medians = dict(zip(("p", "q"), (calibrated.diffusion.p, calibrated.diffusion.q), strict=True))
    assert 0.0005 < medians["p"] < 0.1 and 0.05 < medians["q"] < 1.2
    assert "90% interval" in (recovered / "calibrated.toml").read_text()
    assert calibrated.sectors["home_nursing"].organisations == 100  # it extends the calibrated scenario

    manifest = json.loads((recovered / "manifest.json").read_text())
    assert manifest["generations"] == 3 and len(manifest["ess"]) == len(manifest["acceptance_rates"]) == 3
    assert manifest["simulations"] >= 4 * 40 and manifest["config_sha256"] and manifest["scenario_sha256"]
    assert manifest["seeds"]["calibration_seed"] == 7

    predictive = pd.read_parquet(recovered / "predictive.parquet")
    assert predictive["draw"].nunique() == 12
    values = predictive[predictive["kind"] == "observation"]
    assert set(values["name"]) == {f"adoption_m{m}" for m in (*USED_MONTHS, UNUSED_MONTH)}  # the unused one too
    assert set(predictive.loc[predictive["kind"] == "series", "name"]) == {"org_adoption:innovation"}

    html = (recovered / "calibration.html").read_text()
    assert 'id="fit"' in html and "within 2 se" in html and "z</th>" in html
    assert "no (not used in calibration)" in html and "NOT used in" in html
    assert html.count("data:image/png;base64,") == 4
    assert "http://" not in html and "https://" not in html  # self-contained


def test_draw_posterior_resamples_by_weight_and_repeats_with_its_seed(recovered):
    draws = draw_posterior(recovered, 200, seed=3)
    assert len(draws) == 200 and set(draws[0]) == {"diffusion.p", "diffusion.q"}
    assert draws == draw_posterior(recovered, 200, seed=3)
    assert draws != draw_posterior(recovered, 200, seed=4)


def test_a_stopped_calibration_resumes_from_its_last_generation(world):
    out = world / "resume"
    first = write_config(world, "resume.toml", population=15, generations=1, draws=3)
    one = calibrate(first, out, workers=1)
    assert not one.resumed and len(one.generations) == 1
    before = one.generations[0]

    write_config(world, "resume.toml", population=15, generations=2, draws=3)  # only a stopping rule changes
    two = calibrate(first, out, workers=1)
    assert two.resumed and [g["generation"] for g in two.generations] == [0, 1]
    assert two.generations[0] == before  # generation 0 is read back from the database, not recomputed
    # pyABC's count includes its calibration sample from the prior, drawn once, before generation 0.
    assert two.manifest["simulations"] == one.manifest["simulations"] + two.generations[1]["simulations"]
    with sqlite3.connect(out / "abc.db") as db:
        assert db.execute("select count(*) from abc_smc").fetchone()[0] == 1  # the same run, continued
        assert sorted(t for (t,) in db.execute("select t from populations where t >= 0")) == [0, 1]

    write_config(world, "resume.toml", population=20, generations=2, draws=3)  # now the posterior would differ
    with pytest.raises(Exception, match="config_sha256"):
        calibrate(first, out, workers=1)


BAD = {
    "unknown key": ('key = "diffusion.q"', 'key = "diffusion.qq"', "parameters.1.key = 'diffusion.qq'"),
    "bounds reversed": ("low = 0.05\nhigh = 1.2", "low = 1.2\nhigh = 0.05", "parameters.1.high = 0.05"),
    "bound the scenario refuses": (
        'key = "diffusion.q"\nprior = "uniform"\nlow = 0.05\nhigh = 1.2',
        'key = "behaviour.pilot_rate"\nprior = "uniform"\nlow = 0.05\nhigh = 1.5',
        "parameters.1.high = 1.5",
    ),
    "missing observations": ('observations = "observations.toml"', 'observations = "nowhere.toml"', "observations ="),
    "list item": ('key = "diffusion.q"', 'key = "regions.0.population_share"', "parameters.1.key"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_calibration_file_exits_2_with_one_line_naming_file_and_key(world, tmp_path, capsys, case):
    old, new, expected = BAD[case]
    text = config_text(population=10, generations=1, draws=2)
    assert old in text
    path = world / f"bad_{case.replace(' ', '_')}.toml"
    path.write_text(text.replace(old, new, 1))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and expected in lines[0] and "allowed:" in lines[0], lines[0]
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_dask_local_cluster(world):
    config = write_config(world, "dask.toml", population=10, generations=1, draws=2)
    result = calibrate(config, world / "dask", dask_local=2)
    assert len(result.posterior) == 10 and (world / "dask" / "calibration.html").is_file()
