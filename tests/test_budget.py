"""Budget impact per calendar year (report/comparison/budget.py and its section) on synthetic timeseries whose yearly
nets and break-even years are known by hand: the numbers must equal the definitions, not merely look plausible."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from diffusionsim.calendar import date_of
from diffusionsim.report.comparison import Context, build_report, mean_ci, to_markdown, write_report
from diffusionsim.report.comparison.budget import break_even, yearly, yearly_table
from tests import test_compare_report as synthetic

M = 1e6  # flows are given in EUR million per year, the timeseries holds EUR


def run(scenario: str, replication: int, start: str, yearly_flows: dict[str, list[float]]) -> pd.DataFrame:
    """One run whose parties have a constant monthly flow within each 12-month block (EUR million a year), as the
    model records it: the cumulative impact at the end of every month, 0 at month 0."""
    months = 12 * len(next(iter(yearly_flows.values())))
    return run_months(scenario, replication, start, months, yearly_flows)


def run_months(scenario: str, replication: int, start: str, months: int, flows: dict[str, list[float]]) -> pd.DataFrame:
    """Like `run`, for any number of months: block k of 12 months has flow ``flows[party][k]`` a year."""
    month = np.arange(months + 1)
    frame = {"scenario": scenario, "replication": replication, "seed": 100 + replication, "month": month}
    frame["date"] = [date_of(start, int(m)) for m in month]
    for party, per_year in flows.items():
        monthly = np.array([0.0] + [per_year[(m - 1) // 12] * M / 12 for m in month[1:]])
        frame[f"impact:{party}"] = np.cumsum(monthly)
    return pd.DataFrame(frame)


# provider pays 10 a year for three years, then gains 20 a year: cumulative -10, -20, -30, -10, +10 -> even in 2031.
FLOWS = {
    "provider": [-10, -10, -10, 20, 20],
    "insurer": [5, 5, 5, 5, 5],  # never pays
    "municipality": [-1, -1, -1, -1, -1],  # never recovers
    "citizen": [0, 0, 0, 0, 0],  # nothing moves
}


@pytest.fixture
def calendar_years() -> pd.DataFrame:
    return run("a", 0, "2027-01", FLOWS)


def test_yearly_nets_are_the_year_end_differences(calendar_years):
    nets = yearly(calendar_years).set_index(["party", "year"])
    assert list(nets.loc["provider"].index) == [2027, 2028, 2029, 2030, 2031]  # month 0 (2026-12) is no year
    assert nets.loc["provider", "net"].to_numpy() / M == pytest.approx([-10, -10, -10, 20, 20])
    assert nets.loc["provider", "cumulative"].to_numpy() / M == pytest.approx([-10, -20, -30, -10, 10])
    assert (nets["months"] == 12).all()
    assert nets.loc["insurer", "net"].to_numpy() / M == pytest.approx([5] * 5)
    assert nets.loc["citizen", "net"].abs().max() == 0


def test_break_even_of_a_party_that_pays_first(calendar_years):
    table = break_even(calendar_years, ["a"]).set_index("party")
    provider = table.loc["provider"]
    assert provider["status"] == "breaks_even" and provider["median_year"] == 2031
    assert (provider["pays_share"], provider["breaks_even_share"]) == (1.0, 1.0)
    assert (provider["year_low"], provider["year_high"]) == (2031, 2031)
    assert table.loc["insurer", "status"] == "never_pays" and table.loc["insurer", "pays_share"] == 0
    assert table.loc["citizen", "status"] == "never_pays"
    municipality = table.loc["municipality"]
    assert municipality["status"] == "not_within_run" and municipality["breaks_even_share"] == 0
    assert math.isnan(municipality["median_year"])


def test_float_noise_is_not_a_payment():
    """An impact that is zero up to rounding (a difference of sums in the billions) never pays."""
    frame = run("a", 0, "2027-01", {"insurer": [0, 0]})
    frame["impact:insurer"] = np.where(frame["month"] % 2, -1e-6, 1e-7)
    assert break_even(frame, ["a"]).loc[0, "status"] == "never_pays"
    frame["impact:insurer"] = np.where(frame["month"] == 12, -5.0, 0.0)  # five euros in the red at the end of 2027
    row = break_even(frame, ["a"]).iloc[0]
    assert row["status"] == "breaks_even" and row["median_year"] == 2028


def test_gains_then_pays_then_recovers_breaks_even_after_the_last_year_in_the_red():
    frame = run("a", 0, "2027-01", {"provider": [5, -10, -10, 20, 1]})  # cumulative 5, -5, -15, 5, 6
    row = break_even(frame, ["a"]).iloc[0]
    assert row["status"] == "breaks_even" and row["median_year"] == 2030


def test_partial_first_and_last_year():
    """A run from July 2027 for 27 months: July-December 2027 (6 months), 2028, January-September 2029 (9)."""
    frame = run_months("a", 0, "2027-07", 27, {"provider": [-12, 24, 24]})
    assert frame.loc[0, "date"] == "2027-06"  # month 0 is the end of June: the baseline, not a month of 2027
    nets = yearly(frame).set_index("year")
    assert list(nets.index) == [2027, 2028, 2029]
    assert list(nets["months"]) == [6, 12, 9]
    # 6 months at -1 a month in 2027, then 6 at -1 and 6 at +2 in 2028, then 9 at +2 in 2029
    assert nets["net"].to_numpy() / M == pytest.approx([-6, -6 + 12, 18])
    assert nets["cumulative"].to_numpy() / M == pytest.approx([-6, 0, 18])
    row = break_even(frame, ["a"]).iloc[0]
    assert row["status"] == "breaks_even" and row["median_year"] == 2028  # back at exactly 0 at the end of 2028
    table = yearly_table(frame, ["a"])
    assert list(table["months"]) == [6, 12, 9]


def test_yearly_table_means_and_exact_paired_differences():
    """b gains 2 a year more than a in every replication; the replications differ a lot, so only pairing gives an
    interval of width zero."""
    frames = []
    for replication, level in enumerate([-10.0, 30.0, 3.0]):
        a = [level, 2 * level]
        b = [v + 2 for v in a]
        frames += [run("a", replication, "2027-01", {"provider": a}), run("b", replication, "2027-01", {"provider": b})]
    ts = pd.concat(frames, ignore_index=True)
    table = yearly_table(ts, ["a", "b"]).set_index(["year", "scenario"])
    assert list(table.index) == [(2027, "a"), (2027, "b"), (2028, "a"), (2028, "b")]
    row = table.loc[(2028, "a")]
    n, mean, low, high = mean_ci(np.array([-20.0, 60.0, 6.0]) * M)
    assert (row["n"], row["mean"], row["ci_low"], row["ci_high"]) == pytest.approx((n, mean, low, high))
    assert math.isnan(row["diff_mean"])
    diff = table.loc[(2028, "b"), ["diff_mean", "diff_ci_low", "diff_ci_high"]].to_numpy(dtype=float)
    assert diff / M == pytest.approx([2.0, 2.0, 2.0])
    assert table.loc[(2028, "b"), "ci_high"] - table.loc[(2028, "b"), "ci_low"] > 10 * M
    # pairing is by replication, not by row order: reversed rows, same table
    back = yearly_table(ts.iloc[::-1].reset_index(drop=True), ["a", "b"]).set_index(["year", "scenario"])
    pd.testing.assert_frame_equal(back.sort_index(), table.sort_index())


def test_break_even_years_over_runs_and_mixed_status():
    years = {0: [-1, 2, 0, 0], 1: [-1, -1, 3, 0], 2: [-1, -1, -1, 4], 3: [-1, -1, 3, 0], 4: [-1, -1, -1, -1]}
    ts = pd.concat([run("a", r, "2027-01", {"provider": f}) for r, f in years.items()], ignore_index=True)
    row = break_even(ts, ["a"]).iloc[0]
    assert row["status"] == "mixed" and row["n"] == 5
    assert (row["pays_share"], row["breaks_even_share"]) == (1.0, 0.8)
    # break-even years 2028, 2029, 2030, 2029: the median of observed years is 2029, the range 2028-2030
    assert (row["median_year"], row["year_low"], row["year_high"]) == (2029, 2028, 2030)


# ------------------------------------------------------------------------------------------------ the report
def comparison(timeseries: pd.DataFrame) -> SimpleNamespace:
    scenarios = list(dict.fromkeys(timeseries["scenario"]))
    outcomes = timeseries[timeseries["month"] == timeseries["month"].max()].drop(columns=["month", "date"])
    return SimpleNamespace(scenarios=scenarios, timeseries=timeseries, outcomes=outcomes, kinds={}, manifest={})


def test_section_shows_the_years_the_differences_and_break_even():
    frames = [run(s, r, "2027-01", FLOWS) for s in ("a", "b") for r in range(2)]
    frames[2]["impact:provider"] += frames[2]["month"] * 0.5 * M / 12  # b, replication 0: +0.5 a year
    frames[3]["impact:provider"] += frames[3]["month"] * 0.5 * M / 12
    report = build_report(Context.of(comparison(pd.concat(frames, ignore_index=True))))
    ids = [s.id for s in report.sections]
    assert ids[ids.index("money") + 1] == "budget"
    blocks = {b.id: b.frame for b in report.section("budget").blocks if getattr(b, "id", "")}
    years = blocks["budget-years"]
    assert list(years.columns) == ["party type", "year", "a", "b"]
    assert list(years["year"]) == ["2027", "2028", "2029", "2031"] * 3  # the first three years and the last
    assert "Citizens (burgers)" not in set(years["party type"])  # nothing moves
    provider = years.iloc[:4]
    assert provider.iloc[0]["party type"] == "Care providers (zorgaanbieders)" and provider.iloc[1]["party type"] == ""
    assert list(provider["a"]) == [f"{v} [{v}, {v}]" for v in ("-10.0", "-10.0", "-10.0", "20.0")]  # runs agree
    assert list(provider["b"]) == [f"{v} [{v}, {v}]" for v in ("-9.5", "-9.5", "-9.5", "20.5")]
    assert list(blocks["budget-differences"].iloc[:4]["b vs a"]) == ["+0.5 [+0.5, +0.5]"] * 4
    even = blocks["budget-break-even"].set_index("party type")
    assert even.loc["Care providers (zorgaanbieders)", "a"] == "2031"
    assert even.loc["Health insurers (zorgverzekeraars, Zvw)", "b"] == "never pays"
    assert even.loc["Municipalities (gemeenten, Wmo)", "a"] == "not within the run"


def test_section_names_a_partial_year_and_mixed_runs():
    even, never = {"provider": [-2, 4, 4]}, {"provider": [-2, -2, -2]}  # cumulative -1, 0, 4 and -1, -3, -5
    frames = [run_months("a", 0, "2027-07", 30, even), run_months("a", 1, "2027-07", 30, never)]
    report = build_report(Context.of(comparison(pd.concat(frames, ignore_index=True))))
    blocks = {b.id: b.frame for b in report.section("budget").blocks if getattr(b, "id", "")}
    assert list(blocks["budget-years"]["year"]) == ["2027 (6 months)", "2028", "2029"]
    assert "budget-differences" not in blocks  # one scenario: nothing to compare against
    cell = blocks["budget-break-even"].iloc[0]["a"]
    assert cell == "2028 in 50% of runs; not within the run in 50%"


def test_write_report_writes_budget_tables_and_the_section(tmp_path):
    rng = np.random.default_rng(3)
    timeseries = synthetic._timeseries(rng)
    timeseries.insert(4, "date", [date_of("2027-07", int(m)) for m in timeseries["month"]])
    result = SimpleNamespace(
        scenarios=synthetic.SCENARIOS,
        timeseries=timeseries,
        outcomes=synthetic._outcomes(rng),
        kinds=synthetic.KINDS,
        manifest={"scenarios": [{"name": s} for s in synthetic.SCENARIOS]},
    )
    names = {p.name for p in write_report(result, tmp_path)}
    assert {"budget.csv", "break_even.csv"} <= names
    written = pd.read_csv(tmp_path / "budget.csv")
    expected = yearly_table(timeseries, synthetic.SCENARIOS)
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    assert set(written["year"]) == {2027, 2028, 2029} and len(pd.read_csv(tmp_path / "break_even.csv"))
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert md.index("## Who pays and who gains") < md.index("## Budget impact per year") < md.index("## Appendix")
    assert "2027 (6 months)" in md and "2029 (6 months)" in md
    assert 'id="budget-years"' in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_no_dates_no_section(tmp_path):
    """Tables written before the calendar existed have no date: no section, empty budget tables, no crash."""
    result = SimpleNamespace(**vars(comparison(run("a", 0, "2027-01", FLOWS))))
    result.timeseries = result.timeseries.drop(columns="date")
    assert yearly(result.timeseries).empty and break_even(result.timeseries, ["a"]).empty
    assert build_report(Context.of(result)).section("budget") is None
    assert "Budget impact per year" not in to_markdown(build_report(Context.of(result)))
