"""Property-based tests (Hypothesis) of scenario input, generated from the scenario schema itself (issue 11).

Every scalar key of the demo scenario, with its type and bounds read from the schema's JSON Schema, gets:
- valid values at and near its bounds and in between: the scenario then validates, or is refused by a cross-field
  rule with clean one-line messages; a valid one runs 12 months of the demo world without an exception, with finite
  indicators and shares in [0, 1]. Keys that set the size of the world (agents, organisations, investors) are varied
  only for validation, not run, so that a run stays small;
- invalid values of every kind (wrong type, NaN, +-inf, huge, below the minimum, above the maximum, an empty list, a
  table with a non-ASCII key) and unknown non-ASCII keys: `diffusionsim validate` exits 2 with one clean line per
  problem and no traceback.

Examples are derandomized (the same in every run) and no example database is written.
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffusionsim.cli import main
from diffusionsim.model import DiffusionModel
from diffusionsim.scenario import Scenario, ScenarioError, load_scenario
from tests.conftest import SCENARIOS

DEMO = SCENARIOS / "demo.toml"
SIZE_KEYS = ("scale.citizens", "organisations", "organisations_per_agent", "investors.count", "simulation.months")
SETTINGS: dict[str, Any] = {"derandomize": True, "database": None, "deadline": None}
SETTINGS["suppress_health_check"] = [HealthCheck.too_slow]


@dataclass(frozen=True)
class Leaf:
    """One scalar key of the scenario: its dotted path, JSON type and bounds."""

    path: str
    kind: str  # "number", "integer", "boolean", "string"
    default: Any
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    enum: tuple = ()


def _resolve(node: dict, defs: dict) -> dict:
    if "$ref" in node:
        return _resolve(defs[node["$ref"].split("/")[-1]], defs)
    if "anyOf" in node:  # an optional value: the non-null branch
        return _resolve(next(n for n in node["anyOf"] if n.get("type") != "null"), defs)
    if "allOf" in node:
        return _resolve(node["allOf"][0], defs)
    return node


def _leaves(value: Any, node: dict, defs: dict, path: str) -> list[Leaf]:
    node = _resolve(node, defs)
    if isinstance(value, dict) and "properties" in node:
        return [leaf for k, v in value.items() for leaf in _leaves(v, node["properties"][k], defs, f"{path}{k}.")]
    if isinstance(value, dict):
        return [
            leaf for k, v in value.items() for leaf in _leaves(v, node["additionalProperties"], defs, f"{path}{k}.")
        ]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, node["items"], defs, f"{path}{i}.")]
    kind = node.get("type", "string")
    return [
        Leaf(
            path.rstrip("."),
            kind,
            value,
            node.get("minimum", node.get("exclusiveMinimum")),
            node.get("maximum", node.get("exclusiveMaximum")),
            "exclusiveMinimum" in node,
            "exclusiveMaximum" in node,
            tuple(node.get("enum", ())),
        )
    ]


def scenario_leaves() -> list[Leaf]:
    schema = Scenario.model_json_schema()
    data = load_scenario(DEMO).model_dump(mode="json")
    return [leaf for leaf in _leaves(data, schema, schema["$defs"], "") if leaf.kind != "null"]


LEAVES = scenario_leaves()
NUMERIC = [leaf for leaf in LEAVES if leaf.kind in ("number", "integer")]
RUNNABLE = [leaf for leaf in LEAVES if not any(key in leaf.path for key in SIZE_KEYS) and leaf.kind != "string"]


def toml(value: Any) -> str:
    """A value as the right-hand side of `--set` (a TOML value)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, str):
        return f"'{value}'"
    return repr(value)


def valid_values(leaf: Leaf) -> st.SearchStrategy:
    if leaf.kind == "boolean":
        return st.booleans()
    if leaf.kind == "string":
        return st.sampled_from(leaf.enum or (leaf.default,))
    integer = leaf.kind == "integer"
    span = max(abs(leaf.default or 0) * 10, 10)
    low = leaf.low if leaf.low is not None else -span
    high = leaf.high if leaf.high is not None else low + span
    if integer:
        low, high = int(low) + leaf.low_open, int(high) - leaf.high_open
        return st.sampled_from([low, high, min(low + 1, high)]) | st.integers(low, high)
    edges = [
        np.nextafter(low, np.inf) if leaf.low_open else low,
        np.nextafter(high, -np.inf) if leaf.high_open else high,
    ]
    return st.sampled_from([float(e) for e in edges]) | st.floats(edges[0], edges[1], allow_nan=False)


def invalid_values(leaf: Leaf) -> st.SearchStrategy:
    bad: list[Any] = [float("nan"), float("inf"), float("-inf"), "text", [], {"ü": 1}]
    if leaf.low is not None:
        bad.append(leaf.low - 1 if leaf.kind == "integer" else (leaf.low if leaf.low_open else leaf.low - 1.0))
    if leaf.high is not None:
        bad.append(10**30 if leaf.kind == "integer" else leaf.high * 10 + 1.0)
    if leaf.kind == "integer":
        bad.append(0.5)  # not a whole number
    return st.sampled_from(bad)


def refuses_cleanly(argv: list[str]) -> bool:
    """`diffusionsim ARGV` exits 2 with one or more lines `diffusionsim: error: ... allowed ...` and no traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    lines = err.getvalue().strip().splitlines()
    assert "Traceback" not in err.getvalue() + out.getvalue()
    assert lines and all(line.startswith("diffusionsim: error: ") and "allowed" in line for line in lines), lines
    return code == 2


def test_the_schema_walk_finds_every_kind_of_key():
    paths = {leaf.path for leaf in LEAVES}
    assert {"scale.citizens", "sectors.gp.spending_per_client_month", "innovations.0.pilot_cost"} <= paths
    assert {"citizens.ses_shares.low", "regions.0.population_share", "policy.payment.regime"} <= paths
    assert len(NUMERIC) > 150 and len(RUNNABLE) > 150


@settings(max_examples=120, **SETTINGS)
@given(data=st.data())
def test_invalid_values_give_exit_2_and_clean_lines(data):
    leaf = data.draw(st.sampled_from(NUMERIC), label="key")
    value = data.draw(invalid_values(leaf), label="value")
    assert refuses_cleanly(["validate", str(DEMO), "--set", f"{leaf.path}={toml(value)}"])


@settings(max_examples=20, **SETTINGS)
@given(key=st.text(st.characters(min_codepoint=0xA1, max_codepoint=0x2FFF), min_size=1, max_size=8))
def test_unknown_non_ascii_keys_give_exit_2_and_clean_lines(key):
    assert refuses_cleanly(["validate", str(DEMO), "--set", f"behaviour.{key}=1"])


@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_valid_values_validate_and_a_valid_scenario_runs_a_year(data):
    leaf = data.draw(st.sampled_from(RUNNABLE), label="key")
    value = data.draw(valid_values(leaf), label="value")
    try:
        scenario = load_scenario(DEMO, [f"{leaf.path}={toml(value)}", "simulation.months=12"])
    except ScenarioError as exc:  # a cross-field rule (e.g. compensation without a fund): clean lines
        assert all("allowed" in line for line in str(exc).splitlines()), exc
        return
    model = DiffusionModel(scenario).run()
    frame = model.datacollector.get_model_vars_dataframe()
    numbers = frame.select_dtypes("number").to_numpy()
    assert np.isfinite(numbers).all()
    shares = [c for c in frame.columns if c.split(":")[0] in ("org_adoption", "aware", "citizen_adoption")]
    shares += ["care_at_home_share", "care_at_home_spending_share"]
    assert ((frame[shares] >= 0) & (frame[shares] <= 1 + 1e-9)).all().all()


@pytest.mark.parametrize(
    "leaf", [leaf for leaf in NUMERIC if any(key in leaf.path for key in SIZE_KEYS)], ids=lambda leaf: leaf.path
)
def test_size_keys_at_their_bounds_validate_or_are_refused_cleanly(leaf):
    """Sizes are validated at their bounds but not run (a run at 2,000,000 agents is not a unit test)."""
    for value in (leaf.low, leaf.high):
        if value is None:
            continue
        try:
            load_scenario(DEMO, [f"{leaf.path}={toml(type(leaf.default)(value))}"])
        except ScenarioError as exc:
            assert all("allowed" in line for line in str(exc).splitlines()), exc
