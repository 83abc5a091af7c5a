"""The report's sections, one module each, in reading order: the answer first, the evidence next, the means to
reproduce it last. Each module's ``section(ctx)`` returns its sections (none when it has nothing to show)."""

from __future__ import annotations

from ....i18n import _, current
from ..context import Context
from ..document import Report
from . import adoption, appendix, brief, budget, calibration, cost, failures, money, outcomes, scenarios, why

ORDER = (brief, scenarios, adoption, outcomes, money, budget, cost, why, calibration, failures, appendix)


def title(names: list[str]) -> str:
    return _("Scenario comparison: {names}").format(names=", ".join(names))


def build_report(ctx: Context) -> Report:
    """The whole document for this comparison, in the current language."""
    sections = [s for module in ORDER for s in module.section(ctx)]
    warnings = scenarios.warnings(ctx) + failures.warnings(ctx)
    return Report(title(ctx.scenarios), current(), warnings, sections)
