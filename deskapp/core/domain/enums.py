"""Closed vocabularies of the data model.

Values are stored as their lower-case string value, so the database stays readable and portable.
Labels are marked with ``N_`` and translated where they are shown.
"""

from __future__ import annotations

from enum import StrEnum

from deskapp.core.i18n import N_, _


class LabelledEnum(StrEnum):
    """A string enum whose members have a translatable label."""

    @property
    def label(self) -> str:
        """The member's label in the current UI language."""
        return _(self.msgid)

    @property
    def msgid(self) -> str:
        """The untranslated label, for a catalog other than the UI's (a document in the customer's language)."""
        return _LABELS.get(self.value, self.value)


class CustomerKind(LabelledEnum):
    EXTERNAL = "external"
    INTERNAL = "internal"


class Role(LabelledEnum):
    REP = "rep"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class PurchasePhase(LabelledEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class SupportStage(LabelledEnum):
    PLANNING = "planning"
    INSTALLATION = "installation"
    TRAINING = "training"
    TROUBLESHOOTING = "troubleshooting"
    MAINTENANCE = "maintenance"
    UPGRADING = "upgrading"
    DISPOSAL = "disposal"
    OTHER = "other"


class Channel(LabelledEnum):
    COUNTER = "counter"
    PHONE = "phone"
    ON_SITE = "on_site"
    EMAIL = "email"
    CHAT = "chat"
    SELF_SERVICE = "self_service"


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CaseStatus(LabelledEnum):
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class NoteKind(LabelledEnum):
    TEXT = "text"
    SCRIPT_RUN = "script_run"


class ResponseCategory(LabelledEnum):
    GREETING = "greeting"
    IDENTITY_CHECK = "identity_check"
    APOLOGY = "apology"
    TROUBLESHOOTING = "troubleshooting"
    INSTALLATION = "installation"
    TRAINING = "training"
    MAINTENANCE = "maintenance"
    UPGRADE = "upgrade"
    RETURN_DISPOSAL = "return_disposal"
    BILLING = "billing"
    INTERNAL_REQUEST = "internal_request"
    CLOSING = "closing"


_LABELS: dict[str, str] = {
    "external": N_("External"),
    "internal": N_("Internal"),
    "rep": N_("Representative"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrator"),
    "before": N_("Before purchase"),
    "during": N_("During purchase"),
    "after": N_("After purchase"),
    "planning": N_("Planning"),
    "installation": N_("Installation"),
    "training": N_("Training"),
    "troubleshooting": N_("Troubleshooting"),
    "maintenance": N_("Maintenance"),
    "upgrading": N_("Upgrading"),
    "disposal": N_("Disposal"),
    "other": N_("Other"),
    "counter": N_("Counter"),
    "phone": N_("Phone"),
    "on_site": N_("On site"),
    "email": N_("Email"),
    "chat": N_("Chat"),
    "self_service": N_("Self-service"),
    "low": N_("Low"),
    "normal": N_("Normal"),
    "high": N_("High"),
    "urgent": N_("Urgent"),
    "open": N_("Open"),
    "waiting": N_("Waiting"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
    "text": N_("Note"),
    "script_run": N_("Call script"),
    "greeting": N_("Greeting"),
    "identity_check": N_("Identity check"),
    "apology": N_("Apology and de-escalation"),
    "upgrade": N_("Upgrade"),
    "return_disposal": N_("Return and disposal"),
    "billing": N_("Billing"),
    "internal_request": N_("Internal request"),
    "closing": N_("Closing and feedback request"),
}
