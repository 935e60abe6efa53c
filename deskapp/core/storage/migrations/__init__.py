"""Alembic migration scripts (a package so importlib.resources finds them, frozen too)."""
