"""Issue 12, "the record": the history scenario with its calibrated behaviour against the observations calibration
used. Each must lie within 2 standard errors of the model's mean over replications, except the misses named here with
the reason the model gives for them (docs/VALIDATION.md shows the whole table, docs/ODD.md section 7.16 the reasons).
"""

from __future__ import annotations

import pytest

from diffusionsim.fit import fit_table
from diffusionsim.validation import CALIBRATED_HISTORY

REPLICATIONS = 8

# Observations used in calibration that the calibrated history misses by more than 2 se, and why.
KNOWN_MISSES: dict[str, str] = {}


@pytest.fixture(scope="module")
def record():
    return fit_table(CALIBRATED_HISTORY, REPLICATIONS, workers=2).set_index("id")


def test_the_calibrated_history_lies_within_2_se_of_every_used_observation_but_the_named_misses(record):
    used = record[record["used"]]
    misses = set(used.index[~used["within_2se"]])
    assert misses <= set(KNOWN_MISSES), f"new misses: {used.loc[sorted(misses - set(KNOWN_MISSES)), ['z']]}"
    assert set(KNOWN_MISSES) <= set(used.index), "a named miss is not an observation used in calibration"


def test_the_calibrated_history_runs_from_2006_to_2024_with_the_record_beside_it(record):
    assert len(record) >= 10 and record["model_mean"].notna().all()
    assert record["used"].sum() >= 8
