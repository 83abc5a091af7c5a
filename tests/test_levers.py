"""The lever table (issue 10): every policy instrument moves its target outcome in the direction the sources predict,
through a mechanism, and bundled payment and loss compensation differ where the sources imply they do.

All checks run at the demo's scale on common seeds with REPLICATIONS replications, once per test session
(diffusionsim.validation holds the levers, their levels, measures and sources). A check holds when the 95% interval of
its paired effect excludes zero in the predicted direction and, for a lever the sources imply to be monotone, every
step between adjacent levels moves that way. Measured effects: docs/VALIDATION.md (the command that made it is there).
"""

from __future__ import annotations

import pytest

from diffusionsim.validation import bundled_against_compensation, levers, table

CHECKS = levers() + bundled_against_compensation()


@pytest.fixture(scope="module")
def rows(validation_runs):
    return table(CHECKS, validation_runs).set_index("check")


@pytest.mark.parametrize("name", [c.name for c in CHECKS if c.asserted])
def test_lever_moves_its_outcome_in_the_predicted_direction(rows, name):
    row = rows.loc[name]
    assert row.low > 0, f"{name}: effect {row.effect:.4g} [{row.low:.4g}, {row.high:.4g}] does not exclude zero"
    assert row.holds, f"{name}: steps {row.steps} are not all in the predicted direction"


def test_every_lever_of_the_issue_is_in_the_table():
    assert {c.name for c in levers()} >= {
        "payment",
        "cofinancing",
        "compensation_fraction",
        "compensation_window",
        "compensation_budget",
        "insurer_horizon",
        "shared_savings",
        "regional_intensity",
        "project_money",
        "pilot_term",
    }
    assert all(len(c.scenarios) >= 3 for c in levers())
    assert len(bundled_against_compensation()) >= 2
