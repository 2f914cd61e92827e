"""Bodies (plenary, committees, working groups), their members and quorum rules."""
