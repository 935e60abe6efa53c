"""File formats the desk reads and writes (CSV)."""
