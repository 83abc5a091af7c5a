"""Numbers for the page in the reader's language: adaptive rounding, clipped share intervals, no float noise."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import i18n
from ...i18n import _

NOISE = 1e-9  # |value| below this is floating-point noise of a sum that is zero (money is conserved): shown as 0


def fmt(value: float, kind: str, diff: bool = False, extra: int = 0) -> str:
    """One number for a table; differences carry a sign, and shares differ in percentage points. `extra` adds
    decimals (fmt_ci uses it so that rounding never hides an effect). Kinds: share, eur (shown in millions), eur_m
    (already in millions), count, years, number (three significant digits)."""
    if value is None or not np.isfinite(value):
        return _("n/a")
    value = 0.0 if abs(value) < NOISE else float(value)
    if kind == "share" and not diff:
        text = i18n.percent(value, max(0, 1 + extra))
    elif kind == "share":
        text = _("{value} pp").format(value=i18n.number(value * 100, 1 + extra, sign=True))
    elif kind in ("eur", "eur_m"):
        text = i18n.number(value / (1e6 if kind == "eur" else 1), 1 + extra, sign=diff)
    elif kind == "count":
        text = i18n.number(value, extra, sign=diff)
    elif kind == "years":
        text = i18n.number(value, 1 + extra, sign=diff)
    else:
        digits = 3 + extra - 1 - (int(np.floor(np.log10(abs(value)))) if value else 0)
        text = i18n.number(round(value, digits), max(0, digits), sign=diff)
    if not any(ch in "123456789" for ch in text):  # a tiny negative rounds to "-0.0": show it as zero
        text = text.replace("-", "+" if diff else "")
    return text


def euros(value: float, diff: bool = False) -> str:
    """An amount of money for a sentence, in millions with the locale's conventions: €1,234.5 m, € 1.234,5 mln."""
    amount = fmt(value, "eur", diff=False)
    text = _("€{amount} m").format(amount=amount.lstrip("-"))
    return ("-" if value < -NOISE and amount != fmt(0.0, "eur") else "+" if diff and value > NOISE else "") + text


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
    return _("{mean} [{low}, {high}]").format(mean=texts[0], low=texts[1], high=texts[2])


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
            cells[_("{scenario} vs {reference}").format(scenario=row.scenario, reference=reference)] = fmt_ci(
                row.diff_mean, row.diff_ci_low, row.diff_ci_high, kind, diff=True
            )
    out = pd.DataFrame.from_dict(wide, orient="index")
    out.index.name = _("outcome") if key == "outcome" else _("party type")
    return out.reset_index()
