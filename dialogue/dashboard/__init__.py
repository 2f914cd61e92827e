"""The dashboard: what is coming, what is late, and whether the C144 minimum is met."""
