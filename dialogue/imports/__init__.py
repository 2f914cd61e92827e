"""Importing organisations, people and commitments from a spreadsheet (CSV or XLSX)."""
