"""The notebooks run top to bottom (executed with nbclient, as a reader would)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()
    errors = [
        o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", []) if o.output_type == "error"
    ]
    assert not errors
    printed = "".join(
        o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []) if o.output_type == "stream"
    )
    expected = {
        "quickstart.ipynb": ["of the pilots started"],
        "01_policy_comparison.ipynb": ["report.html", "money.png"],
        "02_batch_sweep.ipynb": ["0 failed", "most influential:"],
    }
    for text in expected.get(path.name, []):
        assert text in printed


def test_the_walkthroughs_exist():
    assert {"quickstart.ipynb", "01_policy_comparison.ipynb", "02_batch_sweep.ipynb"} <= {p.name for p in NOTEBOOKS}
