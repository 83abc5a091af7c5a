"""Mesa agents of diffusionsim, one module per agent type."""

from .care_organisation import CareOrganisation
from .citizen import Citizen
from .company import Company
from .financier import Investor, Payer, PublicFund

__all__ = ["CareOrganisation", "Citizen", "Company", "Investor", "Payer", "PublicFund"]
