"""Commitments: what a side promised, by when, and its follow-up.

"Overdue" is derived, never stored: an active commitment (open or in progress) whose due
date is before today in Africa/Tunis. `Commitment.is_overdue(today)` answers it for a
record in Python and `status.overdue_clause(today)` for a query; both say the same thing.

Where it lives: `status` (overdue, due soon, closing), `visibility` (who reads internal
progress notes), `listing` (filters and the list), `editing` (one commitment: checks,
create, update, progress, delete), `at_meetings` (matters arising, meetings open, made at a
meeting), `choices` (what forms and filters offer). Pages and the API parse their input and
call these.
"""
