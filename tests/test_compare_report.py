"""The comparison report on synthetic tables: interval math, pairing by replication, bands, and the files it writes."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diffusionsim.ledger import PARTY_TYPES
from diffusionsim.report.comparison import (
    OUTCOME_LABELS,
    Context,
    band_frame,
    build_report,
    kind_band_frame,
    mean_ci,
    money_table,
    plot_money,
    summary_table,
    to_markdown,
    write_report,
)

SCENARIOS = ["baseline", "shared_savings", "regional_fund"]
REPLICATIONS = 5
MONTHS = 24  # months 0..24: 25 rows per run
KINDS = {"telecare": "technological", "sensor_bed": "technological", "buurtzorg_team": "social"}
PARTIES = list(PARTY_TYPES)  # the ledger's own list, so the synthetic data follows the model
OUTCOMES = [c for c in OUTCOME_LABELS if not c.startswith(("money:", "impact:"))]


def _timeseries(rng: np.random.Generator) -> pd.DataFrame:
    """Logistic adoption curves with a per-run speed; later scenarios are a little faster."""
    rows = []
    month = np.arange(MONTHS + 1)
    for s, scenario in enumerate(SCENARIOS):
        for r in range(REPLICATIONS):
            row = {"scenario": scenario, "replication": r, "seed": 1000 + r, "month": month}
            for i, iid in enumerate(KINDS):
                speed = 0.2 + 0.05 * s + 0.05 * i + rng.normal(0, 0.03)
                curve = 1 / (1 + np.exp(-speed * (month - 12)))
                row[f"org_adoption:{iid}"] = curve
                row[f"citizen_adoption:{iid}"] = 0.8 * curve
                row[f"aware:{iid}"] = np.minimum(1, 1.2 * curve)
            for col in ("pilots_started", "pilots_embedded", "pilots_abandoned", "fte_saved"):
                row[col] = np.cumsum(rng.poisson(3, len(month))).astype(float)
            row |= {"care_at_home_share": 0.3 + 0.001 * month, "ses_gap": rng.normal(0.05, 0.01, len(month))}
            row["public_money_spent"] = np.cumsum(rng.uniform(0, 1e6, len(month)))
            for party in PARTIES:
                row[f"money:{party}"] = np.cumsum(rng.normal(0, 1e6, len(month)))
                row[f"impact:{party}"] = np.cumsum(rng.normal(0, 1e5, len(month)))
            rows.append(pd.DataFrame(row))
    return pd.concat(rows, ignore_index=True)


def _outcomes(rng: np.random.Generator) -> pd.DataFrame:
    """Reference values per replication; "shared_savings" is exactly the reference + 0.1 in every replication."""
    base = {c: rng.uniform(0.1, 0.9, REPLICATIONS) for c in OUTCOMES}
    base |= {f"{kind}:{p}": rng.normal(0, 5e6, REPLICATIONS) for p in PARTIES for kind in ("money", "impact")}
    frames = []
    for s, scenario in enumerate(SCENARIOS):
        values = {c: v + 0.1 for c, v in base.items()} if s == 1 else base
        if s == 2:
            values = {
                c: rng.uniform(0.1, 0.9, REPLICATIONS) * (1e6 if c.startswith(("money:", "impact:")) else 1)
                for c in base
            }
        head = {"scenario": scenario, "replication": np.arange(REPLICATIONS), "seed": 1000 + np.arange(REPLICATIONS)}
        frames.append(pd.DataFrame(head | values))
    return pd.concat(frames, ignore_index=True)


def synthetic_result() -> SimpleNamespace:
    """A comparison result of three scenarios built from the synthetic tables above (no model run)."""
    rng = np.random.default_rng(20240601)
    manifest = {
        "scenarios": [
            {"name": s, "scenario_file": f"scenarios/{s}.toml", "scenario_sha256": "ab" * 32} for s in SCENARIOS
        ],
        "base_seed": 42,
        "replication_seeds": [1000 + r for r in range(REPLICATIONS)],
        "replications": REPLICATIONS,
        "workers": 2,
    }
    return SimpleNamespace(
        scenarios=SCENARIOS, timeseries=_timeseries(rng), outcomes=_outcomes(rng), kinds=KINDS, manifest=manifest
    )


@pytest.fixture(scope="module")
def result() -> SimpleNamespace:
    return synthetic_result()


def test_ci_matches_hand_computation():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    half = stats.t.ppf(0.975, 4) * x.std(ddof=1) / math.sqrt(5)
    n, mean, low, high = mean_ci(x)
    assert n == 5 and mean == pytest.approx(5.0)
    assert (low, high) == pytest.approx((5.0 - half, 5.0 + half))


def test_ci_single_replication_is_nan_and_nans_are_dropped():
    n, mean, low, high = mean_ci([3.0])
    assert (n, mean) == (1, 3.0) and math.isnan(low) and math.isnan(high)
    assert mean_ci([1.0, np.nan, 3.0])[:2] == (2, 2.0)


def test_summary_table_ci_and_columns(result):
    table = summary_table(result)
    expected = ["outcome", "label", "scenario", "n", "mean", "ci_low", "ci_high"]
    assert list(table.columns) == [*expected, "diff_mean", "diff_ci_low", "diff_ci_high"]
    row = table[(table["outcome"] == "fte_saved") & (table["scenario"] == "regional_fund")].iloc[0]
    x = result.outcomes.loc[result.outcomes["scenario"] == "regional_fund", "fte_saved"].to_numpy()
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    assert row["n"] == REPLICATIONS
    assert (row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((x.mean(), x.mean() - half, x.mean() + half))
    assert row["label"] == OUTCOME_LABELS["fte_saved"]
    assert table.loc[table["scenario"] == "baseline", "diff_mean"].isna().all()


def test_paired_differences_use_the_same_replication(result):
    table = summary_table(result).set_index(["outcome", "scenario"])
    for outcome in ("years_to_half_adoption", "ses_gap", "money:citizen"):
        row = table.loc[(outcome, "shared_savings")]
        assert (row["diff_mean"], row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((0.1, 0.1, 0.1), abs=1e-6)
        unpaired = row["ci_high"] - row["ci_low"]
        assert unpaired > 0.01  # the means themselves are noisy; only the pairing collapses the interval


def test_pairing_survives_shuffled_rows(result):
    """Pairing is by replication index, not by row order."""
    shuffled = SimpleNamespace(**vars(result))
    shuffled.outcomes = result.outcomes.sample(frac=1, random_state=1).reset_index(drop=True)
    row = summary_table(shuffled, ["implemented_5y"]).set_index("scenario").loc["shared_savings"]
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((0.1, 0.1), abs=1e-9)


def test_money_table_shows_the_impact_in_million(result):
    table = money_table(result)
    assert set(table["party"]) == set(PARTIES) and len(table) == len(PARTIES) * len(SCENARIOS)
    x = result.outcomes.loc[result.outcomes["scenario"] == "baseline", "impact:provider"]
    assert table.set_index(["party", "scenario"]).loc[("provider", "baseline"), "mean"] == pytest.approx(x.mean() / 1e6)


def test_bands_contain_the_mean(result):
    band = band_frame(result, "org_adoption:")
    assert len(band) == len(SCENARIOS) * (MONTHS + 1) * len(KINDS)
    assert set(band["innovation"]) == set(KINDS)
    assert (band["p05"] <= band["mean"] + 1e-12).all() and (band["mean"] <= band["p95"] + 1e-12).all()
    assert (band["p05"] < band["p95"]).any()
    kinds = kind_band_frame(result)
    assert set(kinds["kind"]) == {"technological", "social"}
    assert (kinds["p05"] <= kinds["mean"] + 1e-12).all() and (kinds["mean"] <= kinds["p95"] + 1e-12).all()


def test_write_report_files(result, tmp_path):
    files = write_report(result, tmp_path / "report")
    out = tmp_path / "report"
    names = {p.name for p in files}
    expected = {"summary.csv", "money.csv", "outcomes.csv", "timeseries.parquet", "manifest.json"}
    assert expected | {"report.md", "report.html", "adoption_bands.png", "kind_bands.png", "money.png"} <= names
    assert all(p.exists() and p.stat().st_size > 0 for p in files)

    md = (out / "report.md").read_text(encoding="utf-8")
    for png in (p.name for p in files if p.suffix == ".png"):
        assert f"]({png})" in md
    for outcome in OUTCOMES:
        assert OUTCOME_LABELS[outcome] in md
    assert "shared_savings vs baseline" in md and "Who pays and who gains" in md

    page = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*https?:""", page)
    assert "<script" not in page and "<link" not in page
    assert page.count("<img") == sum(p.suffix == ".png" for p in files)

    assert json.loads((out / "manifest.json").read_text()) == result.manifest
    back = pd.read_parquet(out / "timeseries.parquet")
    pd.testing.assert_frame_equal(back, result.timeseries)
    assert len(pd.read_csv(out / "outcomes.csv")) == len(SCENARIOS) * REPLICATIONS


def test_single_replication_has_no_intervals(result, tmp_path):
    """One replication (`compare -n 1`): means without intervals, in the tables, the markdown and the money figure."""
    one = SimpleNamespace(**vars(result))
    one.outcomes = result.outcomes[result.outcomes["replication"] == 0]
    one.timeseries = result.timeseries[result.timeseries["replication"] == 0]
    table = summary_table(one)
    assert table["ci_low"].isna().all() and table["n"].eq(1).all()
    assert plot_money(one, tmp_path / "money.png").stat().st_size > 0
    md = to_markdown(build_report(Context.of(one)))
    row = next(line for line in md.splitlines() if line.startswith(f"| {OUTCOME_LABELS['pilots_started']} |"))
    assert "[" not in row and "n/a" not in row  # the mean alone, without an interval
