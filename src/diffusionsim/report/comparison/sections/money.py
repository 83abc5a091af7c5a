"""Who pays and who gains over the whole run: net money per party against the same world without innovations."""

from __future__ import annotations

from ....i18n import _
from ..context import Context
from ..document import Figure, Section, Table, Text
from ..labels import party
from ..numbers import display_table


def section(ctx: Context) -> list[Section]:
    money = ctx.money
    if not len(money):
        return []
    parties = {p: party(p) for p in money["party"].unique()}
    text = _(
        "Net money per party over the whole run against the same world without innovations, EUR million: + gains, "
        "- pays. The routine care spending that flows anyway is left out (the plain balances are in outcomes.csv as "
        "money:*). Money is conserved, so the gains and the payments add up to zero; the first row is money that "
        "leaves the modelled system."
    )
    table = display_table(money, "party", parties, dict.fromkeys(parties, "eur_m"), ctx.reference)
    blocks = [Text(text), Table(table, swatches=ctx.colours)]
    if "money" in ctx.figures:
        alt = _("Net gain per party against no innovation, difference against the reference, with paired 95% intervals")
        blocks.append(Figure(ctx.figures["money"], alt))
    return [Section("money", _("Who pays and who gains"), blocks)]
