"""Accounts: who signs in, with which role, and what each role may see and change."""
