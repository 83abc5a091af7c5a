"""Policy instruments as transformations of the ledger (DESIGN.md: "A policy is a transformation of the ledger")."""
