"""The causal core's bookkeeping: providers' reserves and floors, finite pots, learning from own flows, partner
consent, compensation that ends, evidence from lasting use, no phantom adopters."""

from __future__ import annotations

import numpy as np
import pytest

from diffusionsim.accounts import expectation, realised_per_user, reserve
from diffusionsim.model import DiffusionModel
from diffusionsim.pockets import partner_consent, provider_prior
from diffusionsim.scenario import load_scenario
from diffusionsim.stages import Stage, offers


@pytest.mark.parametrize(
    "overrides",
    [[], ["policy.payment.regime=bundled"], ["policy.compensation.fraction=0.5", "policy.compensation.budget=5e8"]],
)
def test_no_reserve_is_spent_below_its_floor(demo_path, overrides):
    """Innovation spending never takes a provider below its floor, under any payment regime."""
    model = DiffusionModel(load_scenario(demo_path, overrides), rng=11).run()
    assert model.lowest_headroom >= 0
    assert np.isfinite(reserve(model)).all()


def test_the_floor_binds_for_providers_with_thin_reserves(demo_path):
    """With reserves spread widely, some providers are refused a pilot or an implementation they cannot afford; with
    no floor, nobody is (same seed)."""
    thin = DiffusionModel(load_scenario(demo_path, ["behaviour.reserve_sd=2.0"]), rng=11).run()
    assert thin.counters["refused_for_reserve"] > 0 and thin.lowest_headroom >= 0
    ample = DiffusionModel(load_scenario(demo_path, ["behaviour.reserve_floor_months=0"]), rng=11).run()
    assert ample.counters["refused_for_reserve"] == 0


def test_no_pot_pays_more_than_it_holds_and_the_pots_run_dry_in_some_years(demo_path):
    model = DiffusionModel(demo_path, rng=5)
    cheapest = (1 - model.settings.policy.cofinancing.private_share) * model.catalogue.pilot_cost.min()
    dry_years = 0
    for _ in range(model.months):
        model.step()
        assert model.public_pilot_budget.min() >= 0 and model.payer_pilot_budget.min() >= 0
        assert model.regional_budget.min() >= 0 and model.compensation_left >= 0
        assert model.public_fund.budget_left >= 0
        if model.month % 12 == 0:
            dry_years += bool(model.public_pilot_budget[0] < cheapest * model.org_weight.max())
    assert dry_years >= 1
    assert model.counters["pilots_without_money"] > 0
    paid = model.ledger.paid[model.public_fund.party, 2]  # pilot grants
    assert paid <= model.settings.financiers.public_fund.pilot_budget_per_year * (model.months / 12) + 1e-6


def test_the_size_of_the_pots_moves_how_many_pilots_start(demo_path):
    """Project money binds: with no pot at all, fewer pilots start than with the baseline pots (same seed)."""
    none = [
        "financiers.public_fund.pilot_budget_per_year=0",
        "financiers.insurer.innovation_budget_per_year=0",
        "cooperation.high.budget_share=0",
    ]
    base = DiffusionModel(demo_path, rng=2).run().counters["pilots_started"]
    without = DiffusionModel(load_scenario(demo_path, none), rng=2).run().counters["pilots_started"]
    assert without < 0.8 * base


def test_expectations_move_from_the_prior_to_what_landed(demo_path):
    """After n months of own use a provider's weight on its own flows is 1 - (1 - α)^n, and with a steady flow its
    expectation converges to that flow."""
    model = DiffusionModel(demo_path, rng=4)
    model.run(36)
    org, k = np.nonzero(offers(model.stage) & (model.use_months >= 6))
    assert len(org) > 0
    a = model.settings.behaviour.learning_rate
    np.testing.assert_allclose(model.own_weight[org, k], 1 - (1 - a) ** model.use_months[org, k])
    # A provider that has used an innovation for a long time expects what lands on it, not its prior.
    model.own_weight[org, k], model.learned[org, k] = 1.0, realised_per_user(model, org, k)
    prior = provider_prior(model, org, k)
    np.testing.assert_allclose(expectation(model, org, k, prior), realised_per_user(model, org, k))


def test_compensation_lands_while_its_window_is_open_and_the_loss_returns_after(demo_path):
    sc = load_scenario(
        demo_path,
        ["policy.compensation.fraction=0.5", "policy.compensation.budget=5e8", "policy.compensation.months=12"],
    )
    model = DiffusionModel(sc, rng=1)
    k = model.catalogue.ids.index("digital_triage")  # the GP loses its own consultations
    org = np.flatnonzero(model.relevant[:, k])[:1]
    model.stage[org, k] = Stage.IMPLEMENTED
    model.month, model.first_loss_month[org] = 10, 5
    during = realised_per_user(model, org, k)
    model.month = 30
    after = realised_per_user(model, org, k)
    lost = model.catalogue.substituted_spending[k]
    assert during - after == pytest.approx(0.5 * lost)


def test_the_losing_partner_consents_more_under_bundling_sharing_or_compensation(demo_path):
    """Hospital care at home needs the hospital's referrals; its consent follows its own net under each instrument."""

    def consent(overrides):
        model = DiffusionModel(load_scenario(demo_path, overrides), rng=1)
        k = model.catalogue.ids.index("hospital_at_home")
        org = np.flatnonzero(model.relevant[:, k])
        return partner_consent(model, org, np.full(len(org), k)).mean()

    ffs = consent([])
    assert ffs < 0.5
    assert consent(["policy.payment.regime=bundled"]) > ffs
    assert consent(["policy.contracts.shared_savings=true"]) > ffs
    assert consent(["policy.compensation.fraction=0.5", "policy.compensation.budget=5e8"]) > ffs
    model = DiffusionModel(demo_path, rng=1)
    k = model.catalogue.ids.index("smart_sensors")  # nobody else loses care: no consent needed
    assert (partner_consent(model, np.arange(3), np.full(3, k)) == 1).all()


def test_an_abandoned_pilot_adds_no_evidence(demo_path):
    """An innovation that no provider can afford to keep is abandoned after every pilot: its national experience is
    only what the pilots still running add, and its evidence stays near where it started."""
    sc = load_scenario(
        demo_path, ["innovations.digital_triage.running_cost_per_user_month=100000", "behaviour.decision_noise=0.01"]
    )
    model = DiffusionModel(sc, rng=3).run()
    k = model.catalogue.ids.index("digital_triage")
    assert model.counters["pilots_abandoned"] > 0
    running = model.stage[:, k] == Stage.PILOTING
    expected = (model.org_weight[running] * model.use_months[running, k]).sum()
    assert model.experience[k] == pytest.approx(expected)


def test_no_phantom_adopters(demo_model):
    """Only organisations with eligible clients count for an innovation, and only they ever take it up."""
    m = demo_model
    assert (m.org_eligible[m.relevant] > 0).all()
    assert (m.stage[~m.relevant] == Stage.UNAWARE).all()


def test_evidence_still_grows_after_year_three(demo_path):
    """Evidence saturates slowly: after three years most innovations are still short of full evidence, and it keeps
    growing with use."""
    model = DiffusionModel(demo_path)
    model.run(36)
    at_3y = model.evidence.copy()
    model.run(84)
    assert np.median(at_3y) < 0.6
    assert (model.evidence - at_3y).max() > 0.1
