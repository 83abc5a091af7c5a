"""Sensitivity analysis of a stored sweep, on synthetic sweep directories with known analytic indices (no model runs).

The Ishigami function has closed-form Sobol indices; with N = 1024 Saltelli base samples (5120 points, second order
off) SALib's estimates fall well within TOL = 0.05 of them. A linear function checks the Morris ranking.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SALib.sample.morris
import SALib.sample.sobol

from diffusionsim.experiments.sensitivity import (
    SensitivityError,
    analyse,
    load_sweep_results,
    point_means,
    write_sensitivity,
)

N = 1024
TOL = 0.05
SEED = 20240917
NAMES = ["policy.a", "policy.b", "policy.c"]
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7.0 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def linear(x: np.ndarray) -> np.ndarray:
    return 5.0 * x[:, 0] + 1.0 * x[:, 1] + 0.0 * x[:, 2]


def write_sweep(
    directory: Path,
    design_name: str,
    x: np.ndarray,
    outcomes: dict[str, list[np.ndarray]],
    bounds: list[list[float]],
    parts: int = 3,
    drop_points: tuple[int, ...] = (),
) -> Path:
    """A sweep directory in the `diffusionsim sweep` layout; outcomes[name][r] is replication r's value per point."""
    directory.mkdir(parents=True, exist_ok=True)
    replications = len(next(iter(outcomes.values())))
    manifest = {
        "design": design_name,
        "parameters": [
            {"path": n, "min": lo, "max": hi, "values": None} for n, (lo, hi) in zip(NAMES, bounds, strict=True)
        ],
        "samples": N,
        "calc_second_order": False,
        "num_levels": 4,
        "replications": replications,
        "seed": SEED,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    design = pd.DataFrame(x, columns=NAMES)
    design.insert(0, "point", np.arange(len(x)))
    design.to_csv(directory / "design.csv", index=False)
    frames = []
    for r in range(replications):
        frame = pd.DataFrame({"point": np.arange(len(x)), "replication": r, "seed": 1000 + r})
        for name, values in outcomes.items():
            frame[name] = values[r]
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    runs.insert(0, "run", np.arange(len(runs)))
    runs = runs[~runs["point"].isin(drop_points)].sample(frac=1.0, random_state=0)  # writers need not keep order
    (directory / "runs").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(len(runs)), parts)):
        runs.iloc[rows].to_parquet(directory / "runs" / f"part-{i:06d}.parquet", index=False)
    return directory


def sobol_design() -> tuple[np.ndarray, list[list[float]]]:
    bounds = [[-math.pi, math.pi]] * 3
    problem = {"num_vars": 3, "names": NAMES, "bounds": bounds}
    return SALib.sample.sobol.sample(problem, N, calc_second_order=False, seed=SEED), bounds


@pytest.fixture(scope="module")
def ishigami_sweep(tmp_path_factory) -> Path:
    x, bounds = sobol_design()
    y = ishigami(x)
    return write_sweep(tmp_path_factory.mktemp("ishigami"), "sobol", x, {"y": [y], "flat": [0.0 * y + 1.0]}, bounds)


def check_ishigami(table: pd.DataFrame) -> None:
    assert table["parameter"].tolist() == NAMES
    assert set(table["method"]) == {"sobol"}
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=TOL)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=TOL)
    for conf in ("S1_conf", "ST_conf"):
        values = table[conf].to_numpy()
        assert np.all(np.isfinite(values)) and np.all(values > 0), conf


def test_sobol_ishigami_matches_analytic_indices(ishigami_sweep):
    table = analyse(ishigami_sweep, ["y"])
    assert table["outcome"].tolist() == ["y"] * 3
    check_ishigami(table)


def test_replications_are_averaged_per_point(tmp_path, ishigami_sweep):
    """Two replications at +-0.5 around the Ishigami value average back to it, so the indices are unchanged."""
    x, bounds = sobol_design()
    y = ishigami(x)
    sweep = write_sweep(tmp_path / "two", "sobol", x, {"y": [y + 0.5, y - 0.5]}, bounds, parts=4)
    manifest, design, runs = load_sweep_results(sweep)
    assert manifest["replications"] == 2 and len(runs) == 2 * len(x)
    np.testing.assert_allclose(point_means(design, runs, "y"), y, rtol=0, atol=1e-12)
    table = analyse(sweep, ["y"])
    check_ishigami(table)
    single = analyse(ishigami_sweep, ["y"])
    np.testing.assert_allclose(table[["S1", "ST"]], single[["S1", "ST"]], atol=1e-9)


def test_morris_linear_ranking(tmp_path):
    bounds = [[0.0, 1.0]] * 3
    problem = {"num_vars": 3, "names": NAMES, "bounds": bounds}
    x = SALib.sample.morris.sample(problem, 50, num_levels=4, seed=SEED)
    sweep = write_sweep(tmp_path / "morris", "morris", x, {"y": [linear(x)]}, bounds)
    table = analyse(sweep, ["y"]).set_index("parameter")
    assert set(table["method"]) == {"morris"}
    mu_star = table["mu_star"]
    assert mu_star[NAMES[0]] > mu_star[NAMES[1]] > mu_star[NAMES[2]]
    assert mu_star[NAMES[2]] == pytest.approx(0.0, abs=1e-9)
    assert mu_star[NAMES[0]] == pytest.approx(5.0, rel=1e-6)  # unit range: the elementary effect is the slope
    assert mu_star[NAMES[1]] == pytest.approx(1.0, rel=1e-6)


def test_unknown_outcome_names_available_columns(ishigami_sweep):
    with pytest.raises(SensitivityError, match="nope") as info:
        analyse(ishigami_sweep, ["nope"])
    message = str(info.value)
    assert "y" in message and "flat" in message
    assert "replication" not in message and "seed" not in message


def test_missing_points_are_reported(tmp_path):
    x, bounds = sobol_design()
    sweep = write_sweep(tmp_path / "gaps", "sobol", x, {"y": [ishigami(x)]}, bounds, drop_points=(3, 17, 400))
    with pytest.raises(SensitivityError, match=r"3 of 5120 design points have no successful run"):
        analyse(sweep, ["y"])


def test_method_must_match_design(tmp_path):
    x, bounds = sobol_design()
    sweep = write_sweep(tmp_path / "grid", "grid", x[:50], {"y": [ishigami(x[:50])]}, bounds, parts=1)
    with pytest.raises(SensitivityError, match='design = "sobol"'):
        analyse(sweep, ["y"], method="sobol")
    with pytest.raises(SensitivityError, match="Sobol"):
        analyse(sweep, ["y"])


def test_write_sensitivity_writes_csv_and_png(tmp_path, ishigami_sweep):
    csv_path, png_path = write_sensitivity(ishigami_sweep, ["y"], out=tmp_path / "out")
    assert csv_path == tmp_path / "out" / "sensitivity.csv"
    table = pd.read_csv(csv_path)
    assert list(table.columns) == ["outcome", "method", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 3
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
