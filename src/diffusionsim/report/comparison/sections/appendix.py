"""The appendix: scenario files and their hashes, replications and seeds, the manifest, and the command that reruns
the comparison. Nothing here is needed to read the results; everything here is needed to reproduce them."""

from __future__ import annotations

import json

from ....i18n import _
from ..context import Context
from ..document import Code, Items, Section, Text


def section(ctx: Context) -> list[Section]:
    blocks = [Items(_scenario_items(ctx)), *_seed_blocks(ctx)]
    blocks.append(
        Text(
            _(
                "Tables behind this report: summary.csv, money.csv, budget.csv, outcomes.csv (one row per run), "
                "timeseries.parquet (every run, every month) and manifest.json. The manifest:"
            )
        )
    )
    blocks.append(Code(json.dumps(ctx.result.manifest, indent=2, default=str)))
    command = reproduce_command(ctx)
    if command:
        blocks += [Text(_("To rerun:")), Code(command)]
    return [Section("appendix", _("Appendix: reproducibility"), blocks)]


def _scenario_items(ctx: Context) -> list[str]:
    """Scenario names, the reference marked, with the file and hash from the manifest where it has them."""
    meta = {
        m.get("name", m.get("scenario_name")): m
        for m in ctx.result.manifest.get("scenarios", [])
        if isinstance(m, dict)
    }
    items = []
    for name in ctx.scenarios:
        m = meta.get(name, {})
        parts = [_("file {file}").format(file=m["scenario_file"])] if m.get("scenario_file") else []
        parts += ["sha256 " + str(m["scenario_sha256"])[:12]] if m.get("scenario_sha256") else []
        reference = _(" (reference)") if name == ctx.reference else ""
        items.append(name + reference + (": " + ", ".join(parts) if parts else ""))
    return items


def _seed_blocks(ctx: Context) -> list[Text]:
    """Replications and their seeds, and whether every scenario really used the same seed per replication."""
    runs = ctx.result.outcomes
    n = runs.groupby("scenario")["replication"].nunique().reindex(ctx.scenarios)
    text = _(
        "{n} replications per scenario. Replication r ran on the same seed in every scenario (common random "
        "numbers), so differences are paired by replication: the noise the scenarios share cancels out of the "
        "difference."
    ).format(n=int(n.max()) if len(n) else 0)
    if n.nunique() > 1:
        text += " " + _("Not every scenario has the same number of replications: {counts}").format(
            counts=", ".join(f"{s}: {v}" for s, v in n.items())
        )
    blocks = [Text(text)]
    if "seed" in runs:
        seeds = runs.groupby("replication")["seed"].agg(lambda s: sorted(set(s)))
        if (seeds.map(len) > 1).any():
            blocks.append(Text(_("Some replications used different seeds in different scenarios."), tone="warning"))
        listed = "; ".join(f"{r}: {', '.join(map(str, s))}" for r, s in seeds.items())
        blocks.append(Text(_("Seeds by replication: {seeds}").format(seeds=listed)))
    return blocks


def reproduce_command(ctx: Context) -> str | None:
    """The command line that reruns this comparison, if the manifest records the files and the base seed."""
    manifest = ctx.result.manifest
    scenarios = manifest.get("scenarios", [])
    files = [m.get("scenario_file") for m in scenarios if isinstance(m, dict)]
    if not files or None in files or "base_seed" not in manifest:
        return None
    sets = " ".join(f"--set {o}" for o in scenarios[0].get("overrides", []))
    if isinstance(manifest.get("posterior"), dict):
        sets += f" --posterior {manifest['posterior'].get('dir')}"
    if manifest.get("demo_scale"):
        sets += " --demo-scale"
    reps = manifest.get("replications", ctx.result.outcomes["replication"].nunique())
    lang = manifest.get("lang")
    sets += f" --lang {lang}" if lang and lang != "en" else ""
    return f"diffusionsim compare {' '.join(files)} -n {reps} --seed {manifest['base_seed']} {sets}".strip()
