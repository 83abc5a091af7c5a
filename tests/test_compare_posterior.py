"""`compare --posterior DIR`: every replication runs on its own posterior draw, the same in every scenario, and the
report says whether the model's noise or what calibration left uncertain dominates each outcome's spread."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.experiments.compare import compare
from diffusionsim.experiments.posterior import draw, draw_values, load_posterior, plan, with_draw
from diffusionsim.experiments.seeds import replication_seeds
from diffusionsim.experiments.worker import simulate
from diffusionsim.report.comparison import (
    OUTCOME_LABELS,
    Context,
    build_report,
    to_markdown,
)
from diffusionsim.report.comparison import calibration_uncertainty as cu
from diffusionsim.scenario import load_scenario
from tests import test_compare_report as synthetic
from tests.conftest import SCENARIOS

SHORT = ["simulation.months=24", "scale.citizens=1000"]
DEMO, BUNDLED = SCENARIOS / "demo.toml", SCENARIOS / "bundled_payment.toml"


def write_posterior(directory: Path, columns: dict[str, np.ndarray], weights: np.ndarray | None = None) -> Path:
    """A calibration directory as `diffusionsim calibrate` writes it: posterior.parquet (+ weight) and manifest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    n = len(next(iter(columns.values())))
    weights = np.full(n, 1.0 / n) if weights is None else weights
    pd.DataFrame(columns | {"weight": weights}).to_parquet(directory / "posterior.parquet")
    (directory / "manifest.json").write_text(json.dumps({"fake": True}))
    return directory


@pytest.fixture(scope="module")
def fake(tmp_path_factory) -> Path:
    """40 particles with a spread in diffusion.q and behaviour.pilot_rate, unequal weights."""
    rng = np.random.default_rng(7)
    columns = {"diffusion.q": rng.uniform(0.3, 0.9, 40), "behaviour.pilot_rate": rng.uniform(0.02, 0.1, 40)}
    weights = rng.uniform(0.1, 1.0, 40)
    return write_posterior(tmp_path_factory.mktemp("calibration"), columns, weights / weights.sum())


# ------------------------------------------------------------------------------------------------ the draws
def test_draws_are_reproducible_per_seed_and_follow_the_weights(fake, tmp_path):
    posterior = load_posterior(fake)
    seeds = replication_seeds(11, 5)
    once, again = draw(posterior, seeds), draw(posterior, seeds)
    pd.testing.assert_frame_equal(once, again)
    pd.testing.assert_frame_equal(draw(posterior, seeds[:3]), once.iloc[:3])  # r's draw depends on r's seed alone
    assert list(once.columns) == ["replication", "seed", "particle", "diffusion.q", "behaviour.pilot_rate"]
    weights = np.array([0.0, 0.7, 0.3, 0.0])
    skewed = load_posterior(write_posterior(tmp_path / "skewed", {"diffusion.q": np.arange(4.0) / 10}, weights))
    counts = draw(skewed, replication_seeds(3, 2000))["particle"].value_counts()
    assert set(counts.index) == {1, 2}  # a particle of weight 0 is never drawn
    assert counts[1] / 2000 == pytest.approx(0.7, abs=0.04)


def test_every_scenario_gets_the_same_draw_per_replication(fake):
    scenarios = [load_scenario(p, SHORT) for p in (DEMO, BUNDLED)]
    seeds = replication_seeds(5, 4)
    drawn = plan(fake, scenarios, ["demo", "bundled"], ["demo", "bundled_payment"], SHORT, seeds)
    for r in range(4):
        values = draw_values(drawn.draws, r)
        for i in range(2):
            run = drawn.scenario(i, r)
            assert (run.diffusion.q, run.behaviour.pilot_rate) == (
                values["diffusion.q"],
                values["behaviour.pilot_rate"],
            )
        assert drawn.scenario(1, r).policy == scenarios[1].policy  # the scenario's own settings stay
    assert drawn.draws["particle"].nunique() > 1


@pytest.fixture(scope="module")
def runs(fake) -> dict[str, object]:
    return {
        "one": compare([DEMO, BUNDLED], 3, workers=1, overrides=SHORT, posterior=fake),
        "two": compare([DEMO, BUNDLED], 3, workers=2, overrides=SHORT, posterior=fake),
        "plain": compare([DEMO, BUNDLED], 3, workers=1, overrides=SHORT),
    }


def test_draws_and_results_do_not_depend_on_worker_count(runs):
    one, two = runs["one"], runs["two"]
    pd.testing.assert_frame_equal(one.draws, two.draws)
    pd.testing.assert_frame_equal(one.outcomes, two.outcomes)
    assert one.manifest["posterior"]["draws"] == two.manifest["posterior"]["draws"]


def test_the_draws_reach_the_model(runs):
    """Replication 0's row is the run of the scenario with its drawn values, and differs from the run without."""
    with_posterior, plain = runs["one"], runs["plain"]
    values = draw_values(with_posterior.draws, 0)
    seed = with_posterior.manifest["replication_seeds"][0]
    _, expected = simulate(with_draw(load_scenario(DEMO, SHORT), values), seed, series=False)
    row = with_posterior.outcomes.query("scenario == 'demo' and replication == 0").iloc[0]
    assert row["pilots_started"] == expected["pilots_started"] and row["fte_saved"] == expected["fte_saved"]
    columns = ["pilots_started", "public_money_spent", "fte_saved"]
    assert not with_posterior.outcomes[columns].equals(plain.outcomes[columns])
    assert "posterior" not in plain.manifest and plain.draws.empty


# ------------------------------------------------------------------------------------------------ the command
@pytest.fixture(scope="module")
def cli_run(fake, tmp_path_factory):
    """demo against a scenario of its own that sets a calibrated key (diffusion.q), through the command line."""
    base = tmp_path_factory.mktemp("cli")
    own = base / "fast_word_of_mouth.toml"
    own.write_text(f'extends = "{DEMO}"\n[meta]\nname = "fast_word_of_mouth"\n[diffusion]\nq = 1.5\n')
    out = base / "report"
    argv = ["compare", str(DEMO), str(own), "-n", "3", "-w", "2", "--months", "24", "--set", "scale.citizens=1000"]
    return out, argv + ["--posterior", str(fake), "--out", str(out), "--quiet"]


def test_cli_writes_draws_manifest_and_the_section(cli_run, fake, capsys):
    out, argv = cli_run
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "warning: scenario fast_word_of_mouth sets diffusion.q = 1.5" in err and "override" in err
    draws = pd.read_csv(out / "posterior_draws.csv")
    assert len(draws) == 3 and {"diffusion.q", "behaviour.pilot_rate", "particle", "seed"} <= set(draws.columns)
    manifest = json.loads((out / "manifest.json").read_text())
    post = manifest["posterior"]
    assert post["sha256"] == load_posterior(fake).sha256 and post["dir"] == str(fake)
    assert [d["diffusion.q"] for d in post["draws"]] == pytest.approx(draws["diffusion.q"].tolist())
    md = (out / "report.md").read_text()
    section = md[md.index("## Calibration uncertainty") : md.index("## Appendix")]
    assert "diffusion.q" in section and "**Warning:** scenario fast_word_of_mouth sets diffusion.q" in section
    outcomes = pd.read_csv(out / "outcomes.csv").columns
    for column in [c for c in OUTCOME_LABELS if c in outcomes and not c.startswith(("money:", "impact:"))]:
        assert f"- {OUTCOME_LABELS[column]}: " in section  # a statement per headline outcome
    assert f"--posterior {fake}" in md  # the rerun command carries it


@pytest.mark.parametrize(
    "case",
    [
        "no_dir",
        "no_file",
        "damaged",
        "unknown_key",
        "unknown_item",
        "out_of_bounds",
        "negative_weight",
        "zero_weights",
        "no_weight",
    ],
)
def test_bad_posterior_dirs_exit_2_with_one_line(case, tmp_path, capsys):
    directory = tmp_path / "cal"
    q = np.array([0.4, 0.5])
    if case == "no_file":
        directory.mkdir()
    elif case == "damaged":
        directory.mkdir()
        (directory / "posterior.parquet").write_bytes(b"PAR1 this is not parquet")
    elif case != "no_dir":
        columns = {"diffusion.q": q}
        weights = {"negative_weight": np.array([1.5, -0.5]), "zero_weights": np.zeros(2)}.get(case)
        weights = np.array([0.01, 0.99]) if case == "out_of_bounds" else weights
        columns |= {
            "unknown_key": {"diffusion.qq": q},
            "unknown_item": {"innovations.nope.pilot_cost": q},
            "out_of_bounds": {"behaviour.pilot_rate": np.array([0.05, 1.7])},  # a share above 1
        }.get(case, {})
        write_posterior(directory, columns, weights)
        if case == "no_weight":
            pd.DataFrame(columns).to_parquet(directory / "posterior.parquet")
    out = tmp_path / "out"
    argv = ["compare", str(DEMO), "-n", "2", "--months", "12", "--posterior", str(directory), "--out", str(out)]
    assert main([*argv, "--quiet"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(directory) in lines[0] and "allowed" in lines[0]
    assert case in ("no_dir",) or "posterior.parquet" in lines[0]
    assert not out.exists()


# ------------------------------------------------------------------------------------------------ which dominates
def _spread(tmp: Path, name: str, q: np.ndarray, pilot_rate: np.ndarray) -> pd.DataFrame:
    """20 replications of the demo (3 years, small) on a posterior; the uncertainty table of its headline outcomes."""
    directory = write_posterior(tmp / name, {"diffusion.q": q, "behaviour.pilot_rate": pilot_rate})
    overrides = ["simulation.months=36", "scale.citizens=1000"]
    result = compare([DEMO], 20, workers=2, overrides=overrides, seed=3, posterior=directory)
    table = cu.uncertainty_table(result.outcomes, result.draws, ["pilots_started", "fte_saved"], ["demo"])
    return table.set_index("outcome")


def test_a_wide_posterior_dominates_and_a_degenerate_one_leaves_model_noise(tmp_path):
    """A huge posterior (q from 0.05 to 2, pilot_rate from 0.002 to 0.5, log-uniform) decides how many pilots start
    (on the demo q alone moves little in 3 years: awareness is not the bottleneck); one particle decides nothing."""
    rng = np.random.default_rng(1)
    pilot_rate = np.exp(rng.uniform(np.log(0.002), np.log(0.5), 50))
    wide = _spread(tmp_path, "wide", rng.uniform(0.05, 2.0, 50), pilot_rate)
    assert wide.loc["pilots_started", "dominates"] == "calibration"
    assert wide.loc["pilots_started", "share_calibration"] > 0.5
    degenerate = _spread(tmp_path, "degenerate", np.full(50, 0.6), np.full(50, 0.05))
    assert (degenerate["dominates"] == "model noise").all() and (degenerate["share_calibration"] == 0).all()
    assert (degenerate["sd"] > 0).all()  # the replications still differ: that is the model's own noise


def test_explained_share_on_known_cases():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (30, 2))
    assert cu.explained_share(3 * x[:, 0] + rng.normal(0, 0.01, 30), x)[0] > 0.99
    assert cu.explained_share((x[:, 1] - 0.5) ** 2 + rng.normal(0, 0.001, 30), x)[0] > 0.9  # a curve counts too
    assert cu.explained_share(rng.normal(0, 1, 30), x)[0] < 0.5
    assert cu.explained_share(rng.normal(0, 1, 30), np.ones((30, 2)))[0] == 0.0  # constant draws explain nothing
    assert np.isnan(cu.explained_share(np.ones(30), x)[0])  # no spread: nothing to split


def test_statements_say_which_dominates():
    rows = pd.DataFrame(
        {
            "scenario": ["a", "b", "b"],
            "difference": [False, False, True],
            "share_calibration": [0.9, 0.2, 0.1],
            "dominates": ["calibration", "model noise", "model noise"],
        }
    )
    text = cu.statement("Pilots", rows, "a")
    assert text.startswith("Pilots: mixed: what calibration left uncertain dominates in a")
    assert "the model's own noise dominates in b" in text and "Its difference against a: the model's own noise" in text


# ------------------------------------------------------------------------------------------------ without a posterior
def _synthetic() -> SimpleNamespace:
    rng = np.random.default_rng(20240601)
    manifest = {"scenarios": [{"name": s} for s in synthetic.SCENARIOS], "base_seed": 1, "replications": 5}
    return SimpleNamespace(
        scenarios=synthetic.SCENARIOS,
        timeseries=synthetic._timeseries(rng),
        outcomes=synthetic._outcomes(rng),
        kinds=synthetic.KINDS,
        manifest=manifest,
    )


def test_without_posterior_the_report_is_unchanged():
    """No posterior: no section, no draws table, not a word about it. With draws, the section is the only change."""
    result = _synthetic()
    plain = build_report(Context.of(result))
    md = to_markdown(plain)
    assert "Calibration uncertainty" not in md and "posterior" not in md.lower()
    assert "calibration" not in [s.id for s in plain.sections]
    seeds = replication_seeds(1, synthetic.REPLICATIONS)
    draws = pd.DataFrame({"replication": range(5), "seed": seeds, "particle": range(5), "diffusion.q": np.arange(5.0)})
    with_draws = build_report(Context.of(SimpleNamespace(**vars(result), draws=draws)))
    assert [s.id for s in with_draws.sections if s.id != "calibration"] == [s.id for s in plain.sections]
    assert with_draws.section("calibration") is not None
    with_draws.sections.remove(with_draws.section("calibration"))
    assert to_markdown(with_draws) == md
