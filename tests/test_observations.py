"""The Dutch record as data: the bundled file loads, every entry is usable, and bad entries give one clear message."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pandas as pd
import pytest

from diffusionsim.cli import main
from diffusionsim.observations import (
    INNOVATION_PREFIXES,
    RUN_OUTCOMES,
    Observation,
    check_indicators,
    load_observations,
    model_values,
    observed,
    used,
)
from diffusionsim.scenario import ScenarioError
from tests.conftest import ROOT

NL = ROOT / "data" / "observations" / "nl.toml"
HISTORY_IDS = (
    "e_consult",
    "diabetes_care_group",
    "copd_care_group",
    "vrm_care_group",
    "hospital_telemonitoring",
    "self_measurement",
    "video_home_care",
)
COLUMNS = ["month"] + [f"{p}:{i}" for p in INNOVATION_PREFIXES for i in HISTORY_IDS]
START, MONTHS = "2006-01", 228  # the history scenario: 2006-01 to 2024-12

GOOD = """
[[observation]]
id = "{id}"
indicator = "{indicator}"
date = "{date}"
value = {value}
se = {se}
se_method = "binomial, n = 200"
source = {{ authors = "A", title = "T", year = 2018, where = "table 1", url_or_store = "somewhere" }}
checked = true
use = true
mapping = "share of practices"
"""


def entry(**kw) -> str:
    fields = {"id": "a", "indicator": "org_adoption:e_consult", "date": "2010-12", "value": 0.32, "se": 0.033}
    return GOOD.format(**(fields | kw))


def write(tmp_path, text: str):
    path = tmp_path / "obs.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nl() -> list[Observation]:
    return load_observations(NL)


def test_the_record_loads(nl):
    assert len(nl) >= 10
    assert 8 <= len(used(nl)) <= 12  # a modest, identifiable set for calibration
    values, se = observed(nl)
    assert np.all(se > 0) and np.all(np.isfinite(values))


def test_every_indicator_names_a_known_form(nl):
    for obs in nl:
        prefix, _, iid = obs.indicator.partition(":")
        assert obs.indicator in RUN_OUTCOMES or (prefix in INNOVATION_PREFIXES and iid in HISTORY_IDS), obs.id


def test_the_record_fits_the_history_run(nl):
    check_indicators(nl, COLUMNS, RUN_OUTCOMES, str(NL), start=START, months=MONTHS)  # raises if not


def test_unchecked_figures_say_why(nl):
    for obs in nl:
        assert obs.checked or obs.check_note.strip(), obs.id


@pytest.mark.parametrize(
    ("text", "key", "allowed"),
    [
        (entry(date="2010-13"), "observation.0.date = '2010-13'", "YYYY-MM"),
        (entry(date="12-2010"), "observation.0.date = '12-2010'", "YYYY-MM"),
        (entry(se=-0.01), "observation.0.se = -0.01", "> 0"),
        (entry(se=0), "observation.0.se = 0", "> 0"),
        (entry(value=32.0), "observation.0.value = 32.0", "from 0 to 1"),
        (entry() + entry(), "observation.1.id = 'a'", "not used before"),
    ],
    ids=["month-13", "month-first", "negative-se", "zero-se", "percent-not-share", "duplicate-id"],
)
def test_bad_entry_gives_one_clear_message(tmp_path, text, key, allowed):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_observations(path)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert message.startswith(f"{path}: {key}: allowed: ") and allowed in message


def test_a_count_outcome_may_exceed_one(tmp_path):
    (obs,) = load_observations(write(tmp_path, entry(indicator="pilots_started", value=131)))
    assert obs.is_outcome and obs.value == 131


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ScenarioError, match=r"no_such\.toml: no such observations file"):
        load_observations(tmp_path / "no_such.toml")
    with pytest.raises(ScenarioError, match=r"obs\.toml: malformed TOML"):
        load_observations(write(tmp_path, "[[observation]\nid = "))


def test_unknown_indicator_names_file_id_indicator_and_allowed(tmp_path):
    path = write(tmp_path, entry(id="typo", indicator="org_adoption:e_consul"))
    obs = load_observations(path)
    with pytest.raises(ScenarioError) as caught:
        check_indicators(obs, COLUMNS, RUN_OUTCOMES, str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: observation.typo.indicator = 'org_adoption:e_consul': allowed: ")
    assert "org_adoption:e_consult" in message and len(message.splitlines()) == 1


def test_unknown_outcome_lists_the_outcomes(tmp_path):
    obs = load_observations(write(tmp_path, entry(id="x", indicator="embeded_share", value=0.78)))
    with pytest.raises(ScenarioError, match=r"observation\.x\.indicator = 'embeded_share': allowed: a run outcome.*"):
        check_indicators(obs, COLUMNS, RUN_OUTCOMES, "f.toml")


@pytest.mark.parametrize(("date", "where"), [("2005-12", "before"), ("2025-01", "after")])
def test_a_date_outside_the_run_is_an_error_at_check_time(tmp_path, date, where):
    obs = load_observations(write(tmp_path, entry(id="out", date=date)))  # loading alone cannot know the run
    with pytest.raises(ScenarioError, match=rf"f\.toml: observation\.out\.date = '{date}': allowed: a month inside"):
        check_indicators(obs, COLUMNS, RUN_OUTCOMES, "f.toml", start=START, months=MONTHS)


@pytest.mark.parametrize(
    ("start", "date", "month"),
    [("2006-01", "2006-01", 1), ("2006-01", "2010-12", 60), ("2006-01", "2024-12", 228), ("2010-07", "2011-06", 12)],
)
def test_month_index(start, date, month):
    obs = Observation.model_validate(tomllib.loads(entry(date=date))["observation"][0])
    assert obs.month_index(start) == month


def test_month_index_before_the_start_is_below_one():
    obs = Observation.model_validate(tomllib.loads(entry(date="2005-12"))["observation"][0])
    assert obs.month_index("2006-01") == 0


def test_model_values_picks_the_month_row_and_the_outcome(tmp_path):
    text = entry(id="a", date="2006-03") + entry(id="b", indicator="embedded_share", value=0.78, date="2018-12")
    obs = load_observations(write(tmp_path, text))
    series = pd.DataFrame({"month": [0, 1, 2, 3, 4], "org_adoption:e_consult": [0.0, 0.1, 0.2, 0.3, 0.4]})
    values = model_values(obs, series, {"embedded_share": 0.5}, start="2006-01")
    assert values.tolist() == [0.3, 0.5]  # end of March 2006 is month 3, not the row at position 3 of a shifted frame
    shifted = series.iloc[2:].set_index("month")  # month as the index works too
    assert model_values(obs, shifted, {"embedded_share": 0.5}, start="2006-01").tolist() == [0.3, 0.5]


def test_model_values_for_a_month_the_run_did_not_record(tmp_path):
    obs = load_observations(write(tmp_path, entry(id="late", date="2007-01")))
    series = pd.DataFrame({"month": [0, 1, 2], "org_adoption:e_consult": [0.0, 0.1, 0.2]})
    with pytest.raises(ScenarioError, match=re.escape("observation.late.date = '2007-01': allowed: a month the run")):
        model_values(obs, series, {}, start="2006-01")


def test_an_outcome_with_a_colon_is_an_outcome(tmp_path):
    (obs,) = load_observations(write(tmp_path, entry(indicator="contracted_share:e_consult")))
    assert obs.is_outcome
    check_indicators([obs], COLUMNS, [*RUN_OUTCOMES, "contracted_share:e_consult"], "f.toml")
    assert model_values([obs], pd.DataFrame({"month": [0]}), {"contracted_share:e_consult": 0.4}, START) == [0.4]


def test_unknown_column_lists_only_its_own_form(tmp_path):
    obs = load_observations(write(tmp_path, entry(id="x", indicator="citizen_adoption:e_consul")))
    with pytest.raises(ScenarioError) as caught:
        check_indicators(obs, [*COLUMNS, "money:insurer"], RUN_OUTCOMES, "f.toml")
    allowed = str(caught.value).split("allowed: ", 1)[1]
    assert "citizen_adoption:e_consult" in allowed and "org_adoption:" not in allowed and "money" not in allowed


def test_a_run_whose_record_names_an_unknown_indicator_exits_2_before_any_work(tmp_path, capsys):
    obs = write(tmp_path, entry(indicator="org_adoption:e_consultation"))
    scenario = tmp_path / "history.toml"
    history = ROOT / "scenarios" / "history" / "nl_2006.toml"
    scenario.write_text(f'extends = "{history}"\n[meta]\nobservations = "{obs.name}"\n')
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(obs) in err[0] and "org_adoption:e_consultation" in err[0], err
    assert "allowed: a time-series column" in err[0] and not out.exists()


def test_the_history_run_puts_the_record_beside_the_model(tmp_path):
    out = tmp_path / "history"
    assert main(["run", str(ROOT / "scenarios" / "history" / "nl_2006.toml"), "--out", str(out), "--quiet"]) == 0
    record = pd.read_csv(out / "record.csv")
    assert list(record["id"]) == [o.id for o in load_observations(NL)]
    assert record["model"].notna().all() and (out / "record.png").stat().st_size > 10_000
    series = pd.read_csv(out / "timeseries.csv")
    assert series["date"].iloc[[0, 1, -1]].tolist() == ["2005-12", "2006-01", "2024-12"]
    assert {f"contracted:{i}" for i in HISTORY_IDS} <= set(series)
