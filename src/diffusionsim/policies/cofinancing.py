"""Co-financing rules for public grants: the private share, and the options the sources discuss against it.

Business co-financing is required in public-private subsidies (40%, with a 30% surcharge,
004_0f7fc21ead51925a.txt:1942-1944); firms put money in only when a return is in sight, which skews the portfolio
towards technology; the advice is to lower the private share, accept contributions in kind, and spare small firms and
social innovators (004_0f7fc21ead51925a.txt:1231-1238, 1919-1940).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..agents.company import Company
    from ..scenario import Cofinancing


def private_share(rules: Cofinancing, company: Company) -> float:
    """The private share this company must bring: the general rule, or a lower one for start-ups or social firms."""
    share = rules.private_share
    if rules.startup_share is not None and company.company_type == "startup":
        share = min(share, rules.startup_share)
    if rules.social_share is not None and company.kind == "social":
        share = min(share, rules.social_share)
    return share


def cash_needed(rules: Cofinancing, company: Company, project_cost: float) -> float:
    """Cash the company must put in: its private share less the part it may pay in kind."""
    return private_share(rules, company) * project_cost * (1.0 - rules.in_kind_share)


def public_payment(rules: Cofinancing, company: Company, project_cost: float) -> float:
    """What the fund pays: the public share plus the surcharge on the private cash (assumption: surcharge base)."""
    return (1.0 - private_share(rules, company)) * project_cost + rules.surcharge * cash_needed(
        rules, company, project_cost
    )
