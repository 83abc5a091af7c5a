"""House style: ruff's lint rules (pyproject.toml) and formatting hold for the whole tree."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

PATHS = ["src", "tests", "benchmarks"]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is a dev dependency; `uv sync` installs it")
@pytest.mark.parametrize("command", [["ruff", "check"], ["ruff", "format", "--check"]], ids=["lint", "format"])
def test_ruff(command):
    proc = subprocess.run([*command, *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
