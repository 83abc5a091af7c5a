"""Adoption curves with their bands, per innovation and per kind."""

from __future__ import annotations

from ....i18n import N_, _
from ..context import Context
from ..document import Figure, Section

ALTS = {
    "adoption": N_("Adoption by organisations per innovation: mean and 90% band of the runs, per scenario"),
    "citizen_adoption": N_("Adoption by eligible citizens per innovation: mean and 90% band of the runs, per scenario"),
    "kind": N_("Adoption per kind of innovation: mean and 90% band of the runs, per scenario"),
}


def section(ctx: Context) -> list[Section]:
    blocks = [Figure(ctx.figures[k], _(alt)) for k, alt in ALTS.items() if k in ctx.figures]
    return [Section("adoption", _("Adoption over time"), blocks)] if blocks else []
