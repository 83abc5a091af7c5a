"""Public money per FTE freed and per percentage point of adoption against the reference (cost_effectiveness.py)."""

from __future__ import annotations

from ....i18n import _
from .. import cost_effectiveness as ce
from ..context import Context
from ..document import Section, Table, Text


def section(ctx: Context) -> list[Section]:
    needed = {ce.PUBLIC, ce.FTE, ce.ADOPTION}
    if len(ctx.scenarios) < 2 or not needed <= set(ctx.result.outcomes.columns):
        return []
    table = ce.cost_effectiveness(ctx.result.outcomes, ctx.scenarios, ctx.reference)
    text = _(
        "Against {reference}, per scenario: the extra public money (the national fund's grants and the transition "
        "fund's compensation over the whole run), the extra staff time freed at the end and the extra adoption after "
        "10 years, each the mean paired difference [95% interval]; then public money per FTE freed and per percentage "
        "point of adoption, the ratio of those means [95% paired-bootstrap interval]. A ratio whose denominator does "
        "not differ from zero is not defined. Negative: the scenario spends less public money."
    ).format(reference=ctx.reference)
    return [
        Section(
            "cost", _("Cost-effectiveness"), [Text(text), Table(ce.display(table, ctx.reference), swatches=ctx.colours)]
        )
    ]
