"""Issue 12: the calendar and policy timelines. A change dated D takes effect in month D and not before; a change at
the start month runs exactly as the same `--set` does; bad dates and keys exit 2 with one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diffusionsim import calendar
from diffusionsim.cli import main
from diffusionsim.experiments.compare import compare
from diffusionsim.experiments.sweep import read_runs, run_sweep
from diffusionsim.model import DiffusionModel
from diffusionsim.scenario import ScenarioError, load_scenario
from diffusionsim.viz.live import LiveModel
from tests.conftest import SCENARIOS

DEMO = SCENARIOS / "demo.toml"


def with_timeline(tmp_path, body: str, name: str = "timed.toml", months: int = 48) -> str:
    path = tmp_path / name
    path.write_text(f'extends = "{DEMO}"\n[simulation]\nstart = "2027-01"\nmonths = {months}\n{body}')
    return str(path)


def run_frame(scenario) -> pd.DataFrame:
    return DiffusionModel(scenario).run().datacollector.get_model_vars_dataframe().reset_index(drop=True)


def test_calendar_arithmetic():
    assert calendar.month_of("2006-01", "2006-01") == 1
    assert calendar.month_of("2006-01", "2010-12") == 60
    assert calendar.date_of("2006-01", 60) == "2010-12"
    assert calendar.date_of("2006-01", 0) == "2005-12"  # the state before the first month: the end of the one before
    assert calendar.date_of("2026-11", 3) == "2027-01"
    assert calendar.decimal_years("2006-01", [0, 12])[1] == pytest.approx(2007.0)
    for bad in ("2010-13", "2010-1", "10-01", "2010/01", "99999-01", 2010):
        with pytest.raises(ValueError):
            calendar.parse(bad)


def test_rows_carry_their_calendar_month(tmp_path):
    frame = run_frame(with_timeline(tmp_path, "", months=14))
    assert list(frame["date"].iloc[[0, 1, 12, 14]]) == ["2026-12", "2027-01", "2027-12", "2028-02"]


def test_a_market_launch_at_a_date_takes_effect_that_month_and_not_before(tmp_path):
    """An innovation still in development (readiness 5, its owner not developing it) is launched by the timeline in
    2028-07: nobody hears of it before, and from that month the Bass process reaches it."""
    path = with_timeline(tmp_path, '[[timeline]]\nat = "2028-07"\nset = ["innovations.digital_triage.readiness=9"]\n')
    frozen = ["development_rate=0", "burn_per_month=0"]
    sc = load_scenario(
        path,
        ["innovations.digital_triage.readiness=5", "financiers.public_fund.grant_application_rate=0"]
        + [f"companies.triage_co.{c}" for c in frozen],
    )
    model = DiffusionModel(sc)
    k = model.catalogue.ids.index("digital_triage")
    launch = calendar.month_of(sc.simulation.start, "2028-07")
    while model.month < launch - 1:
        model.step()
        assert not model.on_market()[k] and model.stage[:, k].max() == 0  # Stage.UNAWARE everywhere
    model.step()
    assert model.date == "2028-07" and model.on_market()[k]
    assert model.owner[k].reached_market_month == launch
    model.run(12)
    assert model.stage[:, k].max() > 0


def test_a_payment_change_at_a_date_leaves_earlier_months_untouched(tmp_path):
    """The same world and seed with and without a switch to bundled payment in 2028-01: identical up to December
    2027, different afterwards (the demo shows bundled payment moving adoption, tests/test_levers.py)."""
    plain = run_frame(with_timeline(tmp_path, "", "plain.toml"))
    body = '[[timeline]]\nat = "2028-01"\nset = ["policy.payment.regime=bundled", "policy.compensation.fraction=0.5",'
    body += ' "policy.compensation.budget=1e9"]\n'
    switched = run_frame(with_timeline(tmp_path, body))
    cut = calendar.month_of("2027-01", "2028-01")
    numeric = [c for c in plain.columns if c != "date"]
    pd.testing.assert_frame_equal(plain.iloc[:cut], switched.iloc[:cut])
    assert not np.allclose(plain[numeric].iloc[cut:].to_numpy(float), switched[numeric].iloc[cut:].to_numpy(float))


CHANGES = [
    "policy.payment.regime=bundled",
    "policy.compensation.fraction=0.6",
    "policy.compensation.budget=5e8",
    "policy.contracts.shared_savings=true",
    "financiers.insurer.horizon_months=36",
    "financiers.public_fund.pilot_budget_per_year=2e7",
    "diffusion.q=0.6",
    "behaviour.pilot_rate=0.1",
    "behaviour.reserve_floor_months=0.1",
    'regions.0.cooperation="high"',
    "sectors.gp.operating_margin=0.05",
    "citizens.acceptance_rate=0.3",
    "innovations.digital_triage.implementation_cost=5000",
]


def test_a_timeline_at_the_start_runs_as_the_same_set_at_month_0(tmp_path):
    sets = ", ".join(f"'{c}'" for c in CHANGES)
    timed = run_frame(with_timeline(tmp_path, f'[[timeline]]\nat = "2027-01"\nset = [{sets}]\n'))
    direct = run_frame(load_scenario(with_timeline(tmp_path, "", "direct.toml"), CHANGES))
    pd.testing.assert_frame_equal(timed, direct)


@pytest.mark.parametrize(
    "body, expected",
    [
        ('[[timeline]]\nat = "2028-13"\nset = ["diffusion.q=0.5"]\n', "timeline.0.at = '2028-13': allowed: a year"),
        ('[[timeline]]\nat = "2040-01"\nset = ["diffusion.q=0.5"]\n', "allowed: a date within the run, 2027-01 to"),
        ('[[timeline]]\nat = "2020-01"\nset = ["diffusion.q=0.5"]\n', "allowed: a date within the run"),
        ('[[timeline]]\nat = "2028-01"\nset = ["policy.payment.regim=bundled"]\n', "policy.payment.regim = 'bundled'"),
        ('[[timeline]]\nat = "2028-01"\nset = ["policy.payment.regime=barter"]\n', "policy.payment.regime = 'barter'"),
        ('[[timeline]]\nat = "2028-01"\nset = ["scale.citizens=10"]\n', "does not rebuild the world"),
        ('[[timeline]]\nat = "2028-01"\nset = ["innovations.nothing.evidence=1"]\n', "no item 'nothing'"),
        ('[[timeline]]\nat = "2028-01"\nset = ["diffusion.q"]\n', "path.to.key=value"),
        ('[[timeline]]\nat = "2028-01"\nset = []\n', "timeline.0.set"),
        ('[simulation]\nstart = "2027-00"\n', "simulation.start = '2027-00'"),
    ],
)
def test_bad_dates_and_keys_exit_2_with_one_line_naming_them(tmp_path, body, expected, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{DEMO}"\n{body}')
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(path) in err[0] and expected in err[0], err


def test_compare_sweep_and_the_live_app_honour_the_timeline(tmp_path):
    """`compare`, `sweep` and `viz` build their models from the same Scenario, timeline included: a change at the
    start gives the same runs as the same keys set directly, and the live model switches in the dated month."""
    changes = CHANGES[:4]
    sets = ", ".join(f"'{c}'" for c in changes)
    timed = with_timeline(tmp_path, f'[[timeline]]\nat = "2027-01"\nset = [{sets}]\n', months=24)
    plain = with_timeline(tmp_path, "", "plain.toml", months=24)
    result = compare([timed, load_scenario(plain, changes)], replications=2, workers=1)
    rows = result.outcomes.drop(columns="scenario").groupby(result.outcomes["scenario"], sort=False)
    first, second = (part.reset_index(drop=True) for _, part in rows)
    pd.testing.assert_frame_equal(first, second)

    grid = 'design = "grid"\nreplications = 1\nseed = 3\n[[parameters]]\n'
    grid += 'path = "behaviour.pilot_rate"\nvalues = [0.02, 0.2]\n'
    for name, base, overrides in (("timed", timed, []), ("plain", plain, changes)):
        listed = ", ".join(f"'{c}'" for c in ["scale.citizens=400", *overrides])
        (tmp_path / f"{name}_sweep.toml").write_text(f'name = "t"\nbase = "{base}"\noverrides = [{listed}]\n{grid}')
        run_sweep(tmp_path / f"{name}_sweep.toml", tmp_path / name, workers=1)
    outcome = [c for c in read_runs(tmp_path / "timed") if c.startswith(("implemented", "money:", "pilots"))]
    pd.testing.assert_frame_equal(read_runs(tmp_path / "timed")[outcome], read_runs(tmp_path / "plain")[outcome])

    later = with_timeline(tmp_path, '[[timeline]]\nat = "2027-04"\nset = ["policy.payment.regime=bundled"]\n', "l.toml")
    live = LiveModel(scenario_file=later)
    live.run(3)
    assert live.settings.policy.payment.regime == "fee_for_service"
    live.step()
    assert live.date == "2027-04" and live.settings.policy.payment.regime == "bundled"
