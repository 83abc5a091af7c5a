"""Issue 12, "the record": the history scenario with its calibrated behaviour against the observations calibration
used. Each must lie within 2 standard errors of the model's mean over replications, except the misses named here with
the reason the model gives for them (docs/VALIDATION.md shows the whole table, docs/ODD.md section 7.16 the reasons).
"""

from __future__ import annotations

import pytest

from diffusionsim.fit import fit_table
from diffusionsim.validation import CALIBRATED_HISTORY

REPLICATIONS = 30  # as in docs/VALIDATION.md, so the test and the table agree

# Observations used in calibration that the calibrated history misses by more than 2 se, and why.
KNOWN_MISSES: dict[str, str] = {
    "e_consult_2010": "one p and q for every innovation: the calibration trades the e-consult's early rise against "
    "the care groups' (model 20% against 32%)",
    "e_consult_2014": "as e_consult_2010 (46% against 53%)",
    "diabetes_care_group_2007": "the timeline opens the diabetes bundle to every care group in 2007, where the "
    "experiment admitted ten; every GP knows chain care from 2006 and insurers contract the bundle from its first "
    "year, so the model starts too fast (20% against 8.5%)",
    "diabetes_care_group_2009": "and then rises too slowly: multi-party chain care finds its partners with chance "
    "0.5 a try in low-cooperation regions, and nothing in the model makes care groups form all at once (48% against "
    "85%)",
    "copd_care_group_2011": "as diabetes_care_group_2009, two years after its bundle (28% against 42.5%)",
    "vrm_care_group_2011": "VRM saves only after 24 months, twice the insurer's 12-month horizon, so insurers rarely "
    "contract it (the wrong-horizon mechanism); in 2011 a quarter of the care groups had it (8% against 21%)",
    "nza_innovation_rule_embedded": "the model's embedded share is over every pilot of every innovation, 2006-2024 "
    "(50%); the NZa's 78% is of experiments an insurer had already agreed to pay for, a group the model cannot tell "
    "apart",
}


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
