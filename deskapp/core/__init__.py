"""The Qt-free core of deskapp: data model, storage, search and services.

Nothing under this package may import Qt; an import-linter contract checks it.
"""
