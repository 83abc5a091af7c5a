"""Budget impact per year: who pays and who gains in which calendar year, and when a party that pays first is back
in the black (budget.py holds the definitions). A budget holder decides by the year; the run totals in "Who pays and
who gains" can hide an early payment that is repaid late."""

from __future__ import annotations

import pandas as pd

from ....i18n import _, ngettext
from .. import budget
from ..context import Context
from ..document import Section, Table, Text
from ..labels import party
from ..numbers import fmt, fmt_ci

FIRST_YEARS = 3  # the first calendar years shown, and the last one: budgets feel the start, the end shows the trend
MILLION = 1e6


def section(ctx: Context) -> list[Section]:
    table = ctx.budget
    parties = moving(table)
    if not parties:
        return []
    years = shown_years(table)
    table = table[table["party"].isin(parties) & table["year"].isin(years)]
    blocks = [
        Text(
            _(
                "Net money per calendar year and party type against the same world without innovations, EUR million: "
                "+ gains, - pays; the mean over replications [95% interval]. Shown are the run's first {first} "
                "calendar years and its last; a year the run covers only in part says how many months it holds. "
                "Every year is in budget.csv."
            ).format(first=FIRST_YEARS)
        ),
        Table(wide(table, ctx, diff=False), swatches=ctx.colours, id="budget-years"),
    ]
    if ctx.others:
        blocks += [
            Text(
                _(
                    "The same years as the difference against {reference}, taken per replication and then averaged "
                    "[95% interval]."
                ).format(reference=ctx.reference)
            ),
            Table(wide(table, ctx, diff=True), swatches=ctx.colours, id="budget-differences"),
        ]
    blocks += [
        Text(
            _(
                "Break-even: for a party that pays first, the calendar year at whose end its cumulative net money is "
                "back at zero or above and stays there to the end of the run; the median over the runs that break "
                'even [2.5-97.5 percentile range of their years]. "Never pays": never below zero at a year end; '
                '"not within the run": still below zero at the end of the run. Where the runs differ, the share of '
                "runs of each. Per run in break_even.csv."
            )
        ),
        Table(break_even_table(ctx, parties), swatches=ctx.colours, id="budget-break-even"),
    ]
    return [Section("budget", _("Budget impact per year"), blocks)]


def moving(table: pd.DataFrame) -> list[str]:
    """Parties with money moving in some year of some scenario (more than float noise), in the table's order."""
    size = table[["mean", "ci_low", "ci_high"]].abs().max(axis=1).fillna(0.0)
    return list(dict.fromkeys(table.loc[size > budget.ABS_TOL, "party"]))


def shown_years(table: pd.DataFrame) -> list[int]:
    """The first FIRST_YEARS calendar years of the comparison and its last."""
    years = sorted(set(table["year"]))
    return sorted(set(years[:FIRST_YEARS] + years[-1:]))


def year_label(year: int, months: int) -> str:
    """A calendar year; a partial one says how many months of it the run covers."""
    if months >= 12:
        return str(year)
    return ngettext("{year} ({months} month)", "{year} ({months} months)", months).format(year=year, months=months)


def wide(table: pd.DataFrame, ctx: Context, diff: bool) -> pd.DataFrame:
    """One row per party × year, one column per scenario (or per scenario vs the reference): "mean [CI]" in EUR m.
    The party's name stands in its first row only, so the years read as a block under it."""
    months = table.groupby(["party", "year"], sort=False)["months"].max()
    values = ["diff_mean", "diff_ci_low", "diff_ci_high"] if diff else ["mean", "ci_low", "ci_high"]
    headers = {
        s: _("{scenario} vs {reference}").format(scenario=s, reference=ctx.reference) if diff else s
        for s in (ctx.others if diff else ctx.scenarios)
    }
    rows = []
    for (name, year), cell in table.groupby(["party", "year"], sort=False):
        by = cell.set_index("scenario")
        row = {_("party type"): party(name) if not rows or rows[-1]["_party"] != name else "", "_party": name}
        row[_("year")] = year_label(int(year), int(months[(name, year)]))
        for scenario, header in headers.items():
            row[header] = fmt_ci(*(by.loc[scenario, values].to_numpy(dtype=float) / MILLION), "eur_m", diff=diff)
        rows.append(row)
    return pd.DataFrame(rows).drop(columns="_party")


def break_even_table(ctx: Context, parties: list[str]) -> pd.DataFrame:
    """One row per party, one column per scenario: the break-even year, or why there is none."""
    frame = ctx.break_even.set_index(["party", "scenario"])
    rows = []
    for name in parties:
        row = {_("party type"): party(name)}
        for scenario in ctx.scenarios:
            row[scenario] = break_even_text(frame.loc[(name, scenario)]) if (name, scenario) in frame.index else ""
        rows.append(row)
    return pd.DataFrame(rows)


def break_even_text(row: pd.Series) -> str:
    """ "2031 [2030-2033]", "never pays", "not within the run", or, where the runs differ, each with its share."""
    if row["status"] == budget.NEVER_PAYS:
        return _("never pays")
    if row["status"] == budget.NOT_WITHIN:
        return _("not within the run")
    years = str(int(row["median_year"])) if row["breaks_even_share"] > 0 else ""
    if years and row["year_low"] != row["year_high"]:
        years = _("{median} [{low}-{high}]").format(median=years, low=int(row["year_low"]), high=int(row["year_high"]))
    if row["status"] == budget.BREAKS_EVEN:
        return years
    pays, even = row["pays_share"], row["breaks_even_share"]
    share = {"even": pays * even, "never": 1.0 - pays, "not": pays * (1.0 - even)}
    parts = [_("{years} in {share} of runs").format(years=years, share=_pct(share["even"]))] if years else []
    if share["never"] > 0:
        parts.append(_("never pays in {share}").format(share=_pct(share["never"])))
    if share["not"] > 0:
        parts.append(_("not within the run in {share}").format(share=_pct(share["not"])))
    return "; ".join(parts)


def _pct(share: float) -> str:
    return fmt(share, "share", extra=-1)
