"""With --posterior: the draws' ranges and, per headline outcome, whether the model's noise or what calibration left
uncertain dominates its spread across replications (method: calibration_uncertainty.py). Nothing without."""

from __future__ import annotations

from ....i18n import _
from .. import calibration_uncertainty as cu
from ..context import Context
from ..document import Items, Section, Table, Text
from ..labels import label
from ..numbers import fmt
from .outcomes import core_outcomes


def section(ctx: Context) -> list[Section]:
    draws = cu.draws_of(ctx.result)
    if draws is None:
        return []
    post = ctx.result.manifest.get("posterior") or {}
    outcomes = core_outcomes(ctx)
    table = cu.uncertainty_table(ctx.result.outcomes, draws, outcomes, ctx.scenarios)
    ranges = cu.range_table(draws)
    shown = ranges.assign(**{c: ranges[c].map(lambda v: fmt(v, "number")) for c in ranges.columns[1:-1]})
    shown = shown.rename(
        columns={"parameter": _("parameter"), "median": _("median"), "distinct draws": _("distinct draws")}
    )
    intro = _(
        "Every replication ran on its own draw from the calibration's posterior ({file}, sha256 {sha}, {particles} "
        "particles), resampled by weight; replication r used the same draw in every scenario, so the differences stay "
        "paired. The intervals and bands above therefore hold both the model's own noise and what calibration left "
        "uncertain. The drawn values (per replication: posterior_draws.csv):"
    ).format(
        file=post.get("file", "posterior"), sha=str(post.get("sha256", ""))[:12], particles=post.get("particles", "?")
    )
    method = _(
        "Which dominates: per scenario, each outcome is regressed across replications by ordinary least squares on "
        "the drawn parameters (standardised, with their squares when there are at least {margin} more replications "
        "than terms). The adjusted R² is the share of the spread that calibration's uncertainty explains; the rest is "
        "the model's own noise (and what the fit cannot capture, so the share errs low). Calibration dominates when "
        "the share exceeds {dominance}. The same is done for the paired differences against {reference}, which a "
        "policy conclusion rests on."
    ).format(margin=cu.QUADRATIC_MARGIN, dominance=cu.DOMINANCE, reference=ctx.reference)
    items = [cu.statement(label(c), table[table["outcome"] == c], ctx.reference) for c in outcomes]
    blocks = [Text(intro), Table(shown)]
    blocks += [Text(w, tone="warning") for w in post.get("warnings", [])]
    return [Section("calibration", _("Calibration uncertainty"), [*blocks, Text(method), Items(items)])]
