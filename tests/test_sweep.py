"""`diffusionsim sweep`: designs, executors (serial, local pool, Dask) giving identical results, atomic parts,
kill-and-resume, recorded failures, and clear errors for bad sweep files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.experiments import sweep as sweep_module
from diffusionsim.experiments.designs import make_design
from diffusionsim.experiments.sweep import execute, load_sweep, read_failures, read_runs, run_sweep
from tests.conftest import SCENARIOS

FAST = '["simulation.months=12", "scale.citizens=400"]'


def write_sweep(folder: Path, body: str, name: str = "sweep.toml", overrides: str = FAST) -> Path:
    path = folder / name
    path.write_text(f'name = "test"\nbase = "{SCENARIOS / "demo.toml"}"\noverrides = {overrides}\n{body}')
    return path


GRID = """design = "grid"
replications = 2
seed = 5
[[parameters]]
path = "policy.cofinancing.private_share"
values = [0.1, 0.5]
[[parameters]]
path = "behaviour.pilot_rate"
values = [0.02, 0.2]
"""


def flaky(task):
    """A runner that fails on run 3, to check failures are recorded and the rest completes."""
    if task["run"] == 3:
        raise RuntimeError("simulated failure in run 3")
    return execute(task)


def dies_once(task):
    """A runner whose worker process dies the first time it meets run 2 (a lost Dask worker)."""
    marker = Path(os.environ["DIFFUSIONSIM_TEST_MARKERS"]) / f"run-{task['run']}"
    if task["run"] == 2 and not marker.exists():
        marker.touch()
        os._exit(1)
    return execute(task)


def test_a_lost_dask_worker_is_replaced_and_its_run_retried(tmp_path, monkeypatch):
    monkeypatch.setenv("DIFFUSIONSIM_TEST_MARKERS", str(tmp_path))
    sweep = write_sweep(tmp_path, GRID)
    summary = run_sweep(sweep, tmp_path / "dask", dask_local=2, runner=dies_once)
    assert (tmp_path / "run-2").exists(), "the worker running run 2 should have died once"
    assert (summary.done, summary.failed) == (8, 0)
    run_sweep(sweep, tmp_path / "serial", workers=1)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "dask"), read_runs(tmp_path / "serial"))


def test_serial_local_pool_and_dask_give_identical_results(tmp_path):
    sweep = write_sweep(tmp_path, GRID)
    run_sweep(sweep, tmp_path / "serial", workers=1)
    run_sweep(sweep, tmp_path / "pool", workers=2)
    run_sweep(sweep, tmp_path / "dask", dask_local=2)
    serial = read_runs(tmp_path / "serial")
    assert len(serial) == 8 and serial["run"].tolist() == list(range(8))
    pd.testing.assert_frame_equal(serial, read_runs(tmp_path / "pool"))
    pd.testing.assert_frame_equal(serial, read_runs(tmp_path / "dask"))
    assert {"policy.cofinancing.private_share", "behaviour.pilot_rate", "implemented_10y", "seed"} <= set(serial)
    # Common random numbers: replication r has the same seed at every design point.
    assert serial.groupby("replication")["seed"].nunique().eq(1).all()
    assert (tmp_path / "serial" / "design.csv").exists() and (tmp_path / "serial" / "manifest.json").exists()


def test_outcome_rows_are_the_same_whether_or_not_the_series_is_kept(tmp_path):
    # Without the series, models collect only the adoption curves (metrics.adoption_reporters) and the outcome row
    # takes the rest from the finished model; with it, they collect every indicator. The rows must not differ.
    overrides = '["simulation.months=72", "scale.citizens=400"]'
    lean = write_sweep(tmp_path, GRID, "lean.toml", overrides)
    full = write_sweep(tmp_path, "timeseries = true\n" + GRID, "full.toml", overrides)
    run_sweep(lean, tmp_path / "lean", workers=2)
    run_sweep(full, tmp_path / "full", workers=2)
    rows = read_runs(tmp_path / "lean")
    pd.testing.assert_frame_equal(rows, read_runs(tmp_path / "full"))
    assert not list((tmp_path / "lean" / "timeseries").glob("*.parquet"))
    series = pd.read_parquet(tmp_path / "full" / "timeseries").sort_values(["run", "month"])
    assert len(series) == 8 * 73 and series["seed"].dtype == np.uint64
    last = series[series["month"] == 72].set_index("run")
    org = [c for c in series if c.startswith("org_adoption:")]
    np.testing.assert_allclose(last[org].mean(axis=1), rows.set_index("run")["implemented_10y"], rtol=1e-12)
    for column in ("public_money_spent", "money:insurer", "impact:provider", "ses_gap", "pilots_started"):
        np.testing.assert_array_equal(last[column], rows.set_index("run")[column])


def test_kill_and_resume_gives_the_uninterrupted_dataset(tmp_path):
    body = GRID.replace("replications = 2", "replications = 6")
    sweep = write_sweep(tmp_path, body, overrides='["simulation.months=36", "scale.citizens=400"]')
    run_sweep(sweep, tmp_path / "whole", workers=1)
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "diffusionsim.cli",
        "sweep",
        str(sweep),
        "--out",
        str(out),
        "--workers",
        "1",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("part-*.parquet"))) < 5:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = len(list((out / "runs").glob("part-*.parquet")))
    assert 5 <= stored < 24, f"the kill should land mid-sweep, found {stored} parts"
    (out / "runs" / ".tmp-999-part-0000023.parquet").write_bytes(b"half a file")  # as a kill mid-write leaves it
    assert main(["sweep", str(sweep), "--out", str(out), "--workers", "2", "--resume", "--quiet"]) == 0
    resumed = read_runs(out)
    pd.testing.assert_frame_equal(resumed, read_runs(tmp_path / "whole"))
    assert resumed["run"].is_unique and not list((out / "runs").glob(".tmp-*"))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_run_is_recorded_and_the_rest_complete(tmp_path, workers):
    sweep = write_sweep(tmp_path, GRID)
    summary = run_sweep(sweep, tmp_path / "out", workers=workers, runner=flaky)
    assert (summary.done, summary.failed) == (7, 1)
    failures = read_failures(tmp_path / "out")
    assert failures["run"].tolist() == [3]
    assert "simulated failure in run 3" in failures.loc[0, "error"] and "Traceback" in failures.loc[0, "error"]
    assert {"seed", "point", "policy.cofinancing.private_share"} <= set(failures)
    assert 3 not in read_runs(tmp_path / "out")["run"].tolist()
    # Resuming retries the failed run only; it now succeeds and its failure record goes.
    summary = run_sweep(sweep, tmp_path / "out", workers=1, resume=True)
    assert (summary.done, summary.skipped, summary.failed) == (1, 7, 0)
    assert len(read_failures(tmp_path / "out")) == 0 and len(read_runs(tmp_path / "out")) == 8


def test_cli_exits_non_zero_and_counts_failures(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sweep_module, "execute", flaky)
    sweep = write_sweep(tmp_path, GRID)
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 1
    captured = capsys.readouterr()
    assert "7 runs done" in captured.out and "1 run(s) failed" in captured.err


def test_an_existing_sweep_needs_resume_and_a_changed_sweep_is_refused(tmp_path, capsys):
    sweep = write_sweep(tmp_path, GRID)
    run_sweep(sweep, tmp_path / "out", workers=1)
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "--resume" in capsys.readouterr().err
    changed = write_sweep(tmp_path, GRID.replace("seed = 5", "seed = 6"))
    assert main(["sweep", str(changed), "--out", str(tmp_path / "out"), "--resume", "--quiet"]) == 2
    assert "different sweep" in capsys.readouterr().err


BAD = {
    "unknown parameter path": (GRID.replace("behaviour.pilot_rate", "behaviour.pilot_rat"), "behaviour.pilot_rat"),
    "empty range": (GRID.replace("values = [0.02, 0.2]", "values = []"), "parameters.1.values"),
    "bounds missing": (GRID.replace('design = "grid"', 'design = "lhs"\nsamples = 4'), "parameters.0.min"),
    "min not below max": (
        'design = "sobol"\nsamples = 4\n[[parameters]]\npath = "diffusion.p"\nmin = 0.3\nmax = 0.1\n',
        "parameters.0.max",
    ),
    "no samples": ('design = "morris"\n[[parameters]]\npath = "diffusion.p"\nmin = 0.1\nmax = 0.3\n', "samples"),
    "unknown design": (GRID.replace('"grid"', '"random"'), "design"),
    "value out of range": (GRID.replace("values = [0.1, 0.5]", "values = [0.1, 1.5]"), "private_share"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_sweep_files_get_one_clear_error(tmp_path, capsys, case):
    body, key = BAD[case]
    sweep = write_sweep(tmp_path, body)
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("diffusionsim: error:") == 1 and "sweep.toml" in err and key in err and "allowed" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_designs_have_the_documented_sizes_and_bounds(tmp_path):
    ranges = '[[parameters]]\npath = "diffusion.p"\nmin = 0.0\nmax = 0.5\n[[parameters]]\npath = "diffusion.q"\nmin = 0.1\nmax = 0.9\n[[parameters]]\npath = "simulation.months"\nmin = 12\nmax = 24\ntype = "int"\n'  # noqa: E501
    for design, samples, rows in (("lhs", 10, 10), ("sobol", 8, 8 * (3 + 2)), ("morris", 5, 5 * (3 + 1))):
        spec, _ = load_sweep(write_sweep(tmp_path, f'design = "{design}"\nsamples = {samples}\n{ranges}'))
        table = pd.DataFrame(make_design(spec))
        assert len(table) == rows and table["point"].tolist() == list(range(rows))
        assert table["diffusion.p"].between(0.0, 0.5).all() and table["diffusion.q"].between(0.1, 0.9).all()
        assert table["simulation.months"].dtype.kind == "i"
    lhs = pd.DataFrame(make_design(load_sweep(write_sweep(tmp_path, f'design = "lhs"\nsamples = 10\n{ranges}'))[0]))
    strata = np.floor(lhs["diffusion.p"] / 0.05).astype(int)  # Latin hypercube: one point per tenth of the range
    assert sorted(strata.tolist()) == list(range(10))
    grid = make_design(
        load_sweep(write_sweep(tmp_path, '[[parameters]]\npath = "diffusion.p"\nvalues = [0, 0.5]\n'))[0]
    )
    assert grid["diffusion.p"] == [0.0, 0.5] and all(type(v) is float for v in grid["diffusion.p"])


def test_sensitivity_command_on_a_morris_sweep_of_the_model(tmp_path, capsys):
    body = 'design = "morris"\nsamples = 4\nseed = 3\n[[parameters]]\npath = "diffusion.p"\nmin = 0.02\nmax = 0.4\n[[parameters]]\npath = "behaviour.pilot_rate"\nmin = 0.01\nmax = 0.2\n'  # noqa: E501
    sweep = write_sweep(tmp_path, body, overrides='["simulation.months=36", "scale.citizens=400"]')
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out"), "--workers", "2", "--quiet"]) == 0
    assert main(["sensitivity", str(tmp_path / "out"), "--outcome", "implemented_10y"]) == 0
    table = pd.read_csv(tmp_path / "out" / "sensitivity" / "sensitivity.csv")
    assert set(table["parameter"]) == {"diffusion.p", "behaviour.pilot_rate"}
    assert (table["mu_star"] >= 0).all() and table["mu_star"].max() > 0
    assert main(["sensitivity", str(tmp_path / "out"), "--outcome", "no_such_outcome"]) == 2
    assert "no_such_outcome" in capsys.readouterr().err
