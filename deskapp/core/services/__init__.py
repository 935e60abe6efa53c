"""Use cases: the only place that reads and writes the database for the UI and the CLI."""
