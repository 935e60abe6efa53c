"""deskapp: a desktop service-desk assistant for customer-service representatives."""

__version__ = "0.1.0"
APP_ID = "io.github.deskapp.Deskapp"
