"""The outcome table: mean [95% interval] per scenario and the paired difference against the reference; the figure of
the same; the sources of the reference figures; then the further (per-innovation, per-group) outcomes."""

from __future__ import annotations

from ....i18n import _
from ..context import Context
from ..document import Figure, Items, Section, Table, Text
from ..labels import LEDGER_PREFIXES, OUTCOME_LABELS, SOURCES, label, unit
from ..numbers import display_table

MAIN = [c for c in OUTCOME_LABELS if not c.startswith(LEDGER_PREFIXES)]


def how_to_read(ctx: Context) -> str:
    return _(
        'Mean over replications [95% t-interval]; "{scenario} vs {reference}" is the mean of the paired '
        "per-replication differences [its 95% interval]. Shares in %, their differences in percentage points (pp); "
        "money in EUR million. An interval that excludes 0 marks a difference larger than the run-to-run noise."
    ).format(scenario=_("scenario"), reference=ctx.reference)


def core_outcomes(ctx: Context) -> list[str]:
    present = set(ctx.summary["outcome"])
    return [c for c in MAIN if c in present]


def section(ctx: Context) -> list[Section]:
    summary = ctx.summary
    core = core_outcomes(ctx)
    names = {c: label(c) for c in summary["outcome"].unique()}
    units = {c: unit(c) for c in names}
    shown = summary[summary["outcome"].isin(core)]
    blocks = [
        Text(how_to_read(ctx)),
        Table(display_table(shown, "outcome", names, units, ctx.reference), swatches=ctx.colours),
    ]
    if "outcomes" in ctx.figures:
        blocks.append(Figure(ctx.figures["outcomes"], _("Outcomes per scenario with their 95% intervals")))
    sources = [_(SOURCES[c]) for c in core if c in SOURCES]
    if sources:
        blocks += [Text(_("Reference figures and their sources:")), Items(sources)]
    sections = [Section("outcomes", _("Outcomes"), blocks)]
    rest = summary[~summary["outcome"].isin(MAIN) & ~summary["outcome"].str.startswith(LEDGER_PREFIXES)]
    if len(rest):
        table = display_table(rest, "outcome", names, units, ctx.reference)
        sections.append(Section("further", _("Further outcomes"), [Table(table, swatches=ctx.colours)]))
    return sections
