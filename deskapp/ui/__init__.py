"""The PySide6 user interface. Only this package (and the CLI that starts it) imports Qt."""
