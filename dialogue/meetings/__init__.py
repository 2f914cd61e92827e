"""Meetings, invitations, attendance and the quorum and parity panel."""
