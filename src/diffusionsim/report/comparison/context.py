"""What every section reads: the comparison, its tables, its figures and the scenarios' colours, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..palette import scenario_colours
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

    @property
    def scenarios(self) -> list[str]:
        return self.result.scenarios

    @property
    def reference(self) -> str:
        return self.result.scenarios[0]

    @property
    def others(self) -> list[str]:
        return self.result.scenarios[1:]
