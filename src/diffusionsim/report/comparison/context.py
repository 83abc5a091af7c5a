"""What every section reads: the comparison, its tables, its figures and the scenarios' colours, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..palette import scenario_colours
from . import budget
from .tables import ComparisonLike, money_table, per_scenario, summary_table


@dataclass
class Context:
    result: ComparisonLike
    summary: pd.DataFrame  # tables.summary_table
    money: pd.DataFrame  # tables.money_table
    figures: dict[str, str]  # role -> PNG file name in the report folder
    colours: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, result: ComparisonLike, figures: dict[str, str] | None = None) -> Context:
        """The context of a comparison, its tables computed here (a report without figures when none are given)."""
        return cls(result, summary_table(result), money_table(result), figures or {})

    def __post_init__(self) -> None:
        self.colours = self.colours or scenario_colours(self.result.scenarios)

    @cached_property
    def runs(self) -> dict[str, pd.DataFrame]:
        """Each scenario's outcome rows indexed by replication, split once for every paired difference."""
        return per_scenario(self.result.outcomes)

    @cached_property
    def budget(self) -> pd.DataFrame:
        """budget.yearly_table: net money per party × year × scenario (the section and budget.csv)."""
        return budget.yearly_table(self.result.timeseries, self.scenarios)

    @cached_property
    def break_even(self) -> pd.DataFrame:
        """budget.break_even per scenario × party (the section and break_even.csv)."""
        return budget.break_even(self.result.timeseries, self.scenarios)

    @property
    def scenarios(self) -> list[str]:
        return self.result.scenarios

    @property
    def reference(self) -> str:
        return self.result.scenarios[0]

    @property
    def others(self) -> list[str]:
        return self.result.scenarios[1:]
