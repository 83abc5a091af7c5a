"""What differs between the scenarios of a comparison, and whether it is more than policy.

A comparison is read as "what does this policy do", so a difference in scale, period, catalogue or behaviour between
its scenarios changes the question without saying so (`compare demo.toml bundled_payment.toml` mixes a coarse world
with the national one). This module lists every key whose validated value differs, classes each key, and words the
warning the command line and the report give when the scenarios differ in more than policy (issue 13).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from ..i18n import N_, _
from ..scenario import Scenario

# The kind of a key, by the first pattern it matches (dotted keys; list items by their id or name).
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ignored", ("meta.*", "simulation.seed")),  # names and texts; seeds are common in a comparison anyway
    ("policy", ("policy.*", "financiers.*", "timeline*", "cooperation.*", "regions.*.cooperation")),
    ("scale", ("scale.*", "sectors.*.organisations*", "network.*")),
    ("period", ("simulation.*",)),
    ("catalogue", ("innovations.*", "companies.*")),
)
OTHER_KIND = "behaviour"  # behaviour, diffusion, citizens, sectors' economics, regions' shares
# The kinds as a reader sees them (the message catalogue translates them where they are shown).
KIND_NAMES = {
    "policy": N_("policy"),
    "scale": N_("scale"),
    "period": N_("period"),
    "catalogue": N_("catalogue"),
    "behaviour": N_("behaviour"),
}


def kind_of(key: str) -> str:
    """policy, scale, period, catalogue or behaviour (or ignored: meta and the seed)."""
    for kind, patterns in KINDS:
        if any(fnmatchcase(key, p) for p in patterns):
            return kind
    return OTHER_KIND


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted keys to leaf values; items of a list of tables are keyed by their id or name, other lists are values."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= flatten(item, f"{prefix}{key}.")
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) and ("id" in v or "name" in v) for v in value):
        out = {}
        for item in value:
            out |= flatten(item, f"{prefix}{item.get('id', item.get('name'))}.")
        return out
    return {prefix.rstrip("."): value}


def differences(scenarios: list[Scenario], names: list[str]) -> list[dict[str, Any]]:
    """One row per key whose value differs between the scenarios: key, kind, and each scenario's value ("-" where
    a scenario does not have the key, e.g. an innovation only one catalogue holds)."""
    flat = [flatten(sc.model_dump(mode="json")) for sc in scenarios]
    keys = sorted(set().union(*flat))
    rows = []
    for key in keys:
        kind = kind_of(key)
        values = [json.dumps(f.get(key, "-"), ensure_ascii=False) for f in flat]
        if kind != "ignored" and len(set(values)) > 1:
            shown = {n: _shown(f.get(key, "-")) for n, f in zip(names, flat, strict=True)}
            rows.append({"key": key, "kind": kind} | shown)
    return rows


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def beyond_policy(rows: list[dict[str, Any]]) -> str | None:
    """The warning when the scenarios differ in more than policy, naming the kinds and a few keys of each, in the
    current language (the command line's is English, the report's in the report's language); None when they differ in
    policy only."""
    kinds: dict[str, list[str]] = {}
    for row in rows:
        if row["kind"] != "policy":
            kinds.setdefault(row["kind"], []).append(row["key"])
    if not kinds:
        return None
    parts = [
        f"{_(KIND_NAMES.get(kind, kind))} ({', '.join(keys[:3])}{', ...' if len(keys) > 3 else ''})"
        for kind, keys in kinds.items()
    ]
    return _(
        "the scenarios differ in more than policy: {kinds}. Their differences are not the policy's effect alone; "
        "`--demo-scale` runs them all at the demo's scale."
    ).format(kinds="; ".join(parts))
