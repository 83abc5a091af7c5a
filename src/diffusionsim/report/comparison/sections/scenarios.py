"""What each scenario is and every key in which the scenarios differ (experiments.differences), with its kind."""

from __future__ import annotations

import pandas as pd

from ....experiments.differences import KIND_NAMES, beyond_policy
from ....i18n import _
from ..context import Context
from ..document import Items, Section, Table, Text


def warnings(ctx: Context) -> list[str]:
    """For the top of the report, in its language: the scenarios differ in more than policy (worded again from the
    differing keys; the manifest's own wording is the command line's, in English)."""
    diff = ctx.result.manifest.get("differences") or {}
    mix = beyond_policy(diff["keys"]) if "keys" in diff else diff.get("beyond_policy")
    return [mix] if mix else []


def section(ctx: Context) -> list[Section]:
    diff = ctx.result.manifest.get("differences")
    if not diff:
        return []
    described = [
        _("{name}{reference}: {description}").format(
            name=name,
            reference=_(" (reference)") if name == ctx.reference else "",
            description=text or _("(no description)"),
        )
        for name, text in diff["descriptions"].items()
    ]
    rows = pd.DataFrame(diff["keys"], columns=["key", "kind", *ctx.scenarios])
    rows["kind"] = [_(KIND_NAMES.get(k, k)) for k in rows["kind"]]
    rows = rows.rename(columns={"key": _("setting"), "kind": _("kind")})
    intro = _(
        "Every setting whose value differs between the validated scenarios (defaults filled in), and its kind: policy, "
        "scale, period, catalogue or behaviour. Only policy differences make the comparison one of policies."
    )
    blocks = [Items(described), Text(intro)]
    blocks.append(
        Table(rows, swatches=ctx.colours) if len(rows) else Text(_("The scenarios do not differ in any setting."))
    )
    return [Section("scenarios", _("What differs between the scenarios"), blocks)]
