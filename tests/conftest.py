"""Shared fixtures: paths to the bundled scenarios, and small cached runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from diffusionsim.model import DiffusionModel
from diffusionsim.validation import REPLICATIONS, all_checks, run_checks

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return SCENARIOS / "demo.toml"


@pytest.fixture(scope="session")
def validation_runs():
    """Every scenario of the stylized facts and the lever table, REPLICATIONS replications, run once per session."""
    return run_checks(all_checks(), REPLICATIONS)


@pytest.fixture(scope="session")
def demo_model(demo_path):
    """One full demo run, shared by the tests that only inspect its end state."""
    return DiffusionModel(demo_path).run()
