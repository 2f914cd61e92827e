"""Commitments: what a side promised, by when, and its follow-up."""
