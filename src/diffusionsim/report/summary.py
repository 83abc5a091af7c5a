"""The short summary a run prints: adoption per innovation, pilots, money per party, staff time."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..experiments.run import RunResult
from ..ledger import PARTY_TYPES
from .plots import CITIZEN_PREFIX, ORG_PREFIX
from .record import record_table


def summary_tables(result: RunResult) -> list[Table]:
    """Three tables: adoption at the end, pilots and staff time, net money per party type."""
    last = result.timeseries.iloc[-1]
    sim = result.scenario.simulation
    adoption = Table(
        title=f"Adoption at the end of {sim.end}, after {sim.months / 12:.0f} years ({result.scenario.meta.name})"
    )
    adoption.add_column("innovation")
    adoption.add_column("organisations", justify="right")
    adoption.add_column("eligible citizens", justify="right")
    for col in [c for c in result.timeseries.columns if c.startswith(ORG_PREFIX)]:
        iid = col.removeprefix(ORG_PREFIX)
        adoption.add_row(iid, f"{last[col]:.1%}", f"{last[CITIZEN_PREFIX + iid]:.1%}")

    totals = Table(title="Pilots and staff time")
    totals.add_column("indicator")
    totals.add_column("value", justify="right")
    started = last["pilots_started"]
    totals.add_row("pilots started (real organisations)", f"{started:,.0f}")
    totals.add_row("pilots embedded", f"{last['pilots_embedded']:,.0f}")
    totals.add_row("pilots abandoned", f"{last['pilots_abandoned']:,.0f}")
    totals.add_row("staff hours saved, whole run", f"{result.timeseries['staff_hours_saved'].sum():,.0f}")
    totals.add_row("staff saved in the last month (FTE)", f"{last['fte_saved']:,.0f}")
    totals.add_row(
        "companies alive / on the market", f"{last['companies_alive']:.0f} / {last['companies_on_market']:.0f}"
    )
    totals.add_row(
        "care at home (share of contacts / of spending)",
        f"{last['care_at_home_share']:.1%} / {last['care_at_home_spending_share']:.1%}",
    )
    totals.add_row(f"more care at home than at the start, end of {sim.end}", f"{last['care_at_home_growth']:+.1%}")
    in_2030 = result.timeseries.loc[result.timeseries["date"] == "2030-12", "care_at_home_growth"]
    if len(in_2030):
        totals.add_row("... at the end of 2030 (KIA Mission II: +50% by 2030)", f"{in_2030.iloc[0]:+.1%}")
    totals.add_row("adoption gap high - low SES", f"{last['ses_gap']:+.1%}")

    money = Table(title="Net money per party type, whole run (EUR million; + received, - paid)")
    money.add_column("party type")
    money.add_column("net", justify="right")
    money.add_column("against no innovation", justify="right")
    for party_type in PARTY_TYPES:
        money.add_row(
            party_type, f"{last['money:' + party_type] / 1e6:,.1f}", f"{last['impact:' + party_type] / 1e6:,.1f}"
        )
    return [adoption, totals, money]


def print_summary(result: RunResult, console: Console | None = None) -> None:
    console = console or Console()
    for table in summary_tables(result):
        console.print(table)
    if result.record is not None:
        console.print(record_table(result.record))
