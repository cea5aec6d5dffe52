"""Rendering for people: the HTML pages, the spreadsheet and the charts of the reports (no routes here)."""
