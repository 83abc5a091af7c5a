"""The bundled scenarios: valid, complete, traceable; `extends` and overrides behave."""

from __future__ import annotations

import re

import pytest

from diffusionsim.scenario import KINDS, SECTORS, Scenario, _model_in, load_scenario
from tests.conftest import ROOT, SCENARIOS

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


SEED_LINE = r"\d{3}_[0-9a-f]{16}\.txt:\d+"

#: The only fields without a unit and a source: labels and identifiers, which name or describe an item rather than set
#: a quantity the model assumes. Every other field, whatever its type or default, must carry both.
LABELS = {
    "meta.name": "the scenario's name",
    "meta.description": "free text about the scenario",
    "meta.observations": "a path to the observed record (each observation names its own source)",
    "timeline.at": "the date a change takes effect (each change names its source in the file)",
    "timeline.set": "the keys a change sets (each key has its own unit and source)",
    "regions.name": "identifies a region (and is what policy.payment.bundled_regions refers to)",
    "companies.id": "identifies a company",
    "innovations.id": "identifies an innovation",
    "innovations.name": "free text about the innovation",
    "innovations.owner": "refers to a company id",
    "innovations.kind": "required per item: what the innovation is (its effects have sourced parameters of their own)",
    "innovations.target_sector": "required per item: where the innovation is used",
}


def _fields(model, prefix=""):
    """(path, field info) for every field of the schema, recursing into sections and into list and dict item types."""
    for name, info in model.model_fields.items():
        inner = _model_in(info.annotation)
        if inner is not None:
            yield from _fields(inner, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info


def test_every_parameter_has_a_unit_and_a_source():
    """Every field has a unit and a source, the source being a line in the seeds or the word 'assumption'."""
    paths = [path for path, _ in _fields(Scenario)]
    assert set(LABELS) <= set(paths), f"exempted labels the schema no longer has: {set(LABELS) - set(paths)}"
    untraced = []
    for path, info in _fields(Scenario):
        if path in LABELS:
            continue
        extra = info.json_schema_extra or {}
        unit, source = extra.get("unit"), extra.get("source", "")
        if not unit or not re.match(rf"(assumption\b|{SEED_LINE})", source):
            untraced.append(f"{path} (unit {unit!r}, source {source!r})")
    assert not untraced, "fields without a unit and a source (a seed line or 'assumption'):\n" + "\n".join(untraced)


def test_cited_seed_files_are_the_documented_ones():
    """A typo in a file name would pass the pattern above: every cited file is one listed in docs/SOURCES.md."""
    documented = set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", (ROOT / "docs" / "SOURCES.md").read_text()))
    cited = set()
    for _, info in _fields(Scenario):
        cited |= set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", (info.json_schema_extra or {}).get("source", "")))
    for path in SCENARIOS.glob("*.toml"):
        cited |= set(re.findall(r"\d{3}_[0-9a-f]{16}\.txt", path.read_text()))
    assert cited and cited <= documented, f"cited but not in docs/SOURCES.md: {cited - documented}"


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
