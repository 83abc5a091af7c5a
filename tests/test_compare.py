"""`diffusionsim compare` end to end: common seeds, worker-count independence, the report directory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.experiments.compare import compare
from tests.conftest import SCENARIOS

SHORT = ["simulation.months=24"]


@pytest.fixture(scope="module")
def two_way(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    code = main(
        [
            "compare",
            str(SCENARIOS / "demo.toml"),
            str(SCENARIOS / "demo.toml"),
            "--replications",
            "3",
            "--workers",
            "2",
            "--months",
            "24",
            "--set",
            "policy.payment.regime=fee_for_service",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    return out


def test_report_directory_holds_html_markdown_figures_and_tables(two_way):
    names = {p.name for p in two_way.iterdir()}
    assert {"report.html", "report.md", "manifest.json", "summary.csv", "money.csv", "outcomes.csv"} <= names
    assert {"adoption_bands.png", "kind_bands.png", "money.png"} <= names
    html = (two_way / "report.html").read_text()
    assert "data:image/png;base64," in html and 'src="http' not in html
    md = (two_way / "report.md").read_text()
    assert "adoption_bands.png" in md and "Who pays and who gains" in md


def test_same_scenario_twice_differs_by_exactly_zero(two_way):
    """Common random numbers: the same scenario on the same seeds gives the same runs, so every difference is 0."""
    summary = pd.read_csv(two_way / "summary.csv")
    diffs = summary.dropna(subset=["diff_mean"])
    assert len(diffs) > 0 and (diffs["diff_mean"].abs() < 1e-12).all()


def test_manifest_reproduces_seeds(two_way):
    manifest = json.loads((two_way / "manifest.json").read_text())
    assert manifest["replications"] == 3 and len(manifest["replication_seeds"]) == 3
    assert manifest["scenarios"][0]["scenario_sha256"] == manifest["scenarios"][1]["scenario_sha256"]
    assert manifest["scenarios"][0]["overrides"] == ["policy.payment.regime=fee_for_service", "simulation.months=24"]


def test_results_do_not_depend_on_worker_count():
    paths = [SCENARIOS / "demo.toml", SCENARIOS / "bundled_payment.toml"]
    overrides = [*SHORT, "scale.citizens=1000"]
    one = compare(paths, 2, workers=1, overrides=overrides)
    two = compare(paths, 2, workers=2, overrides=overrides)
    pd.testing.assert_frame_equal(one.outcomes, two.outcomes)
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    assert set(one.outcomes["scenario"]) == {"demo", "bundled_payment"}


def test_bad_replications_and_bad_file_are_clear_errors(capsys, tmp_path):
    assert main(["compare", str(SCENARIOS / "demo.toml"), "--replications", "0", "--out", str(tmp_path)]) == 2
    assert "--replications 0" in capsys.readouterr().err
    bad = SCENARIOS.parent / "tests" / "bad_scenarios" / "bad_kind.toml"
    assert main(["compare", str(SCENARIOS / "demo.toml"), str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "innovations.0.kind" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
