"""The short summary a run prints: adoption per innovation, pilots, money per party, staff time.

Every text is a msgid of the message catalogue and every number is written the locale's way, so ``with
language("nl"):`` prints the summary in Dutch (``diffusionsim run --lang nl``).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .. import i18n
from ..experiments.run import RunResult
from ..i18n import _, ngettext
from ..ledger import PARTY_TYPES
from .comparison.labels import party
from .plots import CITIZEN_PREFIX, ORG_PREFIX
from .record import record_table


def summary_tables(result: RunResult) -> list[Table]:
    """Three tables: adoption at the end, pilots and staff time, net money per party type."""
    last = result.timeseries.iloc[-1]
    sim = result.scenario.simulation
    years = sim.months / 12
    adoption = Table(
        title=ngettext(
            "Adoption at the end of {month}, after {years} year ({scenario})",
            "Adoption at the end of {month}, after {years} years ({scenario})",
            round(years),
        ).format(month=i18n.month(sim.end), years=i18n.number(years), scenario=result.scenario.meta.name)
    )
    adoption.add_column(_("innovation"))
    adoption.add_column(_("organisations"), justify="right")
    adoption.add_column(_("eligible citizens"), justify="right")
    for col in [c for c in result.timeseries.columns if c.startswith(ORG_PREFIX)]:
        iid = col.removeprefix(ORG_PREFIX)
        adoption.add_row(iid, i18n.percent(last[col]), i18n.percent(last[CITIZEN_PREFIX + iid]))

    totals = Table(title=_("Pilots and staff time"))
    totals.add_column(_("indicator"))
    totals.add_column(_("value"), justify="right")
    totals.add_row(_("pilots started (real organisations)"), i18n.number(last["pilots_started"]))
    totals.add_row(_("pilots embedded"), i18n.number(last["pilots_embedded"]))
    totals.add_row(_("pilots abandoned"), i18n.number(last["pilots_abandoned"]))
    totals.add_row(_("staff hours saved, whole run"), i18n.number(result.timeseries["staff_hours_saved"].sum()))
    totals.add_row(_("staff saved in the last month (FTE)"), i18n.number(last["fte_saved"]))
    totals.add_row(
        _("companies alive / on the market"),
        f"{i18n.number(last['companies_alive'])} / {i18n.number(last['companies_on_market'])}",
    )
    totals.add_row(
        _("care at home (share of contacts / of spending)"),
        f"{i18n.percent(last['care_at_home_share'])} / {i18n.percent(last['care_at_home_spending_share'])}",
    )
    totals.add_row(
        _("more care at home than at the start, end of {month}").format(month=i18n.month(sim.end)),
        i18n.percent(last["care_at_home_growth"], sign=True),
    )
    in_2030 = result.timeseries.loc[result.timeseries["date"] == "2030-12", "care_at_home_growth"]
    if len(in_2030):
        totals.add_row(
            _("... at the end of 2030 (KIA Mission II: +50% by 2030)"), i18n.percent(in_2030.iloc[0], sign=True)
        )
    totals.add_row(_("adoption gap high - low SES"), i18n.percent(last["ses_gap"], sign=True))

    money = Table(title=_("Net money per party type, whole run (EUR million; + received, - paid)"))
    money.add_column(_("party type"))
    money.add_column(_("net"), justify="right")
    money.add_column(_("against no innovation"), justify="right")
    for party_type in PARTY_TYPES:
        money.add_row(
            party(party_type),
            i18n.number(last["money:" + party_type] / 1e6, 1),
            i18n.number(last["impact:" + party_type] / 1e6, 1),
        )
    return [adoption, totals, money]


def print_summary(result: RunResult, console: Console | None = None) -> None:
    """The summary tables (and the record beside the model, if the scenario names one) in the current language."""
    console = console or Console()
    for table in summary_tables(result):
        console.print(table)
    if result.record is not None:
        console.print(record_table(result.record))
