"""Issue 13, item 3 (a first slice): what differs between compared scenarios, a warning when it is more than policy,
and a quick look at the demo's scale one flag away."""

from __future__ import annotations

from diffusionsim.cli import main
from diffusionsim.demo_scale import load_at_demo_scale
from diffusionsim.experiments.differences import beyond_policy, differences, kind_of
from diffusionsim.scenario import load_scenario
from tests.conftest import SCENARIOS


def keys(rows):
    return {row["key"]: row["kind"] for row in rows}


def test_a_policy_scenario_differs_from_the_baseline_in_policy_only():
    rows = differences([load_scenario(SCENARIOS / f) for f in ("baseline.toml", "combined.toml")], ["b", "c"])
    assert rows and set(keys(rows).values()) == {"policy"}
    assert beyond_policy(rows) is None
    assert "policy.payment.regime" in keys(rows) and "regions.Sigra.cooperation" in keys(rows)


def test_demo_against_a_national_policy_scenario_is_a_scale_mix_and_the_demo_flag_removes_it():
    demo, bundled = SCENARIOS / "demo.toml", SCENARIOS / "bundled_payment.toml"
    rows = differences([load_scenario(demo), load_scenario(bundled)], ["demo", "bundled"])
    warning = beyond_policy(rows)
    assert warning and "scale (" in warning and "scale.citizens" in warning
    quick = differences([load_at_demo_scale(demo), load_at_demo_scale(bundled)], ["demo", "bundled"])
    assert keys(quick) == {"policy.payment.regime": "policy"}


def test_keys_are_classed_by_what_they_change():
    assert kind_of("policy.compensation.budget") == "policy"
    assert kind_of("regions.Sigra.cooperation") == "policy"
    assert kind_of("sectors.gp.organisations_per_agent") == "scale"
    assert kind_of("simulation.months") == "period"
    assert kind_of("innovations.digital_triage.pilot_cost") == "catalogue"
    assert kind_of("diffusion.q") == kind_of("sectors.gp.horizon_months") == "behaviour"
    assert kind_of("simulation.seed") == kind_of("meta.name") == "ignored"


def test_compare_warns_on_the_command_line_and_in_the_report(tmp_path, capsys):
    out = tmp_path / "mix"
    args = [str(SCENARIOS / "demo.toml"), str(SCENARIOS / "bundled_payment.toml"), "-n", "2", "--months", "6"]
    assert main(["compare", *args, "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: the scenarios differ in more than policy: scale" in err
    report = (out / "report.md").read_text()
    assert report.index("**Warning:** the scenarios differ") < report.index("## What differs between the scenarios")
    assert "## What differs between the scenarios" in report and "| scale.citizens | scale |" in report
    assert main(["compare", *args, "--demo-scale", "--out", str(tmp_path / "quick"), "--quiet"]) == 0
    assert "differ in more than policy" not in capsys.readouterr().err
    quick = (tmp_path / "quick" / "report.md").read_text()
    assert "WARNING" not in quick and "| policy.payment.regime | policy | fee_for_service | bundled |" in quick
    assert "--demo-scale" in quick  # the rerun command
