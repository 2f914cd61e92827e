"""Documents attached to a meeting, an agenda item, a position or a commitment's progress
note (evidence): versioned files kept in a storage backend (`storage.py`), their rows here
(`models.py`), the rules in `service.py`, what a file may be in `sniffing.py`."""
