"""Reports: numbers drawn from the record over a period, as pages and as files."""
