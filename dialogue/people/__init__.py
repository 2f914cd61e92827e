"""The table: sides, organisations on each side, and people."""
