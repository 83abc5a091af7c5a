"""Figures and summaries of runs."""
