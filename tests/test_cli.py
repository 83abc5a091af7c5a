"""The command line end to end on the demo scenario, checking the files it writes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import psutil
import pytest

from diffusionsim.cli import main
from diffusionsim.scenario import file_hash, load_scenario, scenario_hash
from tests.conftest import SCENARIOS as SCENARIOS_DIR


def test_run_writes_tables_figure_and_manifest(demo_path, tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(
        [
            "run",
            str(demo_path),
            "--out",
            str(out),
            "--seed",
            "11",
            "--months",
            "24",
            "--set",
            "policy.cofinancing.private_share=0.2",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Adoption at the end of December 2028, after 2 years" in printed and "Net money per party type" in printed

    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 25 and ts["month"].tolist() == list(range(25))  # month 0 (the start) to month 24
    scenario = load_scenario(demo_path)
    for iid in [i.id for i in scenario.innovations]:
        assert f"org_adoption:{iid}" in ts and f"citizen_adoption:{iid}" in ts
    for col in (
        "pilots_started",
        "pilots_embedded",
        "pilots_abandoned",
        "companies_alive",
        "companies_on_market",
        "staff_hours_saved",
        "fte_saved",
        "care_at_home_share",
        "ses_gap",
        "money:insurer",
    ):
        assert col in ts
    assert ts["org_adoption:digital_triage"].between(0, 1).all()

    parties = pd.read_csv(out / "ledger_parties.csv")
    assert {"provider", "insurer", "care_office", "municipality", "public_fund", "company"} <= set(parties["type"])
    assert abs(parties["net"].sum()) < 1e-6 * parties["net"].abs().sum()
    monthly = pd.read_csv(out / "ledger_monthly.csv")
    assert monthly["month"].max() == 24 and (monthly["amount"] > 0).all()

    png = (out / "adoption.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["months"] == 24
    assert manifest["overrides"] == [
        "policy.cofinancing.private_share=0.2",
        "simulation.seed=11",
        "simulation.months=24",
    ]
    assert manifest["scenario_file_sha256"] == file_hash(demo_path)
    reproduced = load_scenario(demo_path, manifest["overrides"])
    assert manifest["scenario_sha256"] == scenario_hash(reproduced)
    assert manifest["version"] and manifest["start_time"] and manifest["run_seconds"] > 0


def test_manifest_reproduces_the_run(demo_path, tmp_path):
    """Re-running with what the manifest records gives the same table."""
    main(["run", str(demo_path), "--out", str(tmp_path / "a"), "--months", "12", "--quiet"])
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    main(
        [
            "run",
            manifest["scenario_file"],
            "--out",
            str(tmp_path / "b"),
            "--quiet",
            *sum((["--set", o] for o in manifest["overrides"]), []),
        ]
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "a" / "timeseries.csv"), pd.read_csv(tmp_path / "b" / "timeseries.csv")
    )


def test_default_output_directory_is_named_after_the_scenario(demo_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(demo_path), "--months", "3", "--quiet"]) == 0
    assert (tmp_path / "results" / "demo" / "manifest.json").exists()


def test_validate_and_explain(demo_path, capsys):
    assert main(["validate", str(demo_path), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "valid scenario 'demo'" in out
    source = "[share of a public grant paid privately; 004_0f7fc21ead51925a.txt:1942-1944]"
    assert f"policy.cofinancing.private_share = 0.4  {source}" in out
    assert "innovations.hospital_at_home.kind = 'technological'" in out


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["validate", "--help"]])
def test_help_explains_every_option(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    if argv == ["run", "--help"]:
        for option in ("--out", "--seed", "--months", "--set", "--quiet"):
            assert option in out


def test_viz_command_prints_its_address_and_serves_the_app(tmp_path):
    """`diffusionsim viz` starts the Solara app on localhost and says where; the page answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "viz.log"
    with log.open("w") as out:
        cmd = [sys.executable, "-m", "diffusionsim.cli", "viz", "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, status = time.time() + 90, None
        while time.time() < deadline and status != 200:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).status
            except OSError:
                time.sleep(0.5)
        assert status == 200, log.read_text()[-2000:]
        assert f"http://127.0.0.1:{port}/" in log.read_text()
        # The command becomes the server (exec): stopping it stops the server, and no orphan keeps the port.
        assert "solara" in " ".join(psutil.Process(proc.pid).cmdline())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    with pytest.raises(ConnectionRefusedError):  # nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_viz_with_a_bad_scenario_exits_2_before_starting(capsys):
    bad = SCENARIOS_DIR.parent / "tests" / "bad_scenarios" / "bad_kind.toml"
    assert main(["viz", str(bad)]) == 2
    assert "innovations.0.kind" in capsys.readouterr().err


def test_viz_present_starts_the_app_in_presentation_mode(monkeypatch):
    """`diffusionsim viz --present` hands the Solara server the switch (and turns Solara's banner off)."""
    import os  # noqa: PLC0415 - only the exec is patched here

    started = {}
    monkeypatch.setattr(os, "execve", lambda path, cmd, env: started.update(cmd=cmd, env=env))
    main(["viz", "--present", "--port", "0"])
    assert started["env"]["DIFFUSIONSIM_PRESENT"] == "1"
    assert started["env"]["SOLARA_THEME_SHOW_BANNER"] == "False"
    assert "diffusionsim.viz.app" in started["cmd"]
