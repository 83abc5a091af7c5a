"""Issue 13, first slices of "nothing raw" and "cost-effectiveness": rounding never hides a real effect, a share's
interval stays within 0-100%, floating-point noise prints as zero, the payers carry their Dutch names, and public money
per FTE and per percentage point equals its definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusionsim.report.comparison import PARTY_NAMES, fmt, fmt_ci
from diffusionsim.report.comparison import cost_effectiveness as ce


def test_an_effect_whose_interval_excludes_zero_never_prints_as_zero():
    # The case: bundled payment's -0.025 years [-0.036, -0.014] printed as "+0.0 [+0.0, +0.0]".
    text = fmt_ci(-0.025, -0.036, -0.014, "years", diff=True)
    assert text == "-0.03 [-0.04, -0.01]"
    assert fmt_ci(0.0004, 0.0001, 0.0007, "share", diff=True) == "+0.04 pp [+0.01 pp, +0.07 pp]"


def test_rounding_is_unchanged_where_it_hides_nothing():
    assert fmt_ci(0.2, 0.1, 0.3, "share", diff=True) == "+20.0 pp [+10.0 pp, +30.0 pp]"
    assert fmt_ci(0.0, -0.2, 0.2, "years", diff=True) == "+0.0 [-0.2, +0.2]"  # no effect: zero is what it says


def test_a_share_interval_is_clipped_to_what_a_share_can_be():
    assert fmt_ci(0.004, -0.005, 0.014, "share") == "0.4% [0.0%, 1.4%]"
    assert fmt_ci(0.995, 0.98, 1.01, "share") == "99.5% [98.0%, 100.0%]"


@pytest.mark.parametrize("kind", ["number", "eur_m", "count", "share"])
def test_floating_point_noise_prints_as_zero(kind):
    assert not any(ch in fmt(-5.55e-18, kind, diff=True) for ch in "123456789e")


def test_the_payers_carry_their_dutch_names():
    assert "zorgverzekeraars" in PARTY_NAMES["insurer"] and "Zvw" in PARTY_NAMES["insurer"]
    assert "zorgkantoren" in PARTY_NAMES["care_office"] and "Wlz" in PARTY_NAMES["care_office"]
    assert "gemeenten" in PARTY_NAMES["municipality"] and "Wmo" in PARTY_NAMES["municipality"]


def test_cost_effectiveness_equals_its_definitions_on_a_known_outcome_table():
    rng = np.random.default_rng(1)
    rows = []
    for r in range(20):
        ref = {ce.PUBLIC: 1e8 + rng.normal(0, 1e6), ce.FTE: 1000 + rng.normal(0, 10), ce.ADOPTION: 0.3}
        policy = {
            ce.PUBLIC: ref[ce.PUBLIC] + 5e7 + rng.normal(0, 1e6),
            ce.FTE: ref[ce.FTE] + 500 + rng.normal(0, 10),
            ce.ADOPTION: ref[ce.ADOPTION] + 0.05 + rng.normal(0, 0.005),
        }
        rows += [{"scenario": "ref", "replication": r} | ref, {"scenario": "policy", "replication": r} | policy]
        rows += [{"scenario": "same", "replication": r} | ref]
    outcomes = pd.DataFrame(rows)
    table = ce.cost_effectiveness(outcomes, ["ref", "policy", "same"], "ref").set_index("scenario")
    wide = outcomes.pivot_table(index="replication", columns="scenario")
    d_public = (wide[ce.PUBLIC]["policy"] - wide[ce.PUBLIC]["ref"]).mean()
    d_fte = (wide[ce.FTE]["policy"] - wide[ce.FTE]["ref"]).mean()
    d_pp = (wide[ce.ADOPTION]["policy"] - wide[ce.ADOPTION]["ref"]).mean() * 100
    row = table.loc["policy"]
    assert row["eur_per_fte"] == pytest.approx(d_public / d_fte) and row["eur_per_pp"] == pytest.approx(d_public / d_pp)
    assert row["eur_per_fte_low"] < row["eur_per_fte"] < row["eur_per_fte_high"]
    assert row["public"] == pytest.approx(d_public) and row["fte"] == pytest.approx(d_fte)
    assert np.isnan(table.loc["same", "eur_per_fte"])  # no FTE difference: no ratio
    assert ce.display(table.reset_index(), "ref").iloc[1, 4] == "not defined: no FTE difference"
