"""The report's words follow the rule in report/comparison/conclusions.py: a known strong effect is called clearly
higher, the same scenario twice shows no detectable difference, ranks are shared only where the runs cannot tell two
scenarios apart, and the explanations fire only on the patterns they name."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.report.comparison import Context
from diffusionsim.report.comparison import conclusions as cc
from diffusionsim.report.comparison.conclusions import Verdict
from diffusionsim.report.comparison.sections import brief, why
from diffusionsim.validation import DEFAULT_SCENARIOS as SCENARIOS_DIR

REPLICATIONS = 8


def _result(columns: dict[str, dict[str, np.ndarray]]) -> SimpleNamespace:
    """A comparison from per-scenario outcome columns (one value per replication)."""
    frames = []
    for scenario, values in columns.items():
        head = {"scenario": scenario, "replication": np.arange(REPLICATIONS), "seed": 100 + np.arange(REPLICATIONS)}
        frames.append(pd.DataFrame(head | values))
    outcomes = pd.concat(frames, ignore_index=True)
    return SimpleNamespace(scenarios=list(columns), outcomes=outcomes, timeseries=pd.DataFrame(), kinds={}, manifest={})


def test_verdict_rule():
    assert cc.verdict(0.05, 0.03, 0.07, relevant=0.01) is Verdict.CLEARLY_HIGHER
    assert cc.verdict(0.005, 0.003, 0.007, relevant=0.01) is Verdict.SLIGHTLY_HIGHER  # real but below the threshold
    assert cc.verdict(-0.05, -0.07, -0.03, relevant=0.01) is Verdict.CLEARLY_LOWER
    assert cc.verdict(0.05, -0.01, 0.11, relevant=0.01) is Verdict.NO_DIFFERENCE  # large, but the interval holds 0
    assert cc.verdict(0.0, 0.0, 0.0, relevant=0.01) is Verdict.NO_DIFFERENCE
    assert cc.verdict(0.3, float("nan"), float("nan"), relevant=0.01) is Verdict.UNDETERMINED
    # thresholds: 1 pp for shares; for money the larger of EUR 1 million and 2% of the reference
    assert cc.threshold("implemented_10y", 0.4) == pytest.approx(0.01)
    assert cc.threshold("public_money_spent", 10e6) == pytest.approx(1e6)
    assert cc.threshold("public_money_spent", 500e6) == pytest.approx(10e6)


def test_a_strong_effect_is_called_clearly_higher_and_ranked_first():
    rng = np.random.default_rng(3)
    base = rng.uniform(0.2, 0.3, REPLICATIONS)
    noise = rng.normal(0, 0.002, REPLICATIONS)
    result = _result(
        {
            "ref": {"implemented_10y": base},
            "strong": {"implemented_10y": base + 0.10 + noise},  # +10 pp, far beyond noise and threshold
            "tiny": {"implemented_10y": base + 0.004 + noise},  # real (tight interval) but under 1 pp
        }
    )
    ctx = Context.of(result)
    d = cc.difference(ctx.runs, "implemented_10y", "strong", "ref")
    assert d.verdict is Verdict.CLEARLY_HIGHER and d.low > 0.09
    assert cc.difference(ctx.runs, "implemented_10y", "tiny", "ref").verdict is Verdict.SLIGHTLY_HIGHER
    text = brief.conclusion(ctx, "strong", ["implemented_10y"])
    assert "clearly higher" in text and "+10" in text
    assert cc.ranks(ctx.runs, "implemented_10y", ctx.scenarios) == {"strong": 1, "tiny": 2, "ref": 3}


def test_ranks_are_shared_where_the_runs_cannot_tell_scenarios_apart():
    rng = np.random.default_rng(4)
    base = rng.uniform(0.2, 0.3, REPLICATIONS)
    result = _result(
        {
            "ref": {"implemented_10y": base},
            "noisy": {"implemented_10y": base + 0.001 + rng.normal(0, 0.05, REPLICATIONS)},
            "better": {"implemented_10y": base + 0.2},
        }
    )
    ctx = Context.of(result)
    ranks = cc.ranks(ctx.runs, "implemented_10y", ctx.scenarios)
    assert ranks["better"] == 1 and ranks["ref"] == ranks["noisy"] == 2
    # lower public money ranks higher
    money = _result(
        {
            "a": {"public_money_spent": np.full(REPLICATIONS, 5e6)},
            "b": {"public_money_spent": np.full(REPLICATIONS, 50e6)},
        }
    )
    assert cc.ranks(Context.of(money).runs, "public_money_spent", ["a", "b"]) == {"a": 1, "b": 2}


def test_trade_offs_name_who_pays_and_who_gains():
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1e5, REPLICATIONS)
    result = _result(
        {
            "ref": {
                "impact:insurer": 10e6 + noise,
                "impact:provider": -5e6 + noise,
                "implemented_10y": np.full(8, 0.2),
            },
            "policy": {
                "impact:insurer": -20e6 + noise,
                "impact:provider": 25e6 + noise,
                "implemented_10y": np.full(8, 0.2),
            },
        }
    )
    items = brief.trade_offs(Context.of(result))
    reference, policy = items
    assert reference.index("better off") < reference.index("Health insurers") < reference.index("worse off")
    assert "Care providers" in reference.split("worse off")[1]
    assert "Care providers" in policy.split("worse off")[0] and "Health insurers" in policy.split("worse off")[1]
    assert "+30.0" in policy and "-30.0" in policy  # EUR million, paired


def test_explanations_fire_only_on_their_pattern():
    n = REPLICATIONS
    ref = {
        "pilots_started": np.full(n, 100.0) + np.arange(n),
        "implemented_10y": np.full(n, 0.2) + 0.001 * np.arange(n),
        "implemented_without_pilot": np.full(n, 10.0) + np.arange(n),
        "embedded_share": np.full(n, 0.3),
    }
    fewer = {k: v.copy() for k, v in ref.items()}
    fewer["pilots_started"] = ref["pilots_started"] - 60
    fewer["implemented_10y"] = ref["implemented_10y"] + 0.1
    fewer["implemented_without_pilot"] = ref["implemented_without_pilot"] + 200
    same = {k: v.copy() for k, v in ref.items()}
    ctx = Context.of(_result({"ref": ref, "fewer": fewer, "same": same}))
    text = why.fewer_pilots(ctx, "fewer")
    assert text is not None and "fewer pilots" in text and "without a pilot of their own (+200" in text
    assert "larger share is embedded" not in text  # the embedded share did not change: not claimed
    assert why.fewer_pilots(ctx, "same") is None


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> str:
    """A real comparison of the demo scenario against itself."""
    out = tmp_path_factory.mktemp("twice")
    demo = str(SCENARIOS_DIR / "demo.toml")
    assert (
        main(["compare", demo, demo, "-n", "3", "--months", "24", "--out", str(out), "--quiet", "--workers", "2"]) == 0
    )
    return (out / "report.md").read_text(encoding="utf-8")


def test_the_same_scenario_twice_shows_no_detectable_difference(twice):
    summary = twice[twice.index("## Summary") : twice.index("\n## ", twice.index("## Summary") + 5)]
    conclusion = next(line for line in summary.splitlines() if line.startswith("- demo#2 against demo:"))
    clauses = [c for c in conclusion.split(": ", 1)[1].split(". ") if c.strip()]
    assert clauses and all("no detectable difference" in c for c in clauses)
    assert "clearly" not in conclusion and "slightly" not in conclusion
    assert "no party's money changes" in summary
    assert "No difference between the scenarios matched" in twice
