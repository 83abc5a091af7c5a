"""Why the numbers differ, where the model can tell: patterns in the paired differences that have a mechanism behind
them in the model, said in words, each pointing at the tables that show it.

Each rule fires only on differences the wording rule (conclusions.py) calls detectable, and says only what the
named tables show:

- **Fewer pilots, yet more adoption.** A provider implements without a pilot of its own when its payer already funds
  the innovation or its region shares the evidence (adoption.py, the direct route; ODD §7.4). The outcome
  "implementations without a pilot of their own" counts them; the share of finished pilots embedded says what the
  remaining pilots became.
- **Where extra public money lands.** Public money (the national fund's grants, the transition fund's compensation)
  is paid into parties' accounts; the ledger shows who is better off against the reference, and whether another
  scenario reaches at least as much adoption for less public money.
- **Contracts.** Payers contract an innovation when it pays off in their own accounts (policies/payers.py); the
  months contracted per innovation show which contracts a policy brought.
- **Fewer stopped implementations.** An implementation whose running costs no longer pay is stopped (adoption.py);
  fewer stops keep more of what was implemented.
"""

from __future__ import annotations

from ....i18n import _
from .. import conclusions as cc
from ..conclusions import Difference
from ..context import Context
from ..document import Items, Section, Text
from ..labels import IMPACT_PREFIX, party
from ..numbers import euros, fmt_ci
from .brief import budget_columns

CONTRACTED = "contracted_share:"
ADOPTION, PUBLIC = "implemented_10y", "public_money_spent"
MOST_NAMED = 3  # innovations or parties named in one sentence


def _ci(d: Difference, kind: str) -> str:
    return fmt_ci(d.mean, d.low, d.high, kind, diff=True)


def fewer_pilots(ctx: Context, scenario: str) -> str | None:
    outcomes, ref = ctx.result.outcomes, ctx.reference
    needed = {"pilots_started", ADOPTION, "implemented_without_pilot", "embedded_share"}
    if not needed <= set(outcomes.columns):
        return None
    pilots = cc.difference(ctx.runs, "pilots_started", scenario, ref)
    adoption = cc.difference(ctx.runs, ADOPTION, scenario, ref)
    if not (pilots.detectable and pilots.mean < 0 and adoption.detectable and adoption.mean > 0):
        return None
    text = _("{scenario} starts fewer pilots than {reference} ({pilots}), yet adoption is higher ({adoption}).").format(
        scenario=scenario, reference=ref, pilots=_ci(pilots, "count"), adoption=_ci(adoption, "share")
    )
    direct = cc.difference(ctx.runs, "implemented_without_pilot", scenario, ref)
    if direct.detectable and direct.mean > 0:
        text += " " + _(
            "More providers implement without a pilot of their own ({direct}), because their payer already funds "
            "the innovation or their region shares the evidence."
        ).format(direct=_ci(direct, "count"))
    embedded = cc.difference(ctx.runs, "embedded_share", scenario, ref)
    if embedded.detectable and embedded.mean > 0:
        text += " " + _("Of the pilots that do finish, a larger share is embedded ({embedded}).").format(
            embedded=_ci(embedded, "share")
        )
    return text + " " + _("(Tables: Outcomes.)")


def public_money(ctx: Context, scenario: str) -> str | None:
    outcomes, ref = ctx.result.outcomes, ctx.reference
    if not {PUBLIC, ADOPTION} <= set(outcomes.columns):
        return None
    spent = cc.difference(ctx.runs, PUBLIC, scenario, ref)
    if not (spent.clear and spent.mean > 0):
        return None
    gains = [cc.difference(ctx.runs, c, scenario, ref) for c in budget_columns(ctx)]
    gains = [d for d in gains if d.clear and d.mean > 0]
    gains = sorted(gains, key=lambda d: -d.mean)[:MOST_NAMED]
    text = _("{scenario} spends {amount} more public money than {reference}.").format(
        scenario=scenario, amount=euros(spent.mean), reference=ref
    )
    if gains:
        named = "; ".join(f"{party(d.column.removeprefix(IMPACT_PREFIX))} {_ci(d, 'eur')}" for d in gains)
        text += " " + _("The parties most better off against {reference} (EUR million): {parties}.").format(
            reference=ref, parties=named
        )
    cheaper = [t for t in ctx.scenarios if t != scenario and _cheaper_and_as_good(ctx, t, scenario)]
    if cheaper:
        text += " " + _("{others} reach at least as much adoption for less public money.").format(
            others=", ".join(cheaper)
        )
    return text + " " + _("(Tables: Summary; Who pays and who gains; Cost-effectiveness.)")


def _cheaper_and_as_good(ctx: Context, other: str, scenario: str) -> bool:
    """`other` spends clearly less public money than `scenario` and its adoption is not detectably lower."""
    spent = cc.difference(ctx.runs, PUBLIC, other, scenario)
    adoption = cc.difference(ctx.runs, ADOPTION, other, scenario)
    return spent.clear and spent.mean < 0 and not (adoption.detectable and adoption.mean < 0)


def contracts(ctx: Context, scenario: str) -> str | None:
    outcomes, ref = ctx.result.outcomes, ctx.reference
    columns = [c for c in outcomes.columns if c.startswith(CONTRACTED)]
    if ADOPTION not in outcomes or not columns:
        return None
    adoption = cc.difference(ctx.runs, ADOPTION, scenario, ref)
    if not (adoption.detectable and adoption.mean > 0):
        return None
    longer = [cc.difference(ctx.runs, c, scenario, ref) for c in columns]
    longer = sorted((d for d in longer if d.clear and d.mean > 0), key=lambda d: -d.mean)[:MOST_NAMED]
    if not longer:
        return None
    named = "; ".join(f"{d.column.removeprefix(CONTRACTED)} {_ci(d, 'share')}" for d in longer)
    return _(
        "Under {scenario}, payers contract some innovations for more of the run than under {reference}: {named}. With "
        "a contract the payer pays the innovation's costs, so it pays off in the provider's own accounts. "
        "(Tables: Further outcomes, months the payers contracted it.)"
    ).format(scenario=scenario, reference=ref, named=named)


def fewer_stops(ctx: Context, scenario: str) -> str | None:
    outcomes, ref = ctx.result.outcomes, ctx.reference
    if "implementations_stopped" not in outcomes:
        return None
    stopped = cc.difference(ctx.runs, "implementations_stopped", scenario, ref)
    if not (stopped.clear and stopped.mean < 0):
        return None
    return _(
        "Under {scenario}, fewer providers stop an implementation because it no longer pays ({stopped}), so more "
        "of what is implemented stays. (Tables: Outcomes.)"
    ).format(scenario=scenario, stopped=_ci(stopped, "count"))


RULES = (fewer_pilots, public_money, contracts, fewer_stops)


def section(ctx: Context) -> list[Section]:
    if not ctx.others:
        return []
    items = [text for s in ctx.others for rule in RULES if (text := rule(ctx, s))]
    intro = _(
        "Where the model can tell why a result differs: each statement rests on differences the summary's rule "
        "calls detectable, and names the tables that show them."
    )
    body = (
        Items(items)
        if items
        else Text(_("No difference between the scenarios matched a pattern the model can explain."))
    )
    return [Section("why", _("Why the results differ"), [Text(intro), body])]
