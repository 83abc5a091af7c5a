"""The bundled scenarios: valid, complete, traceable; `extends` and overrides behave."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from diffusionsim.scenario import KINDS, SECTORS, Scenario, _model_in, load_scenario
from tests.conftest import SCENARIOS

BUNDLED = sorted(p.name for p in SCENARIOS.glob("*.toml"))


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_scenarios_validate(name):
    load_scenario(SCENARIOS / name)


def test_baseline_is_what_the_issue_asks_for():
    sc = load_scenario(SCENARIOS / "baseline.toml")
    assert sc.policy.payment.regime == "fee_for_service"
    assert sc.policy.cofinancing.private_share == 0.4
    assert set(sc.sectors) == set(SECTORS)
    assert [r.name for r in sc.regions] == [
        "Medical Delta",
        "Sigra",
        "HEALTH Noord",
        "Health Valley",
        "Brightlands Smart Services Campus",
        "Care Innovation Center West-Brabant",
        "Health Hub Utrecht",
    ]
    assert {r.cooperation for r in sc.regions} == {"low", "middle", "high"}
    assert sc.financiers.insurer.horizon_months == 12 and sc.financiers.municipality.horizon_months == 48
    inns = sc.innovations
    assert len(inns) >= 6 and {i.kind for i in inns} == set(KINDS)
    assert {i.scope for i in inns} == {"single", "multi"}
    assert any(i.substitutes_sector == "hospital" and sc.sectors[i.target_sector].at_home for i in inns)


def _numeric_fields(model, prefix=""):
    """(path, field info) for every number or bool in the schema, recursing into sections and item types."""
    for name, info in model.model_fields.items():
        inner = _model_in(info.annotation)
        if inner is not None and inner is not model:
            yield from _numeric_fields(inner, f"{prefix}{name}.")
        elif isinstance(info.default, int | float | dict) and not isinstance(info.default, BaseModel):
            yield f"{prefix}{name}", info


def test_every_parameter_has_a_unit_and_a_source():
    """No behavioural number without its unit and its source (a line in the seeds) or the word 'assumption'."""
    untraced = []
    for path, info in _numeric_fields(Scenario):
        extra = info.json_schema_extra or {}
        if not extra.get("unit") or not re.search(
            r"assumption|\.txt:\d|DESIGN|Bass limit|any fixed seed", extra.get("source", "")
        ):
            untraced.append(path)
    assert not untraced, f"parameters without unit and source: {untraced}"


def test_baseline_file_cites_its_sources():
    text = (SCENARIOS / "baseline.toml").read_text()
    assert text.count("assumption") >= 20
    assert len(re.findall(r"\d{3}_[0-9a-f]{16}\.txt:\d+", text)) >= 10


def test_extends_merges_tables_and_replaces_arrays():
    demo = load_scenario(SCENARIOS / "demo.toml")
    base = load_scenario(SCENARIOS / "baseline.toml")
    assert demo.scale.citizens == 3000 and base.scale.citizens == 20000
    assert demo.sectors["gp"].organisations_per_agent == 50 and demo.sectors["gp"].organisations == 4500
    assert demo.innovations == base.innovations


def test_override_addresses_list_items_by_id_and_index():
    sc = load_scenario(
        SCENARIOS / "demo.toml", ["innovations.digital_triage.pilot_cost=1234", "regions.0.cooperation=high"]
    )
    assert next(i for i in sc.innovations if i.id == "digital_triage").pilot_cost == 1234
    assert sc.regions[0].cooperation == "high"
    sc = load_scenario(SCENARIOS / "demo.toml", ["policy.payment.regime=fee_for_service"])  # bare string value
    assert sc.policy.payment.regime == "fee_for_service"
