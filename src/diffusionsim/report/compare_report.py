"""The comparison report: what differs between scenarios, by how much, and how sure we are.

Every scenario ran the same replications on the same seeds (common random numbers), so a difference against the
reference (the first scenario) is taken per replication and only then averaged: the shared noise cancels and the
interval of the difference is narrower than the intervals of the two means. Intervals are 95% t-intervals over
replications; bands in the figures are the 5th-95th percentile across replications (90% of runs).

The report is written from the tables of a ``ComparisonResult`` alone (duck-typed: ``scenarios``, ``timeseries``,
``outcomes``, ``kinds``, ``manifest``), so it can be regenerated from saved tables without running the model.
"""

from __future__ import annotations

import base64
import html
import json
import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from scipy import stats  # noqa: E402

from ..calendar import axis_years  # noqa: E402
from . import calibration_uncertainty as cu  # noqa: E402

ORG_PREFIX = "org_adoption:"
CITIZEN_PREFIX = "citizen_adoption:"
MONEY_PREFIX = "money:"  # cumulative net money, routine care spending included
IMPACT_PREFIX = "impact:"  # the same against a world without innovations: who pays and who gains
LEDGER_PREFIXES = (MONEY_PREFIX, IMPACT_PREFIX)
ID_COLUMNS = ("scenario", "replication", "seed", "month")
LEVEL = 0.95  # confidence level of the intervals
BAND = (0.05, 0.95)  # percentiles of the shaded bands

OUTCOME_LABELS: dict[str, str] = {
    "years_to_half_adoption": "Time to 50% adoption (years, mean over innovations; not reached = horizon)",
    "implemented_5y": "Organisations that implemented, after 5 years (mean over innovations)",
    "implemented_10y": "Organisations that implemented, after 10 years (mean over innovations)",
    "pilots_started": "Pilots started",
    "pilots_embedded": "Pilots embedded in regular care",
    "pilots_abandoned": "Pilots abandoned",
    "embedded_share": "Share of finished pilots that were embedded",
    "companies_reached_market": "Companies that reached the market (sources: 35%, 002_ac36531e09462072.txt:214-217)",
    "fte_saved": "Staff saved at the end (FTE)",
    "fte_share_of_shortage": "Staff saved as share of the 2034 shortage (266,000, 000_991d8b1a8065d35d.txt:7)",
    "care_at_home_share": "Care at home at the end (share of care contacts)",
    "care_at_home_spending_share": "Care at home at the end (share of care spending)",
    "care_at_home_growth": "More care at home than at the start, at the end of the run",
    "care_at_home_growth_2030": "More care at home than at the start, end of 2030 (KIA Mission II: +50% by 2030)",
    "fte_saved_2034": "Staff saved, end of 2034 (FTE; the shortage then: 266,000, 000_991d8b1a8065d35d.txt:7)",
    "ses_gap": "Adoption gap, high minus low SES (eligible citizens)",
    "public_money_spent": "Public money spent on innovation (EUR million)",
}
# Labels for the per-innovation / per-group outcome columns, keyed by the part before the colon.
PREFIX_LABELS: dict[str, str] = {
    "adoption_10y": "Organisations that implemented at the end: {}",
    "years_to_half": "Time to 50% adoption (years): {}",
    "adoption_10y_kind": "Organisations that implemented at the end, {} innovations",
    "adoption_10y_intensity": "Organisations that implemented at the end, regions with {} cooperation",
    "ses_gap": "Adoption gap high minus low SES, {} innovations",
    "impact": "Net gain against no innovation: {} (EUR million)",
    "money": "Net money incl. routine care: {} (EUR million)",
}
PARTY_NAMES: dict[str, str] = {
    "outside": "outside the modelled system",
    "provider": "care providers",
    "insurer": "health insurers (zorgverzekeraars, Zvw)",
    "care_office": "care offices (zorgkantoren, Wlz)",
    "municipality": "municipalities (gemeenten, Wmo)",
    "public_fund": "public funds",
    "regional_fund": "regional funds",
    "investor": "investors",
    "company": "companies",
    "citizen": "citizens",
}
# Per party type: the net gain against no innovation, then the plain balance.
OUTCOME_LABELS |= {
    prefix + party: PREFIX_LABELS[prefix.rstrip(":")].format(name)
    for party, name in PARTY_NAMES.items()
    for prefix in (IMPACT_PREFIX, MONEY_PREFIX)
}
SHARES = {
    "implemented_5y",
    "implemented_10y",
    "embedded_share",
    "companies_reached_market",
    "fte_share_of_shortage",
    "care_at_home_share",
    "care_at_home_spending_share",
    "care_at_home_growth",
    "care_at_home_growth_2030",
    "ses_gap",
    "social_share_of_new_products",
}
SHARE_PREFIXES = ("adoption_10y", "ses_gap:")
COUNTS = {"pilots_started", "pilots_embedded", "pilots_abandoned", "fte_saved", "fte_saved_2034"}
EUROS = {"public_money_spent"}
YEARS_PREFIXES = ("years_to_half",)
_MEAN_CI = ("mean", "ci_low", "ci_high")
_DIFF_CI = ("diff_mean", "diff_ci_low", "diff_ci_high")


class ComparisonLike(Protocol):
    """What the report reads from a comparison (``diffusionsim.experiments.compare.ComparisonResult``)."""

    scenarios: list[str]
    timeseries: pd.DataFrame
    outcomes: pd.DataFrame
    kinds: dict[str, str]
    manifest: dict[str, Any]


# ------------------------------------------------------------------------------------------------- statistics
def mean_ci(values: Sequence[float] | np.ndarray | pd.Series, level: float = LEVEL) -> tuple[int, float, float, float]:
    """(n, mean, low, high) of a t-interval; NaNs (an outcome undefined in a run) are left out, one value has no CI."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return n, mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return n, mean, mean - half, mean + half


def outcome_columns(result: ComparisonLike) -> list[str]:
    """The numeric outcome columns, labelled ones first in the order of OUTCOME_LABELS, then the rest as stored."""
    numeric = [
        c for c in result.outcomes.columns if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(result.outcomes[c])
    ]
    known = [c for c in OUTCOME_LABELS if c in numeric]
    rest = [c for c in numeric if c not in known]
    groups = list(dict.fromkeys(c.partition(":")[0] for c in rest))  # per-innovation columns together
    return known + sorted(rest, key=lambda c: groups.index(c.partition(":")[0]))


def label(column: str) -> str:
    """A human label for an outcome column; per-innovation columns get their prefix's label."""
    if column in OUTCOME_LABELS:
        return OUTCOME_LABELS[column]
    prefix, _, rest = column.partition(":")
    if rest and prefix in PREFIX_LABELS:
        return PREFIX_LABELS[prefix].format(rest.replace("_", " ") if f"{prefix}:" not in LEDGER_PREFIXES else rest)
    return column.replace("_", " ")


def summary_table(result: ComparisonLike, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per outcome × scenario: mean with 95% CI, and the paired difference against the first scenario.

    Differences are aligned on the replication index (same seed in every scenario), never on row order; a
    replication missing in either scenario, or an outcome undefined (NaN) in either run, drops out of the pair.
    """
    reference = result.scenarios[0]
    runs = {s: g.set_index("replication") for s, g in result.outcomes.groupby("scenario", sort=False)}
    empty = result.outcomes.iloc[:0].set_index("replication")
    rows = []
    for column in columns if columns is not None else outcome_columns(result):
        for scenario in result.scenarios:
            values = runs.get(scenario, empty)[column]
            diff = (math.nan,) * 3
            if scenario != reference:
                diff = mean_ci((values - runs.get(reference, empty)[column]).dropna())[1:]
            rows.append((column, label(column), scenario, *mean_ci(values), *diff))
    names = [
        "outcome",
        "label",
        "scenario",
        "n",
        "mean",
        "ci_low",
        "ci_high",
        "diff_mean",
        "diff_ci_low",
        "diff_ci_high",
    ]
    return pd.DataFrame(rows, columns=names)


def party_types(result: ComparisonLike) -> list[str]:
    """Party types with an impact column in the outcomes, in stored order."""
    return [c.removeprefix(IMPACT_PREFIX) for c in result.outcomes.columns if c.startswith(IMPACT_PREFIX)]


def money_table(result: ComparisonLike) -> pd.DataFrame:
    """Who pays and who gains: net money per party type × scenario in EUR million (+ gains, - pays), against the
    same world without innovations, with paired differences.

    The ledger's plain balances (`money:*`, in the outcome table's CSV) are dominated by the routine care spending
    that flows whatever happens (billions a year); the impact leaves that out, so the table shows what innovation
    and policy move."""
    table = summary_table(result, [IMPACT_PREFIX + p for p in party_types(result)])
    values = ["mean", "ci_low", "ci_high", "diff_mean", "diff_ci_low", "diff_ci_high"]
    table[values] = table[values] / 1e6
    table.insert(0, "party", table.pop("outcome").str.removeprefix(IMPACT_PREFIX))
    return table.drop(columns="label")


# ------------------------------------------------------------------------------------------------- bands
def _long(result: ComparisonLike, column_prefix: str) -> pd.DataFrame:
    """The indicator columns with this prefix as long rows: scenario, replication, month, innovation, value."""
    ts = result.timeseries
    columns = [c for c in ts.columns if c.startswith(column_prefix)]
    ids = ["scenario", "replication", "month"] + (["date"] if "date" in ts else [])
    long = ts.melt(ids, columns, var_name="innovation", value_name="value")
    long["innovation"] = long["innovation"].str.removeprefix(column_prefix)
    return long


def _band(long: pd.DataFrame, key: str, scenarios: list[str], keys: Sequence[str]) -> pd.DataFrame:
    """Mean and 5th/95th percentile of `value` across replications, per scenario × month × key (in `keys` order)."""
    when = ["month"] + (["date"] if "date" in long else [])  # the date follows from scenario and month
    grouped = long.groupby(["scenario", *when, key], sort=False)["value"]
    band = grouped.agg(mean="mean", n="count").join(
        grouped.quantile(BAND[0]).rename("p05").to_frame().join(grouped.quantile(BAND[1]).rename("p95"))
    )
    band = band.reset_index()
    order = {"scenario": {s: i for i, s in enumerate(scenarios)}, key: {k: i for i, k in enumerate(keys)}}
    band = band.sort_values(["scenario", key, "month"], key=lambda s: s.map(order[s.name]) if s.name in order else s)
    return band[["scenario", *when, key, "mean", "p05", "p95", "n"]].reset_index(drop=True)


def band_frame(result: ComparisonLike, column_prefix: str = ORG_PREFIX) -> pd.DataFrame:
    """Per scenario × month × innovation: mean, p05 and p95 over replications, for the columns with this prefix."""
    long = _long(result, column_prefix)
    return _band(long, "innovation", result.scenarios, list(dict.fromkeys(long["innovation"])))


def kind_band_frame(result: ComparisonLike, column_prefix: str = ORG_PREFIX) -> pd.DataFrame:
    """Per scenario × month × kind: the band of the per-run mean over that kind's innovations.

    Averaging within a run first keeps the band a band of runs, not of innovations.
    """
    long = _long(result, column_prefix)
    long["kind"] = long["innovation"].map(result.kinds).fillna("unknown")
    when = ["month"] + (["date"] if "date" in long else [])
    per_run = long.groupby(["scenario", "replication", *when, "kind"], as_index=False)["value"].mean()
    known = ("technological", "social", "process")
    kinds = [k for k in known if k in set(per_run["kind"])] + sorted(set(per_run["kind"]) - set(known))
    return _band(per_run, "kind", result.scenarios, kinds)


# ------------------------------------------------------------------------------------------------- figures
def _grid(n: int, ncols: int = 3, share: bool = True, height: float = 3.2) -> tuple[plt.Figure, list[plt.Axes]]:
    """A grid of small multiples (shared axes make panels comparable); panels beyond `n` are hidden."""
    ncols = max(1, min(ncols if n <= 9 else 4, n))
    nrows = math.ceil(n / ncols) if n else 1
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.2 * ncols, height * nrows), sharex=share, sharey=share, squeeze=False
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _plot_band_grid(band: pd.DataFrame, key: str, titles: dict[str, str], path: str | Path, title: str) -> Path:
    """One panel per key value, one line plus shaded 90% band per scenario, x in calendar years."""
    panels = list(dict.fromkeys(band[key]))
    fig, axes = _grid(len(panels))
    scenarios = list(dict.fromkeys(band["scenario"]))
    for ax, panel in zip(axes, panels, strict=True):
        for i, scenario in enumerate(scenarios):
            part = band[(band[key] == panel) & (band["scenario"] == scenario)]
            years, color = axis_years(part), f"C{i}"
            ax.fill_between(years, part["p05"], part["p95"], color=color, alpha=0.2, linewidth=0)
            ax.plot(years, part["mean"], color=color, label=scenario)
        ax.set_title(titles.get(panel, panel), fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # calendar years
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    ncols = axes[0].get_subplotspec().get_gridspec().ncols if axes else 1
    for i, ax in enumerate(axes):
        if i + ncols >= len(axes):  # nothing below this panel: it carries the x axis
            ax.tick_params(labelbottom=True)
            ax.set_xlabel("year")
    if axes:
        axes[0].set_ylabel("share")
        axes[0].legend(fontsize=7, loc="upper left")
    return _finish(fig, path, f"{title}\nline: mean over replications; band: 5th-95th percentile")


def _finish(fig: plt.Figure, path: str | Path, title: str | None = None) -> Path:
    """Title above the panels (room reserved so it never overlaps them), save the PNG, free the figure."""
    top = 1.0
    if title:
        fig.suptitle(title, fontsize=10)
        top = 1 - (0.15 + 0.2 * (title.count("\n") + 1)) / fig.get_figheight()
    fig.tight_layout(rect=(0, 0, 1, top))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def plot_adoption_bands(result: ComparisonLike, path: str | Path, column_prefix: str = ORG_PREFIX) -> Path:
    """Adoption per innovation, one panel each, so scenarios are compared where the innovations differ."""
    band = band_frame(result, column_prefix)
    titles = {i: f"{i} ({result.kinds.get(i, '?')})" for i in band["innovation"].unique()}
    what = "organisations that implemented" if column_prefix == ORG_PREFIX else column_prefix.rstrip(":")
    if column_prefix == CITIZEN_PREFIX:
        what = "eligible citizens who use it"
    return _plot_band_grid(band, "innovation", titles, path, f"Adoption per innovation: share of {what}")


def plot_kind_bands(result: ComparisonLike, path: str | Path, column_prefix: str = ORG_PREFIX) -> Path:
    """Adoption per innovation kind (technological, social, process): the policy question is often about kinds."""
    band = kind_band_frame(result, column_prefix)
    titles = {k: f"{k} innovations" for k in band["kind"].unique()}
    return _plot_band_grid(band, "kind", titles, path, "Adoption per kind of innovation (mean over its innovations)")


def plot_money(result: ComparisonLike, path: str | Path) -> Path:
    """Grouped bars: net money per party type relative to the reference, with the paired 95% CI as error bars.

    With a single scenario there is nothing to difference, so the bars show its means and their CI instead.
    """
    table = money_table(result)
    reference = result.scenarios[0]
    shown = [s for s in result.scenarios if s != reference] or [reference]
    value, low, high = _DIFF_CI if shown[0] != reference else _MEAN_CI
    parties = list(dict.fromkeys(table["party"]))
    x, width = np.arange(len(parties)), 0.8 / len(shown)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(parties)), 4.5))
    for i, scenario in enumerate(shown):
        part = table[table["scenario"] == scenario].set_index("party").loc[parties]
        err = np.vstack([part[value] - part[low], part[high] - part[value]])
        err = None if np.isnan(err).all() else np.nan_to_num(err)
        ax.bar(x + (i - (len(shown) - 1) / 2) * width, part[value], width, yerr=err, capsize=3, label=scenario)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, parties, rotation=30, ha="right")
    ax.set_ylabel("EUR million (+ gains, - pays)")
    what = f"difference vs {reference}" if shown[0] != reference else "mean"
    ax.set_title(f"Net gain per party type against no innovation, whole run: {what} (error bars: 95% CI)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _finish(fig, path)


def plot_outcomes(result: ComparisonLike, path: str | Path) -> Path:
    """The main outcomes, one panel each: mean and 95% CI per scenario, to see overlap at a glance."""
    columns = [c for c in OUTCOME_LABELS if c in result.outcomes.columns and not c.startswith(LEDGER_PREFIXES)]
    table = summary_table(result, columns)
    fig, axes = _grid(len(columns), ncols=4, share=False, height=0.5 + 0.45 * len(result.scenarios))
    for ax, column in zip(axes, columns, strict=True):  # each outcome has its own scale
        part = table[table["outcome"] == column]
        scale, y = (1e6 if unit(column) == "eur" else 1.0), np.arange(len(part))
        err = np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]]) / scale
        ax.errorbar(part["mean"] / scale, y, xerr=np.nan_to_num(err), fmt="o", capsize=3)
        ax.set_yticks(y, part["scenario"], fontsize=7)
        ax.set_ylim(len(part) - 0.5, -0.5)  # the reference on top
        ax.set_title(textwrap.fill(label(column), 40), fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(alpha=0.3)
    return _finish(fig, path, "Outcomes per scenario: mean and 95% CI over replications")


# ------------------------------------------------------------------------------------------------- formatting
def unit(column: str) -> str:
    """How an outcome is shown: share (%), eur (EUR, shown in millions), count, years or a plain number."""
    if column in SHARES or column.startswith(SHARE_PREFIXES):
        return "share"
    if column in EUROS or column.startswith(LEDGER_PREFIXES):
        return "eur"
    if column in COUNTS:
        return "count"
    if column == "years_to_half_adoption" or column.startswith(YEARS_PREFIXES):
        return "years"
    return "number"


NOISE = 1e-9  # |value| below this is floating-point noise of a sum that is zero (money is conserved): shown as 0


def fmt(value: float, kind: str, diff: bool = False, extra: int = 0) -> str:
    """One number for a table; differences carry a sign, and shares differ in percentage points. `extra` adds
    decimals (fmt_ci uses it so that rounding never hides an effect)."""
    if value is None or not np.isfinite(value):
        return "n/a"
    value = 0.0 if abs(value) < NOISE else value
    sign = "+" if diff else ""
    if kind == "share":
        text = f"{value * 100:{sign}.{1 + extra}f} pp" if diff else f"{value:.{1 + extra}%}"
    elif kind in ("eur", "eur_m"):
        text = f"{value / (1e6 if kind == 'eur' else 1):{sign},.{1 + extra}f}"
    elif kind == "count":
        text = f"{value:{sign},.{extra}f}"
    elif kind == "years":
        text = f"{value:{sign}.{1 + extra}f}"
    else:
        text = f"{value:{sign}.{3 + extra}g}"
    if not any(ch in "123456789" for ch in text):  # a tiny negative rounds to "-0.0": show it as zero
        text = text.replace("-", "+" if diff else "")
    return text


def fmt_ci(mean: float, low: float, high: float, kind: str, diff: bool = False) -> str:
    """ "mean [low, high]"; the mean alone when there is no interval (a single replication).

    A share's interval is clipped to 0-100% (a t-interval can cross the bounds a share cannot). Rounding adapts: more
    decimals (up to 3 more) while an interval that excludes zero would print its mean as zero, or an interval of some
    width would print as one number, so that a real effect never reads as +0.0 [+0.0, +0.0]."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return fmt(mean, kind, diff)
    if kind == "share" and not diff:
        low, high = max(low, 0.0), min(high, 1.0)
    for extra in range(4):
        texts = [fmt(v, kind, diff, extra) for v in (mean, low, high)]
        if not _rounding_hides(texts, low, high):
            break
    return f"{texts[0]} [{texts[1]}, {texts[2]}]"


def _rounding_hides(texts: list[str], low: float, high: float) -> bool:
    """Whether the rounded texts hide what the numbers say: a mean shown as zero whose interval excludes zero, or an
    interval with width shown as a single value."""
    shows_zero = not any(ch in "123456789" for ch in texts[0])
    excludes_zero = low > NOISE or high < -NOISE
    return (shows_zero and excludes_zero) or (texts[1] == texts[2] and high - low > NOISE)


def display_table(
    table: pd.DataFrame, key: str, names: dict[str, str], units: dict[str, str], reference: str
) -> pd.DataFrame:
    """Wide strings for the report: one row per key, per scenario "mean [CI]" and "diff vs reference [CI]"."""
    wide: dict[str, dict[str, str]] = {}
    for row in table.itertuples(index=False):
        kind, cells = units[getattr(row, key)], wide.setdefault(names[getattr(row, key)], {})
        cells[row.scenario] = fmt_ci(row.mean, row.ci_low, row.ci_high, kind)
        if row.scenario != reference:
            cells[f"{row.scenario}: diff vs {reference}"] = fmt_ci(
                row.diff_mean, row.diff_ci_low, row.diff_ci_high, kind, diff=True
            )
    out = pd.DataFrame.from_dict(wide, orient="index")
    out.index.name = "outcome" if key == "outcome" else "party type"
    return out.reset_index()


# ------------------------------------------------------------------------------------------------- the document
# A report is a list of blocks, rendered once to markdown and once to HTML so both say the same thing:
# ("h1"|"h2"|"p"|"pre", text), ("ul", [items]), ("img", file name, alt text), ("table", DataFrame of strings).
Block = tuple[Any, ...]


def _seed_blocks(result: ComparisonLike) -> list[Block]:
    """Replications and their seeds, and whether every scenario really used the same seed per replication."""
    runs = result.outcomes
    n = runs.groupby("scenario")["replication"].nunique().reindex(result.scenarios)
    text = (
        f"{int(n.max()) if len(n) else 0} replications per scenario. Replication r ran on the same seed in every "
        "scenario (common random numbers), so differences are paired by replication: the noise the scenarios share "
        "cancels out of the difference."
    )
    if n.nunique() > 1:
        text += " Not every scenario has the same number of replications: " + ", ".join(
            f"{s}: {v}" for s, v in n.items()
        )
    blocks: list[Block] = [("p", text)]
    if "seed" in runs:
        seeds = runs.groupby("replication")["seed"].agg(lambda s: sorted(set(s)))
        if (seeds.map(len) > 1).any():
            blocks.append(("p", "WARNING: some replications used different seeds in different scenarios."))
        blocks.append(
            ("p", "Seeds by replication: " + "; ".join(f"{r}: {', '.join(map(str, s))}" for r, s in seeds.items()))
        )
    return blocks


def _scenario_items(result: ComparisonLike) -> list[str]:
    """Scenario names, the reference marked, with the file and hash from the manifest where it has them."""
    meta = {
        m.get("name", m.get("scenario_name")): m for m in result.manifest.get("scenarios", []) if isinstance(m, dict)
    }
    items = []
    for i, name in enumerate(result.scenarios):
        m = meta.get(name, {})
        extra = [f"file {m['scenario_file']}" if m.get("scenario_file") else ""]
        extra.append(f"sha256 {str(m['scenario_sha256'])[:12]}" if m.get("scenario_sha256") else "")
        detail = ", ".join(e for e in extra if e)
        items.append(f"{name}{' (reference)' if i == 0 else ''}{': ' + detail if detail else ''}")
    return items


def _reproduce_command(result: ComparisonLike) -> str | None:
    """The command line that reruns this comparison, if the manifest records the files and the base seed."""
    scenarios = result.manifest.get("scenarios", [])
    files = [m.get("scenario_file") for m in scenarios if isinstance(m, dict)]
    if not files or None in files or "base_seed" not in result.manifest:
        return None
    sets = " ".join(f"--set {o}" for o in scenarios[0].get("overrides", []))
    if isinstance(result.manifest.get("posterior"), dict):
        sets += f" --posterior {result.manifest['posterior'].get('dir')}"
    if result.manifest.get("demo_scale"):
        sets += " --demo-scale"
    reps = result.manifest.get("replications", result.outcomes["replication"].nunique())
    return f"diffusionsim compare {' '.join(files)} -n {reps} --seed {result.manifest['base_seed']} {sets}".strip()


def build_report(
    result: ComparisonLike, figures: dict[str, str], summary: pd.DataFrame, money: pd.DataFrame
) -> list[Block]:
    """The report's blocks: scenarios, seeds, figures, outcome table, who pays and who gains, reproducibility."""
    reference = result.scenarios[0]
    main = [c for c in OUTCOME_LABELS if not c.startswith(LEDGER_PREFIXES)]
    names = {c: label(c) for c in summary["outcome"].unique()}
    units = {c: unit(c) for c in names}
    core = summary[summary["outcome"].isin(main)]
    rest = summary[~summary["outcome"].isin(main) & ~summary["outcome"].str.startswith(LEDGER_PREFIXES)]
    blocks: list[Block] = [
        ("h1", f"Scenario comparison: {', '.join(result.scenarios)}"),
        *_mix_warning_blocks(result),
        ("h2", "Scenarios compared"),
        ("ul", _scenario_items(result)),
        *_difference_blocks(result),
        ("h2", "Replications and seeds"),
        *_seed_blocks(result),
        ("h2", "Adoption"),
    ]
    blocks += [("img", figures[k], _FIGURE_ALTS[k]) for k in ("adoption", "citizen_adoption", "kind") if k in figures]
    blocks += [
        ("h2", "Outcomes"),
        (
            "p",
            f'Mean over replications [95% t-interval]; "diff vs {reference}" is the mean of the paired '
            "per-replication differences [its 95% interval]. Shares in %, their differences in percentage points (pp); "
            "money in EUR million. An interval that excludes 0 marks a difference larger than the run-to-run noise.",
        ),
        ("table", display_table(core, "outcome", names, units, reference)),
    ]
    blocks += [("img", figures["outcomes"], _FIGURE_ALTS["outcomes"])] if "outcomes" in figures else []
    if len(rest):
        blocks += [("h2", "Further outcomes"), ("table", display_table(rest, "outcome", names, units, reference))]
    parties = {p: p for p in money["party"].unique()}
    blocks += [
        ("h2", "Who pays and who gains"),
        (
            "p",
            "Net money per party type over the whole run against the same world without innovations, EUR million: "
            "+ gains, - pays. The routine care spending that flows anyway is left out (the plain balances are in "
            "outcomes.csv as money:*). Money is conserved, so the gains and the payments add up to zero "
            '("outside" is money leaving the modelled system).',
        ),
        ("table", display_table(money, "party", parties, dict.fromkeys(parties, "eur_m"), reference)),
    ]
    blocks += [("img", figures["money"], _FIGURE_ALTS["money"])] if "money" in figures else []
    headline = [c for c in main if c in set(core["outcome"])]
    blocks += _cost_blocks(result)
    blocks += _calibration_blocks(result, headline)
    return blocks + _failure_blocks(result) + _reproducibility_blocks(result)


def _cost_blocks(result: ComparisonLike) -> list[Block]:
    """Public money per FTE freed and per percentage point of adoption against the reference (cost_effectiveness.py)."""
    from . import cost_effectiveness as ce  # noqa: PLC0415 - it reads this module's formatting

    needed = {ce.PUBLIC, ce.FTE, ce.ADOPTION}
    if len(result.scenarios) < 2 or not needed <= set(result.outcomes.columns):
        return []
    reference = result.scenarios[0]
    table = ce.cost_effectiveness(result.outcomes, result.scenarios, reference)
    text = (
        f"Against {reference}, per scenario: the extra public money (national fund's grants and the transition fund's "
        "compensation over the whole run), the extra staff freed at the end and the extra adoption after 10 years, "
        "each the mean paired difference [95% interval]; then public money per FTE freed and per percentage point of "
        "adoption, the ratio of those means [95% paired-bootstrap interval]. A ratio whose denominator does not "
        "differ from zero is not defined. Negative: the scenario spends less public money."
    )
    return [("h2", "Cost-effectiveness"), ("p", text), ("table", ce.display(table, reference))]


def _mix_warning_blocks(result: ComparisonLike) -> list[Block]:
    """At the top: a warning when the scenarios differ in more than policy (experiments.differences)."""
    warning = (result.manifest.get("differences") or {}).get("beyond_policy")
    return [("p", f"WARNING: {warning}")] if warning else []


def _difference_blocks(result: ComparisonLike) -> list[Block]:
    """What each scenario says it is, and every key whose validated value differs between them, with its kind."""
    diff = result.manifest.get("differences")
    if not diff:
        return []
    described = [f"{name}: {text or '(no description)'}" for name, text in diff["descriptions"].items()]
    rows = pd.DataFrame(diff["keys"], columns=["key", "kind", *result.scenarios])
    intro = (
        "Every key whose value differs between the validated scenarios (defaults filled in), and its kind: policy, "
        "scale, period, catalogue or behaviour. Only policy differences make the comparison one of policies."
    )
    table = [("table", rows)] if len(rows) else [("p", "The scenarios do not differ in any key.")]
    return [("h2", "What differs between the scenarios"), ("ul", described), ("p", intro), *table]


def _calibration_blocks(result: ComparisonLike, outcomes: list[str]) -> list[Block]:
    """With --posterior: the draws' ranges and, per headline outcome, whether the model's noise or what calibration
    left uncertain dominates its spread across replications (method: calibration_uncertainty.py). Nothing without."""
    draws = cu.draws_of(result)
    if draws is None:
        return []
    post, reference = result.manifest.get("posterior") or {}, result.scenarios[0]
    table = cu.uncertainty_table(result.outcomes, draws, outcomes, result.scenarios)
    ranges = cu.range_table(draws)
    shown = ranges.assign(**{c: ranges[c].map(lambda v: fmt(v, "number")) for c in ranges.columns[1:-1]})
    intro = (
        f"Every replication ran on its own draw from the calibration's posterior ({post.get('file', 'posterior')}, "
        f"sha256 {str(post.get('sha256', ''))[:12]}, {post.get('particles', '?')} particles), resampled by weight; "
        "replication r used the same draw in every scenario, so the differences stay paired. The intervals and bands "
        "above therefore hold both the model's own noise and what calibration left uncertain. The drawn values "
        "(per replication: posterior_draws.csv):"
    )
    method = (
        "Which dominates: per scenario, each outcome is regressed across replications by ordinary least squares on the "
        "drawn parameters (standardised, with their squares when there are at least "
        f"{cu.QUADRATIC_MARGIN} more replications than terms). The adjusted R² is the share of the spread that "
        "calibration's uncertainty explains; the rest is the model's own noise (and what the fit cannot capture, so "
        f"the share errs low). Calibration dominates when the share exceeds {cu.DOMINANCE}. The same is done for the "
        f"paired differences against {reference}, which a policy conclusion rests on."
    )
    labels = {c: label(c) for c in outcomes}
    items = [cu.statement(labels[c], table[table["outcome"] == c], reference) for c in outcomes]
    warnings = [f"WARNING: {w}" for w in post.get("warnings", [])]
    blocks: list[Block] = [("h2", "Calibration uncertainty"), ("p", intro), ("table", shown)]
    blocks += [("ul", warnings)] if warnings else []
    return [*blocks, ("p", method), ("ul", items)]


def _failure_blocks(result: ComparisonLike) -> list[Block]:
    """Runs that failed: which, on which seed, and the last line of the error (tracebacks in failures.csv)."""
    failures = getattr(result, "failures", None)
    if failures is None or not len(failures):
        return []
    items = [
        f"{row.scenario}, replication {row.replication} (seed {row.seed}): {row.error.strip().splitlines()[-1]}"
        for row in failures.itertuples()
    ]
    text = (
        f"{len(failures)} run(s) failed and are left out of every table and figure above; the paired differences use "
        "the replications that ran in both scenarios. Full tracebacks: failures.csv."
    )
    return [("h2", "Failed runs"), ("p", text), ("ul", items)]


_FIGURE_ALTS = {
    "adoption": "Adoption by organisations per innovation, mean and 90% band per scenario",
    "citizen_adoption": "Adoption by eligible citizens per innovation, mean and 90% band per scenario",
    "kind": "Adoption per innovation kind, mean and 90% band per scenario",
    "outcomes": "Outcomes per scenario with 95% confidence intervals",
    "money": "Net gain per party type against no innovation, difference against the reference, with paired 95% CI",
}


def _reproducibility_blocks(result: ComparisonLike) -> list[Block]:
    """The manifest, verbatim, and the command that reruns the comparison."""
    blocks: list[Block] = [
        ("h2", "Reproducibility"),
        (
            "p",
            "Tables behind this report: summary.csv, money.csv, outcomes.csv (one row per run), "
            "timeseries.parquet (every run, every month) and manifest.json. The manifest:",
        ),
        ("pre", json.dumps(result.manifest, indent=2, default=str)),
    ]
    command = _reproduce_command(result)
    return blocks + ([("p", "To rerun:"), ("pre", command)] if command else [])


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: list[Block]) -> str:
    """Markdown with figures as relative links, so the report folder can be moved as a whole."""
    out = []
    for kind, *body in blocks:
        if kind in ("h1", "h2"):
            out.append(f"{'#' * int(kind[1])} {body[0]}")
        elif kind == "p":
            out.append(body[0])
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in body[0]))
        elif kind == "img":
            out.append(f"![{body[1]}]({body[0]})")
        elif kind == "pre":
            out.append(f"```\n{body[0]}\n```")
        elif kind == "table":
            df = body[0]
            lines = ["| " + " | ".join(_md_cell(c) for c in df.columns) + " |", "|" + "---|" * len(df.columns)]
            lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1200px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .6em; vertical-align: top; }
td:not(:first-child) { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; display: block; margin: 1em 0; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: .8em; }
"""


def _data_uri(path: Path) -> str:
    """The PNG inline, so the HTML file alone is the whole report (mail it, open it offline)."""
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def to_html(blocks: list[Block], image_dir: Path, title: str) -> str:
    """Self-contained HTML: inline CSS, images as base64 data URIs, no scripts and no external references."""
    e, out = html.escape, []
    for kind, *body in blocks:
        if kind in ("h1", "h2", "p"):
            out.append(f"<{kind}>{e(body[0])}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in body[0]) + "</ul>")
        elif kind == "img":
            out.append(f'<img src="{_data_uri(image_dir / body[0])}" alt="{e(body[1])}">')
        elif kind == "pre":
            out.append(f"<pre>{e(body[0])}</pre>")
        elif kind == "table":
            df = body[0]
            head = "".join(f"<th>{e(str(c))}</th>" for c in df.columns)
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in df.itertuples(index=False)
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    body_html = "\n".join(out)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}</title>\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n{body_html}\n</body>\n</html>\n"
    )


# ------------------------------------------------------------------------------------------------- writing
def write_figures(result: ComparisonLike, out: Path) -> dict[str, str]:
    """The PNGs, keyed by role; figures without data (no citizen columns, no money) are skipped."""
    columns = result.timeseries.columns
    jobs = {
        "adoption": ("adoption_bands.png", plot_adoption_bands, any(c.startswith(ORG_PREFIX) for c in columns)),
        "citizen_adoption": (
            "citizen_adoption_bands.png",
            lambda r, p: plot_adoption_bands(r, p, CITIZEN_PREFIX),
            any(c.startswith(CITIZEN_PREFIX) for c in columns),
        ),
        "kind": ("kind_bands.png", plot_kind_bands, any(c.startswith(ORG_PREFIX) for c in columns)),
        "outcomes": ("outcomes.png", plot_outcomes, any(c in OUTCOME_LABELS for c in result.outcomes.columns)),
        "money": ("money.png", plot_money, bool(party_types(result))),
    }
    figures = {}
    for key, (name, plot, has_data) in jobs.items():
        if has_data:
            plot(result, out / name)
            figures[key] = name
    return figures


def write_report(result: ComparisonLike, out_dir: str | Path) -> list[Path]:
    """Write figures, tables, manifest, report.md and a self-contained report.html; return the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = write_figures(result, out)
    summary, money = summary_table(result), money_table(result)
    tables = {"summary.csv": summary, "money.csv": money, "outcomes.csv": result.outcomes}
    failures = getattr(result, "failures", None)
    if failures is not None and len(failures):
        tables["failures.csv"] = failures
    draws = cu.draws_of(result)
    if draws is not None:
        tables["posterior_draws.csv"] = draws
    for name, table in tables.items():
        table.to_csv(out / name, index=False)
    result.timeseries.to_parquet(out / "timeseries.parquet", engine="pyarrow", index=False)
    (out / "manifest.json").write_text(json.dumps(result.manifest, indent=2, default=str) + "\n", encoding="utf-8")
    blocks = build_report(result, figures, summary, money)
    (out / "report.md").write_text(to_markdown(blocks), encoding="utf-8")
    title = f"Scenario comparison: {', '.join(result.scenarios)}"
    (out / "report.html").write_text(to_html(blocks, out, title), encoding="utf-8")
    names = [*figures.values(), *tables, "timeseries.parquet", "manifest.json", "report.md", "report.html"]
    return [out / name for name in names]


__all__ = [
    "OUTCOME_LABELS",
    "band_frame",
    "build_report",
    "kind_band_frame",
    "mean_ci",
    "money_table",
    "plot_adoption_bands",
    "plot_kind_bands",
    "plot_money",
    "plot_outcomes",
    "summary_table",
    "to_html",
    "to_markdown",
    "write_report",
]
