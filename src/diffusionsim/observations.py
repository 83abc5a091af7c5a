"""The Dutch record as data: observed figures, their uncertainty and source, and the model value each is set against.

An observations file (``data/observations/nl.toml``) is data like a scenario: parsed with :mod:`tomllib`, validated by
pydantic, and every problem reported as ``FILE: key = value: allowed: ...`` (the scenario's own format, through
:func:`diffusionsim.scenario.validate_as`). Loading checks what can be checked from the file alone; whether an
indicator exists and a date falls inside the run depends on the scenario, so :func:`check_indicators` checks that
once the model's columns and outcomes are known, before any calibration is spent on a file that cannot be used.

An indicator is either a per-innovation time-series column (``org_adoption:<id>``, ``citizen_adoption:<id>``,
``contracted:<id>``), read at the observation's month, or a run outcome (any other name), one number per run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from . import calendar
from .scenario import Positive, Scenario, ScenarioError, Strict, read_toml, rule_error, validate_as

INNOVATION_PREFIXES = ("org_adoption", "citizen_adoption", "contracted")  # time-series columns named <prefix>:<id>
RUN_OUTCOMES = (
    "embedded_share",
    "pilots_started",
    "pilots_embedded",
    "pilots_abandoned",
    "companies_reached_market",
    "fte_saved",
    "care_at_home_share",
)
SHARE_OUTCOMES = ("embedded_share", "companies_reached_market", "care_at_home_share")
_DATE_ALLOWED = f'{calendar.DATE_RULE}: the month at whose end the figure holds, e.g. "2010-12"'


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) of a "YYYY-MM" string, or None (calendar.parse, without the exception)."""
    try:
        return calendar.parse(text)
    except ValueError:
        return None


def is_share(indicator: str) -> bool:
    """Whether the indicator is a share (0-1), so that an observed value outside 0-1 is a typo, not a figure."""
    return indicator.partition(":")[0] in INNOVATION_PREFIXES or indicator in SHARE_OUTCOMES


class Source(Strict):
    """Where the figure was published, and where the copy it was read in was found."""

    authors: str = Field(min_length=1)
    title: str = Field(min_length=1)
    year: int = Field(ge=1900, le=2100)
    where: str = Field(min_length=1)  # page, table or paragraph
    url_or_store: str = Field(min_length=1)


class Observation(Strict):
    """One published figure, mapped onto one model indicator at one calendar month."""

    id: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    indicator: str = Field(min_length=1)
    date: str
    value: float
    se: Positive
    se_method: str = Field(min_length=1)
    source: Source
    checked: bool
    check_note: str = ""
    use: bool
    mapping: str = Field(min_length=1)

    def month_index(self, start: str) -> int:
        """The model month whose end-of-month state is this observation: 1 for the start month itself.

        The time-series row with ``month == m`` holds the state at the end of calendar month start + (m - 1), so a
        figure for the end of December 2010 in a run from January 2006 is row 60. Below 1 means before the run."""
        _month_or_error(start, "start"), _month_or_error(self.date, "date")
        return calendar.month_of(start, self.date)

    @property
    def is_outcome(self) -> bool:
        """A run outcome (one number per run) rather than a per-innovation time-series column. Decided by the name's
        form, not by lookup, because some names (``pilots_started``, ``fte_saved``) are both a column and an outcome:
        an observation of a whole period is compared with the run's total, not with one month's value."""
        return self.indicator.partition(":")[0] not in INNOVATION_PREFIXES


def _month_or_error(text: str, key: str) -> tuple[int, int]:
    parsed = parse_month(text)
    if parsed is None:
        raise ScenarioError(f"{key} = {text!r}: allowed: {_DATE_ALLOWED}")
    return parsed


class ObservationFile(Strict):
    """A file of ``[[observation]]`` entries."""

    observation: list[Observation] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_entries(self) -> ObservationFile:
        seen: set[str] = set()
        for n, obs in enumerate(self.observation):
            _check_entry(n, obs, seen)
        return self


def _check_entry(n: int, obs: Observation, seen: set[str]) -> None:
    """The rules one entry must keep that pydantic's field types cannot say: each raises at the entry's key."""
    if obs.id in seen:
        raise rule_error(f"observation.{n}.id", obs.id, "an id not used before in this file")
    seen.add(obs.id)
    if parse_month(obs.date) is None:
        raise rule_error(f"observation.{n}.date", obs.date, _DATE_ALLOWED)
    if is_share(obs.indicator) and not 0.0 <= obs.value <= 1.0:
        raise rule_error(f"observation.{n}.value", obs.value, f"a share from 0 to 1 for {obs.indicator!r}")
    if not obs.checked and not obs.check_note.strip():
        raise rule_error(f"observation.{n}.check_note", obs.check_note, "why the figure was not read in its source")


def load_observations(path: str | Path) -> list[Observation]:
    """Read and validate an observations file; one readable ScenarioError for anything wrong with it."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: no such observations file; allowed: a TOML file of [[observation]] entries")
    return list(validate_as(ObservationFile, read_toml(path), str(path)).observation)


def check_indicators(
    observations: list[Observation],
    columns: list[str] | tuple[str, ...],
    outcomes: list[str] | tuple[str, ...],
    source: str,
    *,
    start: str | None = None,
    months: int | None = None,
) -> None:
    """Fail before a run or calibration if an observation names an indicator the model does not have, or (given the
    run's start and length) a date outside the run: either would otherwise surface as a KeyError hours later."""
    for obs in observations:
        key = f"observation.{obs.id}"
        known = outcomes if obs.is_outcome else [c for c in columns if c.partition(":")[0] in INNOVATION_PREFIXES]
        if obs.indicator not in known:
            kind = "a run outcome" if obs.is_outcome else "a time-series column"
            names = ", ".join(_alike(obs.indicator, known))
            raise ScenarioError(
                f"{source}: {key}.indicator = {obs.indicator!r}: allowed: {kind} of this model: {names}"
            )
        if start is not None:
            _check_in_run(obs, key, source, start, months)


def _alike(indicator: str, known: list[str] | tuple[str, ...]) -> list[str]:
    """The known names with the indicator's prefix (``org_adoption:...``), or all of them: a short list to read."""
    prefix = indicator.partition(":")[0] + ":"
    return [k for k in known if k.startswith(prefix)] or list(known)


def _check_in_run(obs: Observation, key: str, source: str, start: str, months: int | None) -> None:
    m = obs.month_index(start)
    if m < 1 or (months is not None and m > months):
        last = f" to month {months}" if months is not None else ""
        raise ScenarioError(
            f"{source}: {key}.date = {obs.date!r}: allowed: a month inside the run (from {start}{last})"
        )


def model_values(
    observations: list[Observation],
    timeseries: pd.DataFrame,
    outcomes: dict[str, Any],
    start: str,
    source: str = "<observations>",
) -> np.ndarray:
    """The model's value for each observation, in order: the time-series column at the observation's month row, or
    the run outcome. Distances between these and the observed values are what calibration compares."""
    table = timeseries if "month" in timeseries.columns else timeseries.reset_index()
    return np.array([_model_value(obs, table, outcomes, start, source) for obs in observations], dtype=float)


def _model_value(obs: Observation, table: pd.DataFrame, outcomes: dict[str, Any], start: str, source: str) -> float:
    if obs.is_outcome:
        return float(outcomes[obs.indicator])
    m = obs.month_index(start)
    rows = table.loc[table["month"] == m, obs.indicator]
    if len(rows) != 1:
        allowed = f"a month the run recorded once (months {table['month'].min()} to {table['month'].max()})"
        raise ScenarioError(f"{source}: observation.{obs.id}.date = {obs.date!r}: allowed: {allowed}")
    return float(rows.iloc[0])


def observed(observations: list[Observation]) -> tuple[np.ndarray, np.ndarray]:
    """Observed values and their standard errors, in the order :func:`model_values` returns the model's."""
    return np.array([o.value for o in observations]), np.array([o.se for o in observations])


def columns(observations: list[Observation]) -> dict[str, Any]:
    """The leading columns of every table that sets observations beside the model: id, indicator, date, observed
    value and its standard error."""
    value, se = observed(observations)
    return {
        "id": [o.id for o in observations],
        "indicator": [o.indicator for o in observations],
        "date": [o.date for o in observations],
        "observed": value,
        "se": se,
    }


WITHIN_SE = 2.0  # standard errors: the yardstick (issue 12) for a model value that "lies within" an observation


def standardised(observations: list[Observation], model: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """z = (model - observed) / se per observation, and whether |z| <= WITHIN_SE (never for a missing model value):
    the one rule the run's record, the fit table and the calibration report all apply."""
    value, se = observed(observations)
    z = (np.asarray(model, dtype=float) - value) / se
    return z, np.isfinite(z) & (np.abs(z) <= WITHIN_SE)


def used(observations: list[Observation]) -> list[Observation]:
    """The observations calibration fits; the rest are kept for out-of-sample comparison."""
    return [o for o in observations if o.use]


def indicator_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    """(time-series columns, run outcomes) an observation may name in runs of this scenario, known before any run."""
    columns = [f"{prefix}:{inn.id}" for prefix in INNOVATION_PREFIXES for inn in scenario.innovations]
    return columns, list(RUN_OUTCOMES)


def for_scenario(scenario: Scenario) -> list[Observation]:
    """The record a scenario names in ``meta.observations``, checked against its indicators and its run (empty when it
    names none). Called before a run, so a bad record fails before any work is done."""
    path = scenario.meta.observations
    if path is None:
        return []
    found = load_observations(path)
    columns, outcomes = indicator_names(scenario)
    sim = scenario.simulation
    check_indicators(found, columns, outcomes, path, start=sim.start, months=sim.months)
    return found
