"""Issue 13, "nothing raw" (a first slice): rounding never hides a real effect, a share's interval stays within
0-100%, floating-point noise prints as zero, and the payers carry their Dutch names."""

from __future__ import annotations

import pytest

from diffusionsim.report.compare_report import PARTY_NAMES, fmt, fmt_ci


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
