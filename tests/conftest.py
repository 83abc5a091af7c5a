"""Shared fixtures: paths to the bundled scenarios, and small cached runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from diffusionsim.model import DiffusionModel

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return SCENARIOS / "demo.toml"


@pytest.fixture(scope="session")
def demo_model(demo_path):
    """One full demo run, shared by the tests that only inspect its end state."""
    return DiffusionModel(demo_path).run()
