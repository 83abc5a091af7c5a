"""The first page: the ranking, plain conclusions per scenario with their certainty, and who pays and who gains.

Every word follows the rule in ``conclusions.py`` (stated on the page), and every number is in a table further on.
"""

from __future__ import annotations

import pandas as pd

from ....i18n import N_, _, ngettext
from .. import conclusions as cc
from ..conclusions import Difference, Verdict
from ..context import Context
from ..document import Items, Section, Table, Text
from ..labels import IMPACT_PREFIX, party, unit
from ..numbers import fmt, fmt_ci
from ..tables import mean_ci, party_types

# Headline outcomes in ranking order; where a run does not reach a milestone's date, the end-of-run outcome stands in.
HEADLINES = (
    ("implemented_10y",),
    ("fte_2034_share_of_shortage", "fte_share_of_shortage"),
    ("care_at_home_growth_2030", "care_at_home_growth"),
    ("public_money_spent",),
)
SHORT = {
    "implemented_10y": N_("Adoption by organisations after 10 years"),
    "fte_2034_share_of_shortage": N_("Staff time freed by end 2034, share of the 2034 shortage"),
    "fte_share_of_shortage": N_("Staff time freed at the end, share of the 2034 shortage"),
    "care_at_home_growth_2030": N_("Growth of care at home by end 2030 (mission: +50%)"),
    "care_at_home_growth": N_("Growth of care at home by the end of the run"),
    "public_money_spent": N_("Public money spent (EUR million)"),
}
CLAUSES = {
    Verdict.CLEARLY_HIGHER: N_("{outcome}: clearly higher, {interval}."),
    Verdict.SLIGHTLY_HIGHER: N_("{outcome}: slightly higher, {interval}."),
    Verdict.NO_DIFFERENCE: N_("{outcome}: no detectable difference, {interval}."),
    Verdict.SLIGHTLY_LOWER: N_("{outcome}: slightly lower, {interval}."),
    Verdict.CLEARLY_LOWER: N_("{outcome}: clearly lower, {interval}."),
    Verdict.UNDETERMINED: N_("{outcome}: not determined (one replication), {interval}."),
}
EXCLUDED_PARTIES = ("outside",)  # money leaving the modelled system: nobody's budget


def headline_columns(outcomes: pd.DataFrame) -> list[str]:
    """The headline outcomes this comparison has values for (a milestone the runs do not reach gives way)."""
    chosen = []
    for options in HEADLINES:
        present = [c for c in options if c in outcomes and outcomes[c].notna().any()]
        chosen += present[:1]
    return chosen


def short_label(column: str) -> str:
    if column.startswith(IMPACT_PREFIX):
        return _("Net money: {party}").format(party=party(column.removeprefix(IMPACT_PREFIX)))
    return _(SHORT[column])


def budget_columns(ctx: Context) -> list[str]:
    """The impact columns of the parties that hold a budget (tables.party_types, less money leaving the system)."""
    return [IMPACT_PREFIX + p for p in party_types(ctx.result) if p not in EXCLUDED_PARTIES]


def party_columns(ctx: Context) -> list[str]:
    """Parties whose net money some scenario moves detectably against the reference (all with one scenario)."""
    columns = budget_columns(ctx)
    if not ctx.others:
        return columns
    return [c for c in columns if any(cc.difference(ctx.runs, c, s, ctx.reference).detectable for s in ctx.others)]


def ranking_table(ctx: Context, columns: list[str]) -> pd.DataFrame:
    """Rows: outcomes; columns: scenarios; cells: the mean and its rank (#1 is best; equal ranks: no detectable
    difference)."""
    rows = []
    for column in columns:
        ranks = cc.ranks(ctx.runs, column, ctx.scenarios)
        row = {_("outcome"): short_label(column)}
        for scenario in ctx.scenarios:
            mean = mean_ci(ctx.runs[scenario][column])[1] if scenario in ctx.runs else float("nan")
            rank = f" · #{ranks[scenario]}" if scenario in ranks else ""
            row[scenario] = fmt(mean, unit(column)) + rank
        rows.append(row)
    return pd.DataFrame(rows)


def interval(d: Difference) -> str:
    return fmt_ci(d.mean, d.low, d.high, unit(d.column), diff=True)


def conclusion(ctx: Context, scenario: str, columns: list[str]) -> str:
    """One item: the scenario against the reference, one clause per headline outcome."""
    clauses = []
    for column in columns:
        d = cc.difference(ctx.runs, column, scenario, ctx.reference)
        clauses.append(_(CLAUSES[d.verdict]).format(outcome=short_label(column), interval=interval(d)))
    head = _("{scenario} against {reference}:").format(scenario=scenario, reference=ctx.reference)
    return " ".join([head, *clauses])


def leader_sentences(ctx: Context, columns: list[str]) -> list[str]:
    """Which scenario leads on each headline outcome, and whether it leads alone or shares first place."""
    _outcomes, items = ctx.result.outcomes, []
    for column in columns:
        ranks = cc.ranks(ctx.runs, column, ctx.scenarios)
        first = [s for s, r in ranks.items() if r == 1]
        if not first or len(first) == len(ctx.scenarios):
            continue
        text = ngettext('Best on "{outcome}": {scenarios}.', 'Best on "{outcome}", together: {scenarios}.', len(first))
        items.append(text.format(outcome=short_label(column), scenarios=", ".join(first)))
    return items


def _party_amounts(diffs: list[Difference]) -> str:
    return "; ".join(
        _("{party} {amount}").format(party=party(d.column.removeprefix(IMPACT_PREFIX)), amount=interval(d))
        for d in sorted(diffs, key=lambda d: -abs(d.mean))
    )


def trade_offs(ctx: Context) -> list[str]:
    """Who pays and who gains: in the reference against no innovation, then each scenario against the reference."""
    columns = budget_columns(ctx)
    items = []
    ref_rows = ctx.runs[ctx.reference]
    against_none = []
    for column in columns:
        _n, mean, low, high = mean_ci(ref_rows[column])
        v = cc.verdict(mean, low, high, cc.threshold(column, 0.0))
        against_none.append(Difference(column, ctx.reference, "", _n, mean, low, high, v))
    items.append(
        _trade_sentence(
            _("In {reference}, against the same world without these innovations").format(reference=ctx.reference),
            against_none,
        )
    )
    for scenario in ctx.others:
        diffs = [cc.difference(ctx.runs, c, scenario, ctx.reference) for c in columns]
        items.append(
            _trade_sentence(
                _("{scenario} against {reference}").format(scenario=scenario, reference=ctx.reference), diffs
            )
        )
    return items


def _trade_sentence(head: str, diffs: list[Difference]) -> str:
    gain = [d for d in diffs if d.clear and d.mean > 0]
    pay = [d for d in diffs if d.clear and d.mean < 0]
    if not gain and not pay:
        return _("{head}: no party's money changes by a relevant amount.").format(head=head)
    parts = []
    if gain:
        parts.append(_("better off: {parties}").format(parties=_party_amounts(gain)))
    if pay:
        parts.append(_("worse off: {parties}").format(parties=_party_amounts(pay)))
    return _("{head}, EUR million over the whole run: {parts}.").format(head=head, parts="; ".join(parts))


def rule_text() -> str:
    t = cc.THRESHOLDS
    return _(
        'How the words are chosen: "clearly" higher or lower when the 95% interval of the paired difference '
        "excludes zero and the difference is at least {share} for shares, {counts} of the reference's value for "
        'counts and money (at least EUR {money} million), or {months} months for times; "slightly" when the interval '
        'excludes zero but the difference is smaller; "no detectable difference" when the interval includes zero. '
        "Ranks (#1 is best; lower public money ranks higher) are shared when the paired difference between "
        "neighbours is not detectable. There is no overall score: how to weigh adoption against money is a policy "
        "choice. Every number here is in the tables below."
    ).format(
        share=fmt(t["share"].absolute, "share", diff=True),
        counts=fmt(t["count"].relative, "share"),
        money=fmt(t["eur"].absolute, "eur"),
        months=fmt(t["years"].absolute * 12, "count"),
    )


def section(ctx: Context) -> list[Section]:
    outcomes = ctx.result.outcomes
    headlines = headline_columns(outcomes)
    if not headlines:
        return []
    n = int(outcomes.groupby("scenario")["replication"].nunique().min())
    intro = ngettext(
        "{n} replication per scenario, on common seeds; reference: {reference}.",
        "{n} replications per scenario, on common seeds; reference: {reference}.",
        n,
    ).format(n=n, reference=ctx.reference)
    ranking = ranking_table(ctx, headlines + party_columns(ctx))
    caption = _("Ranking: mean over replications · rank (#1 is best); net money in EUR million against no innovation")
    blocks = [Text(intro), Table(ranking, caption=caption, swatches=ctx.colours, id="ranking")]
    if ctx.others:
        items = [conclusion(ctx, s, headlines) for s in ctx.others] + leader_sentences(ctx, headlines)
        blocks += [Text(_("Conclusions:")), Items(items, id="conclusions")]
        blocks += [Text(_("Who pays and who gains:")), Items(trade_offs(ctx), id="trade-offs")]
    else:
        blocks += [Items([_("Only one scenario: there is nothing to compare it with.")], id="conclusions")]
    blocks.append(Text(rule_text()))
    return [Section("brief", _("Summary"), blocks)]
