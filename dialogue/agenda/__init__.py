"""Agendas: items, documents, each side's positions and the outcome of each item."""
