"""Branching call scripts and their runs on a case."""
