"""Customers: lookup, profile, editing, import and export."""
