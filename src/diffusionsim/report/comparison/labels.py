"""Human labels and display units of the outcome columns, in the message catalogue (marked with N_, translated where
they are shown), and the sources behind the outcomes' reference figures (listed under the tables, not in the labels).
"""

from __future__ import annotations

from ...i18n import N_, _

ORG_PREFIX = "org_adoption:"
CITIZEN_PREFIX = "citizen_adoption:"
MONEY_PREFIX = "money:"  # cumulative net money, routine care spending included
IMPACT_PREFIX = "impact:"  # the same against a world without innovations: who pays and who gains
LEDGER_PREFIXES = (MONEY_PREFIX, IMPACT_PREFIX)
ID_COLUMNS = ("scenario", "replication", "seed", "month")

OUTCOME_LABELS: dict[str, str] = {
    "reached_half_share": N_("Innovations that reach 50% adoption within the run (share of innovations × runs)"),
    "years_to_half_adoption": N_(
        "Time to 50% adoption, restricted mean (years; not reached counts as the run's length)"
    ),
    "implemented_5y": N_("Organisations that implemented, after 5 years (mean over innovations)"),
    "implemented_10y": N_("Organisations that implemented, after 10 years (mean over innovations)"),
    "pilots_started": N_("Pilots started"),
    "pilots_embedded": N_("Pilots embedded in regular care"),
    "pilots_abandoned": N_("Pilots abandoned"),
    "embedded_share": N_("Share of finished pilots that were embedded"),
    "companies_reached_market": N_("Companies that reached the market"),
    "fte_saved": N_("Staff time freed at the end (FTE)"),
    "fte_share_of_shortage": N_("Staff time freed as share of the 2034 shortage"),
    "care_at_home_share": N_("Care at home at the end (share of care contacts)"),
    "care_at_home_spending_share": N_("Care at home at the end (share of care spending)"),
    "care_at_home_growth": N_("Growth of care at home since the start, at the end of the run"),
    "care_at_home_growth_2030": N_("Growth of care at home since the start, end of 2030 (mission: +50%)"),
    "fte_saved_2034": N_("Staff time freed, end of 2034 (FTE)"),
    "fte_2034_share_of_shortage": N_("Staff time freed, end of 2034, as share of the 2034 shortage"),
    "ses_gap": N_("Adoption gap, high minus low socio-economic status (eligible citizens)"),
    "public_money_spent": N_("Public money spent on innovation"),
}
# Reference figures named in the labels, and where they come from (shown once, under the outcome table).
SOURCES: dict[str, str] = {
    "companies_reached_market": N_("About 35% of start-ups reach the market (002_ac36531e09462072.txt:214-217)."),
    "fte_share_of_shortage": N_("The 2034 staff shortage: 266,000 FTE (000_991d8b1a8065d35d.txt:7)."),
    "fte_2034_share_of_shortage": N_("The 2034 staff shortage: 266,000 FTE (000_991d8b1a8065d35d.txt:7)."),
    "care_at_home_growth_2030": N_("Mission II of the KIA: 50% more care at home by 2030."),
}
# Labels for the per-innovation / per-group outcome columns, keyed by the part before the colon.
PREFIX_LABELS: dict[str, str] = {
    "adoption_10y": N_("Organisations that implemented at the end: {}"),
    "years_to_half": N_("Time to 50% adoption (years): {}"),
    "adoption_10y_kind": N_("Organisations that implemented at the end, {} innovations"),
    "adoption_10y_intensity": N_("Organisations that implemented at the end, regions with {} cooperation"),
    "ses_gap": N_("Adoption gap high minus low socio-economic status, {} innovations"),
    "reached_market_kind": N_("Companies that reached the market, {} innovations"),
    "contracted_share": N_("Months the payers contracted it (share of the run): {}"),
    "impact": N_("Net gain against no innovation: {}"),
    "money": N_("Net money incl. routine care: {}"),
}
# The words that fill the {} of PREFIX_LABELS for groups (innovation ids are shown as they are).
GROUP_NAMES: dict[str, str] = {
    "technological": N_("technological"),
    "social": N_("social"),
    "process": N_("process"),
    "low": N_("low"),
    "middle": N_("middle"),
    "high": N_("high"),
    "digital": N_("digital"),
    "non_digital": N_("non-digital"),
}
# Party types in English and, beside them, the Dutch term a Dutch reader looks for.
PARTY_NAMES: dict[str, str] = {
    "outside": N_("Outside the modelled system"),
    "provider": N_("Care providers (zorgaanbieders)"),
    "insurer": N_("Health insurers (zorgverzekeraars, Zvw)"),
    "care_office": N_("Care offices (zorgkantoren, Wlz)"),
    "municipality": N_("Municipalities (gemeenten, Wmo)"),
    "public_fund": N_("Public funds (publieke fondsen)"),
    "regional_fund": N_("Regional funds (regionale fondsen)"),
    "investor": N_("Investors (investeerders)"),
    "company": N_("Companies (bedrijven)"),
    "citizen": N_("Citizens (burgers)"),
}
SHARES = {
    "reached_half_share",
    "implemented_5y",
    "implemented_10y",
    "embedded_share",
    "companies_reached_market",
    "fte_share_of_shortage",
    "fte_2034_share_of_shortage",
    "care_at_home_share",
    "care_at_home_spending_share",
    "care_at_home_growth",
    "care_at_home_growth_2030",
    "ses_gap",
    "social_share_of_new_products",
}
SHARE_PREFIXES = ("adoption_10y", "ses_gap:", "reached_market_kind:", "contracted_share:")
COUNTS = {
    "pilots_started",
    "pilots_embedded",
    "pilots_abandoned",
    "pilots_without_money",
    "implemented_without_pilot",
    "implementations_stopped",
    "fte_saved",
    "fte_saved_2034",
}
EUROS = {"public_money_spent"}
YEARS_PREFIXES = ("years_to_half",)
# Outcomes shown in the report's tables beyond the labelled ones, with their labels.
OUTCOME_LABELS |= {
    "pilots_without_money": N_("Pilots that found no money"),
    "implemented_without_pilot": N_(
        "Implementations without a pilot of their own (regional evidence or a payer's contract)"
    ),
    "implementations_stopped": N_("Implementations stopped"),
    "social_share_of_new_products": N_("Social innovations among the products that reached the market"),
}


def party(name: str) -> str:
    """A party type's human name in the current language."""
    return _(PARTY_NAMES[name]) if name in PARTY_NAMES else name.replace("_", " ")


def label(column: str) -> str:
    """A human label for an outcome column in the current language; per-group columns get their prefix's label."""
    if column in OUTCOME_LABELS:
        return _(OUTCOME_LABELS[column])
    prefix, _sep, rest = column.partition(":")
    if rest and prefix in PREFIX_LABELS:
        if f"{prefix}:" in LEDGER_PREFIXES:
            filler = party(rest)
        else:
            filler = _(GROUP_NAMES[rest]) if rest in GROUP_NAMES else rest
        return _(PREFIX_LABELS[prefix]).format(filler)
    return column.replace("_", " ")


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
