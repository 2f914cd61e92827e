"""Dialogue: the record of tripartite social dialogue."""
