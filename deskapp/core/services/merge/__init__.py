"""Duplicate customers: finding them, merging them into one, and undoing a merge (issue 18)."""
