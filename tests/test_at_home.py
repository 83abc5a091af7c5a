"""Care at home, measured as the KIA measures it (contacts and spending), can move, and moves the right way."""

from __future__ import annotations

import pytest

from diffusionsim import metrics
from diffusionsim.at_home import MISSION_GROWTH, at_home_totals
from diffusionsim.bookkeeping import users_per_provider
from diffusionsim.model import DiffusionModel
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def model():
    return DiffusionModel(SCENARIOS / "baseline.toml")


def totals_if_used(model, innovations):
    """Care-at-home totals if every eligible citizen used the given innovations (and nothing else)."""
    users = model.users.copy()
    model.users[:] = False
    for iid in innovations:
        k = model.catalogue.ids.index(iid)
        model.users[:, k] = model.eligible[:, k]
    out = at_home_totals(model, model.org_base_spending, users_per_provider(model))
    model.users[:] = users
    return out


def test_full_adoption_moves_care_at_home_by_several_points(model):
    start = metrics.care_at_home_share(model)
    full = totals_if_used(model, model.catalogue.ids)["home_contacts"] / model.care_contacts
    assert full - start >= 0.05  # measured: 18.4% -> 28.7% at the baseline
    assert full / start - 1 >= MISSION_GROWTH  # the mission can be reached, but only with (nearly) everything used


def test_care_that_moves_home_raises_it_and_care_already_at_home_does_not_lower_it(model):
    start = model.home_contacts0
    assert totals_if_used(model, ["hospital_at_home"])["home_contacts"] > start
    assert totals_if_used(model, ["digital_triage"])["home_contacts"] > start
    # A medication robot replaces nursing visits at home: the care stays at home.
    assert totals_if_used(model, ["medication_robot"])["home_contacts"] == pytest.approx(start)
    assert totals_if_used(model, ["home_rehab_app"])["home_contacts"] == pytest.approx(start)


def test_a_run_reports_care_at_home_and_progress_towards_the_mission(demo_model):
    frame = demo_model.datacollector.get_model_vars_dataframe()
    assert {"care_at_home_share", "care_at_home_spending_share", "care_at_home_growth"} <= set(frame.columns)
    assert frame["care_at_home_growth"].iloc[0] == 0
    assert (frame["care_at_home_share"] > 0).all() and (frame["care_at_home_spending_share"] > 0).all()
    assert frame["care_at_home_growth"].iloc[-1] > 0  # some care moved home in ten years
