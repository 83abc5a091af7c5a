"""Any scenario at the demo's scale: the demo's citizens, organisation clusters and network, the scenario's own
behaviour, catalogue and policy. For quick looks (`compare --demo-scale`) and for the lever table
(`diffusionsim.validation`), where many scenarios must run fast and alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .scenario import Scenario, apply_override, deep_merge, parse_override, read_toml, validate

DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.toml"


def overlay(data: dict[str, Any]) -> dict[str, Any]:
    """The demo's scale, network and organisations per agent, for the sectors the scenario `data` defines."""
    demo = read_toml(DEMO)
    sectors = {
        name: {"organisations_per_agent": params["organisations_per_agent"]}
        for name, params in demo["sectors"].items()
        if name in data.get("sectors", {})
    }
    return {"scale": demo["scale"], "network": demo["network"], "sectors": sectors}


def at_demo_scale(data: dict[str, Any], overrides: tuple[str, ...] | list[str] = (), source: str = "") -> Scenario:
    """Scenario data at the demo's scale, with `--set` overrides applied after it, validated."""
    data = deep_merge(data, overlay(data))
    for text in overrides:
        apply_override(data, *parse_override(text))
    return validate(data, source=source or "<scenario at demo scale>")


def load_at_demo_scale(path: str | Path, overrides: tuple[str, ...] | list[str] = ()) -> Scenario:
    """A scenario file at the demo's scale (its `extends` chain resolved first)."""
    return at_demo_scale(read_toml(Path(path)), overrides, f"{path} (at demo scale)")
