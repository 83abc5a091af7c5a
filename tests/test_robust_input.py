"""Issue 11's cases: what passed `validate` and then broke a run, and paths that gave tracebacks, now give exit 2 and
one line per problem, `FILE: key.path = value: allowed: ...`, before any work is done."""

from __future__ import annotations

import json
import os
import time

import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.experiments import worker
from diffusionsim.experiments.seeds import replication_seeds
from tests.conftest import SCENARIOS

DEMO = str(SCENARIOS / "demo.toml")
HUGE = "99999999999999999999"


def error_lines(capsys) -> list[str]:
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("diffusionsim: error: ") for line in lines), err
    return lines


@pytest.mark.parametrize(
    "override, allowed",
    [
        (f"scale.citizens={HUGE}", "at most 2,000,000 citizen agents"),
        (f"sectors.hospital.organisations={HUGE}", "<= 10000000"),
        (f"policy.contracts.payer_horizon_months={HUGE}", "<= 240"),
        (f"innovations.hospital_at_home.savings_delay_months={HUGE}", "<= 1200"),
        (f"financiers.investors.count={HUGE}", "<= 1000"),
        ("sectors.gp.organisations_per_agent=0.01", "at most 5,000 agents"),
        ("scale.citizens_per_agent=inf", "finite"),
        ("sectors.gp.spending_per_client_month=inf", "finite"),
        ("financiers.investors.ticket=inf", "finite"),
        ("innovations.digital_triage.pilot_cost=inf", "finite"),
        ("innovations.digital_triage.staff_hours_saved_per_user_month=inf", "finite"),
        ("innovations.digital_triage.running_cost_per_user_month=nan", "finite"),
        ("regions.0.population_share=inf", "finite"),
        ("citizens.ses_shares={low=0.0,middle=0.0,high=0.0}", "add to > 0"),
        ("citizens.ses_shares={}", "add to > 0"),
    ],
)
def test_values_the_model_cannot_run_are_refused_at_validation(override, allowed, capsys):
    assert main(["validate", DEMO, "--set", override]) == 2
    (line,) = error_lines(capsys)
    key = override.split("=")[0].replace("hospital_at_home", "0").replace("digital_triage", "2")
    assert f"demo.toml: {key} = " in line and allowed in line


def test_all_errors_are_listed_at_once_one_line_each(tmp_path, capsys):
    bad = tmp_path / "two.toml"
    bad.write_text((SCENARIOS / "demo.toml").read_text().replace('extends = "baseline.toml"', ""))
    assert main(["validate", str(bad)]) == 2
    lines = error_lines(capsys)
    assert len(lines) >= 3  # sectors, regions, companies, innovations missing: one line each
    assert all("two.toml: " in line and ": missing; allowed" in line for line in lines)


def test_paths_that_are_not_scenario_files(tmp_path, capsys):
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    child = tmp_path / "child.toml"
    child.write_text('extends = "loop.toml"\n')
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    for path, says in [
        (tmp_path, "is a directory"),
        (loop, "symbolic link loop"),
        (child, "symbolic link loop"),
        (deep, "nested too deep"),
    ]:
        assert main(["validate", str(path)]) == 2
        (line,) = error_lines(capsys)
        assert says in line and "allowed" in line


def test_a_list_index_that_is_not_an_ascii_number(capsys):
    assert main(["validate", DEMO, "--set", "regions.².name=x"]) == 2
    (line,) = error_lines(capsys)
    assert "no item '²'" in line


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_out_pointing_at_a_file_is_refused_before_any_run(command, tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("")
    source = str(SCENARIOS / "sweeps" / "cofinancing_grid.toml") if command == "sweep" else DEMO
    argv = [command, source, "--out", str(target), "--quiet"]
    started = time.monotonic()
    assert main(argv) == 2
    assert time.monotonic() - started < 5  # refused up front, not after the runs
    (line,) = error_lines(capsys)
    assert "is a file" in line and "allowed" in line
    nested = tmp_path / "a_file" / "below"
    assert main([command, source, "--out", str(nested), "--quiet"]) == 2
    assert "is a file" in error_lines(capsys)[0]


def test_resume_on_a_damaged_manifest_says_what_is_damaged(tmp_path, capsys):
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"sweep_sha": "x"})[:8])
    sweep = str(SCENARIOS / "sweeps" / "cofinancing_grid.toml")
    assert main(["sweep", sweep, "--out", str(out), "--resume", "--quiet", "--workers", "1"]) == 2
    (line,) = error_lines(capsys)
    assert "manifest.json: damaged" in line and "stored runs" in line


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_viz_refuses_a_port_out_of_range(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["viz", "--port", port])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "0 to 65535" in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_read_only_directory_is_refused(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    assert main(["run", DEMO, "--out", str(ro / "x"), "--quiet"]) == 2
    assert "not writable" in error_lines(capsys)[0]


def test_a_run_that_fails_under_compare_is_reported_and_the_others_finish(tmp_path, monkeypatch, capsys):
    """Like a failed sweep run: the other runs finish, the report names the failure, the exit code is 1."""
    real = worker.simulate

    def flaky(scenario, seed, series=True):
        if scenario.meta.name == "bundled_payment" and seed == worker_seed[1]:
            raise RuntimeError("simulated failure")
        return real(scenario, seed, series)

    worker_seed = replication_seeds(20251212, 3)
    monkeypatch.setattr(worker, "simulate", flaky)
    out = tmp_path / "report"
    argv = ["compare", DEMO, str(SCENARIOS / "bundled_payment.toml"), "-n", "3", "-w", "1", "--months", "6"]
    assert main([*argv, "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "1 run(s) failed" in err and "failures.csv" in err and "Traceback" not in err
    report = (out / "report.md").read_text()
    assert "Failed runs" in report and "bundled_payment, replication 1" in report and "simulated failure" in report
    assert "Traceback" in (out / "failures.csv").read_text()
    outcomes = pd.read_csv(out / "outcomes.csv")
    assert len(outcomes) == 5  # 2 scenarios x 3 replications, less the failed one


def test_sweeps_and_comparisons_too_large_to_hold_are_refused(tmp_path, capsys):
    sweep = tmp_path / "big.toml"
    base = SCENARIOS / "demo.toml"
    values = ", ".join(str(v / 1000) for v in range(1001))
    grid = f'base = "{base}"\ndesign = "grid"\n'
    grid += "".join(f'[[parameters]]\npath = "diffusion.{k}"\nvalues = [{values}]\n' for k in ("p", "q"))
    sweep.write_text(grid)
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "at most 1,000,000 grid points" in error_lines(capsys)[0]
    sweep.write_text(
        f'base = "{base}"\ndesign = "lhs"\nsamples = {HUGE}\n[[parameters]]\npath = "diffusion.p"\n'
        "min = 0.0\nmax = 0.1\n"
    )
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "samples = " in error_lines(capsys)[0]
    assert main(["compare", DEMO, "-n", HUGE, "--quiet", "--out", str(tmp_path / "c")]) == 2
    assert "--replications" in error_lines(capsys)[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", DEMO, "-w", "-3"],
        ["sweep", str(SCENARIOS / "sweeps" / "cofinancing_grid.toml"), "--out", "x", "--workers", "0"],
        ["sweep", str(SCENARIOS / "sweeps" / "cofinancing_grid.toml"), "--out", "x", "--dask-local", "0"],
    ],
)
def test_worker_counts_below_one_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert ">= 1" in err and "Traceback" not in err
