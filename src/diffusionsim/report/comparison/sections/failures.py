"""Runs that failed: which, on which seed, and the last line of the error (tracebacks in failures.csv)."""

from __future__ import annotations

from ....i18n import _, ngettext
from ..context import Context
from ..document import Items, Section, Text


def section(ctx: Context) -> list[Section]:
    failures = getattr(ctx.result, "failures", None)
    if failures is None or not len(failures):
        return []
    items = [
        _("{scenario}, replication {replication} (seed {seed}): {error}").format(
            scenario=row.scenario,
            replication=row.replication,
            seed=row.seed,
            error=row.error.strip().splitlines()[-1],
        )
        for row in failures.itertuples()
    ]
    text = ngettext(
        "{n} run failed and is left out of every table and figure; the paired differences use the replications that "
        "ran in both scenarios. Full tracebacks: failures.csv.",
        "{n} runs failed and are left out of every table and figure; the paired differences use the replications that "
        "ran in both scenarios. Full tracebacks: failures.csv.",
        len(failures),
    ).format(n=len(failures))
    return [Section("failures", _("Failed runs"), [Text(text, tone="warning"), Items(items)])]


def warnings(ctx: Context) -> list[str]:
    failures = getattr(ctx.result, "failures", None)
    n = 0 if failures is None else len(failures)
    return (
        [ngettext("{n} run failed (see Failed runs).", "{n} runs failed (see Failed runs).", n).format(n=n)]
        if n
        else []
    )
