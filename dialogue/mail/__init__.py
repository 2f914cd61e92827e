"""Outgoing email: the outbox table, the worker that sends it over SMTP, the outbox page."""
