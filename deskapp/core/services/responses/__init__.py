"""Scripted responses: the library, its variants per language, rendering."""
