"""Typed SQLAlchemy models and the enums they use."""
