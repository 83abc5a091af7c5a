"""The model's calendar: monthly steps from ``simulation.start``, a year and month such as ``"2006-01"``.

Model month m (1, 2, ...) is the calendar month ``start + (m - 1)``; the state recorded at month m is the state at the
end of that calendar month, and the state recorded at month 0 (before the first step) is the state at the end of the
month before ``start``. A timeline change dated ``"2010-01"`` takes effect at the start of the model month that is
January 2010, before anything happens in it.
"""

from __future__ import annotations

import re

import numpy as np

DATE_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FIRST_YEAR, LAST_YEAR = 1900, 2200
DATE_RULE = f'a year and month "YYYY-MM" between {FIRST_YEAR}-01 and {LAST_YEAR}-12'


def parse(text: object) -> tuple[int, int]:
    """(year, month) of a ``"YYYY-MM"`` text; ValueError (with what is allowed) for anything else."""
    match = DATE_PATTERN.match(text) if isinstance(text, str) else None
    if match is None or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise ValueError(DATE_RULE)
    return int(match[1]), int(match[2])


def months_between(start: str, date: str) -> int:
    """Calendar months from ``start`` to ``date`` (0 when they are the same month; negative before start)."""
    (y0, m0), (y1, m1) = parse(start), parse(date)
    return (y1 - y0) * 12 + (m1 - m0)


def month_of(start: str, date: str) -> int:
    """The model month that is calendar month ``date``: 1 for the start month."""
    return months_between(start, date) + 1


def date_of(start: str, month: int) -> str:
    """The calendar month of model month ``month`` (month 0: the month before start, whose end the run starts at)."""
    y0, m0 = parse(start)
    index = y0 * 12 + (m0 - 1) + month - 1
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def calendar_month(start: str, month: int) -> int:
    """1-12: the month of the year of model month ``month``."""
    return int(date_of(start, month)[5:])


def decimal_years(start: str, months: np.ndarray | list[int]) -> np.ndarray:
    """The time at the end of each model month as a decimal year (2006.0833 for the end of January 2006), for axes."""
    y0, m0 = parse(start)
    return y0 + (m0 - 1 + np.asarray(months, dtype=float)) / 12.0


def end_date(start: str, months: int) -> str:
    """The last calendar month of a run of ``months`` months."""
    return date_of(start, months)


def end_of_month_year(date: str) -> float:
    """The end of calendar month ``date`` as a decimal year (2006.0833 for "2006-01")."""
    year, month = parse(date)
    return year + month / 12.0


def axis_years(frame) -> np.ndarray:
    """x values in decimal years for the rows of a time-series table: from its ``date`` column, or, for tables written
    before the calendar existed, its month number in years since the start."""
    if "date" in frame:
        return np.array([end_of_month_year(d) for d in frame["date"]])
    return np.asarray(frame["month"], dtype=float) / 12.0
