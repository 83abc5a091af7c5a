"""The live app without a browser: the levers, the model they build, the figures, and the page rendered in-process.

The browser test (test_app_browser.py) checks the same app end to end; these tests say quickly which part broke.
"""

from __future__ import annotations

import inspect
import json

import ipyvuetify
import numpy as np
import pytest
import solara
import solara.widgets

from diffusionsim.model import DiffusionModel
from diffusionsim.stages import Stage
from diffusionsim.viz import app, live
from diffusionsim.viz.figures import (
    CHART_MAKERS,
    OFF_TARGET,
    OFF_TARGET_COLOUR,
    STAGE_COLOURS,
    all_options,
    big_numbers,
    default_innovation,
    node_colours,
    option_update,
    views_for,
)
from diffusionsim.viz.live import LiveModel


@pytest.fixture(scope="module")
def stepped() -> LiveModel:
    """A demo model 30 months in, so every stage has some organisations."""
    model = LiveModel()
    for _ in range(30):
        model.step()
    return model


def test_app_module_imports_and_has_a_page():
    assert app.Page is not None and app.page is not None
    assert set(app.model_params()) == {"scenario_file", "payment", "private_share", "compensation", "fund"} | {
        "cooperation",
        "seed",
    }


def test_lever_keys_are_the_model_keyword_arguments():
    """SolaraViz passes the levers to LiveModel on Reset; Mesa refuses a lever the model does not take."""
    params = inspect.signature(LiveModel.__init__).parameters
    assert set(app.model_params()) <= set(params)
    assert "scenario" not in params, "Mesa 3.5 passes its own Scenario object to an __init__ with `scenario`"
    for lever in app.model_params().values():
        if lever["type"] == "Select":
            assert lever["value"] in lever["values"]


def test_scenario_picker_lists_the_bundled_files():
    choices = live.bundled_scenarios()
    assert choices[0] == "demo.toml"
    assert {"baseline.toml", "bundled_payment.toml", "loss_compensation.toml"} <= set(choices)


def test_levers_build_a_model_with_their_values_and_it_steps():
    model = LiveModel(
        payment="bundled payment (zorgbundels)",
        private_share="20%",
        compensation="50% of lost revenue",
        fund="EUR 500 million",
        cooperation="high: programme organisation (programmaorganisatie)",
        seed="7",
    )
    policy = model.settings.policy
    assert model.lever_message is None
    assert policy.payment.regime == "bundled"
    assert policy.cofinancing.private_share == 0.2
    assert (policy.compensation.fraction, policy.compensation.budget) == (0.5, 500e6)
    assert {r.cooperation for r in model.settings.regions} == {"high"}
    assert model.settings.simulation.seed == 7
    model.step()
    assert model.month == 1
    assert dict(live.describe_policy(model))["Payment model"] == "bundled payment (zorgbundels)"


def test_as_in_scenario_keeps_the_scenario_file():
    model = LiveModel(scenario_file="loss_compensation.toml")
    assert model.settings.policy.compensation.fraction == 0.5
    assert model.lever_message is None


def test_same_seed_same_run_as_the_plain_model():
    a, b = LiveModel(), DiffusionModel()
    for _ in range(5):
        a.step()
        b.step()
    assert np.array_equal(a.stage, b.stage)


@pytest.mark.parametrize(
    ("levers", "words"),
    [
        ({"compensation": "50% of lost revenue"}, "transition fund"),  # a fraction with no fund (demo's budget is 0)
        ({"compensation": 0.5, "fund": "no fund (EUR 0)"}, "transition fund"),
        ({"seed": "forty-two"}, "whole number"),
    ],
)
def test_bad_lever_combination_gives_a_message_not_an_exception(levers, words):
    model = LiveModel(payment="bundled payment (zorgbundels)", **levers)
    assert model.lever_message and words in model.lever_message
    assert model.settings.policy.payment.regime == "fee_for_service"  # the scenario's own policy, not a half mix
    model.step()


def test_a_broken_scenario_file_falls_back_to_the_demo(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("this is not toml = = =")
    model = LiveModel(scenario_file=str(bad))
    assert model.lever_message and "could not be used" in model.lever_message
    assert model.settings.meta.name == "demo"


def test_network_has_one_point_per_organisation_coloured_by_stage(stepped):
    innovation = default_innovation(stepped)
    k = stepped.catalogue.ids.index(innovation)
    option = views_for(stepped).network.option(innovation)
    points = [s for s in option["series"] if s["type"] == "scatter" and s["name"] != "regions"]
    assert sum(len(s["data"]) for s in points) == len(stepped.organisation_list)
    by_colour = {s["itemStyle"]["color"]: len(s["data"]) for s in points}
    relevant = stepped.relevant[:, k]
    for stage in Stage:
        assert by_colour[STAGE_COLOURS[stage]] == int((stepped.stage[relevant, k] == stage).sum())
    assert by_colour[OFF_TARGET_COLOUR] == int((~relevant).sum())
    assert OFF_TARGET in option["legend"]["data"]
    assert len(set(stepped.stage[relevant, k].tolist())) > 1, "30 months in, organisations should differ in stage"

    colours = node_colours(stepped, innovation)
    for i in np.flatnonzero(relevant):
        assert colours[i] == STAGE_COLOURS[Stage(stepped.stage[i, k])]


def test_network_layout_groups_organisations_by_region(stepped):
    pos = views_for(stepped).network.pos
    centres = np.array([pos[stepped.org_region == r].mean(axis=0) for r in range(len(stepped.settings.regions))])
    for r, centre in enumerate(centres):
        mine = np.linalg.norm(pos[stepped.org_region == r] - centre, axis=1).max()
        others = np.delete(centres, r, axis=0)
        assert mine < np.linalg.norm(others - centre, axis=1).min() / 2


def test_charts_follow_the_collector_and_serialise(stepped):
    options = all_options(stepped)
    assert set(options) == {"network"} | set(CHART_MAKERS)
    json.dumps(options)  # what the browser receives
    pilots = {s["name"]: s["data"] for s in options["pilots"]["series"]}
    started = stepped.datacollector.model_vars["pilots_started"]
    assert pilots["started"][-1] == [30, round(started[-1], 4)]
    adoption = options["adoption"]["series"]
    assert len(adoption) == len(stepped.catalogue.ids)
    assert max(s["lineStyle"]["width"] for s in adoption) > min(s["lineStyle"]["width"] for s in adoption)
    money = {s["name"] for s in options["money"]["series"]}
    assert {"care providers", "health insurers (Zvw)", "municipalities (Wmo, gemeenten)"} <= money


def test_page_renders_and_a_step_sends_only_what_changed(monkeypatch):
    """The whole page renders in-process (no browser); a step updates the month and sends each chart only changes."""
    made: list[LiveModel] = []

    def recording(**kwargs) -> LiveModel:
        made.append(LiveModel(**kwargs))
        return made[-1]

    monkeypatch.setattr(app, "LiveModel", recording)
    _, rc = solara.render(app.Page(), handle_error=False)

    def panel_text() -> str:
        return " ".join(w.unsafe_innerHTML or "" for w in rc.find(solara.widgets.HTML).widgets)

    charts = rc.find(app.LiveChart).widgets
    assert "month 0 of 120" in panel_text()
    assert len(charts) == 6 and all(w.option.get("series") for w in charts)
    assert all(w.on_drawn is not None for w in charts), "every chart is attached to the session"
    network = next(w for w in charts if any(s.get("id") == "ties" for s in w.option["series"]))
    rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()  # the page's own Step button
    assert made[-1].month == 1
    assert "month 1 of 120" in panel_text()
    assert "month 1 of 120" in network.update["title"]["text"], "the network says the same month as the header"
    sent_ids = {s.get("id") for s in network.update.get("series", [])}
    assert "ties" not in sent_ids and "regions" not in sent_ids, "fixed parts are sent once per run"
    rc.close()


def test_a_scenario_that_cannot_be_built_shows_the_demo_and_a_message(monkeypatch):
    """`viz` on a scenario that validates shows the app, never a traceback in the page: if building the world fails,
    the presenter sees the demo and a message naming the error."""
    import diffusionsim.model as model_module  # noqa: PLC0415 - patched for this test only

    real = model_module.build_citizens
    calls = []

    def fails_once(model):
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("simulated failure while building citizens")
        return real(model)

    monkeypatch.setattr(model_module, "build_citizens", fails_once)
    live = LiveModel()
    assert "could not be built" in live.lever_message and "simulated failure" in live.lever_message
    live.step()
    assert live.month == 1


def test_a_refused_lever_leaves_the_selectors_showing_what_is_in_use():
    model = LiveModel(compensation="50% of lost revenue")  # refused: the demo has no transition fund
    assert model.lever_message
    in_use = live.levers_in_use(model)
    assert in_use["compensation"] == "none" and in_use["fund"] == "no fund (EUR 0)"
    assert in_use["payment"] == "fee for service (betalen per verrichting)"


def test_regional_cooperation_is_shown_per_region():
    mixed = dict(live.describe_policy(LiveModel()))["Regional cooperation"]
    model = LiveModel()
    for region in model.settings.regions:
        assert f"{region.name}: {region.cooperation}" in mixed
    same = dict(live.describe_policy(LiveModel(cooperation="low: knowledge network (kennisnetwerk)")))
    assert same["Regional cooperation"] == "low, in all 7 regions"


def test_an_empty_chart_says_so_instead_of_a_0_to_1_axis():
    model = LiveModel()
    option = views_for(model).charts["pilots"].option(model)
    assert option["yAxis"]["axisLabel"]["show"] is False
    assert option["graphic"][0]["invisible"] is False
    for _ in range(30):
        model.step()
    option = views_for(model).charts["pilots"].option(model)
    assert option["yAxis"]["axisLabel"]["show"] is True and option["graphic"][0]["invisible"] is True


def test_updates_carry_only_what_changed(stepped):
    network = views_for(stepped).network
    innovation = default_innovation(stepped)
    before = network.option(innovation)
    assert option_update(before, network.option(innovation)) == {}
    assert option_update(None, before) == before
    stepped.step()
    update = option_update(before, network.option(innovation))
    assert "title" in update and "ties" not in {s["id"] for s in update.get("series", [])}


def test_ghost_and_tiles_compare_with_the_previous_run():
    old = LiveModel()
    for _ in range(12):
        old.step()
    previous = {k: list(v) for k, v in old.datacollector.model_vars.items()}
    new = LiveModel(payment="bundled payment (zorgbundels)")
    for _ in range(6):
        new.step()
    option = views_for(new).charts["adoption"].option(new, ghost=previous)
    ghosts = [s for s in option["series"] if s["id"].startswith("ghost:")]
    assert ghosts and len(ghosts[0]["data"]) == 13
    assert all(not s["name"].startswith("previous") for s in option["series"] if s["name"] in option["legend"]["data"])
    tiles = big_numbers(new, previous)
    assert [t.key for t in tiles] == ["fte", "adopted", "at_home", "public", "net"]
    assert all("vs previous run" in t.change for t in tiles)
    assert all(not t.change for t in big_numbers(new))
