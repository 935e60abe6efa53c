"""The representative's desk: one object the window talks to, every call a short session.

The UI runs these methods on its background worker; each opens its own session and returns plain
rows, so no ORM object crosses threads. Importing this module pulls in SQLAlchemy, which is why
the window imports it only after it has painted.
"""

from __future__ import annotations

from deskapp.core.domain.enums import CaseStatus, Channel, Priority, PurchasePhase, SupportStage
from deskapp.core.services.cases import cases
from deskapp.core.services.cases import feedback as case_feedback
from deskapp.core.services.customers import editing as customers
from deskapp.core.services.customers import lookup
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.customers.lookup import LookupPage
from deskapp.core.services.desk_library import LibraryDesk
from deskapp.core.services.desk_notes import NotesDesk


class Desk(LibraryDesk, NotesDesk):
    """Opens the database and offers the rep's operations.

    The connection and who acts are :class:`~.desk_session.DeskSession`'s; responses and call
    scripts :class:`~.desk_library.LibraryDesk`'s; notes and drafts :class:`~.desk_notes.NotesDesk`'s.
    """

    # --- lookup and customers -------------------------------------------------------------
    def lookup(self, query: str, limit: int = 50) -> list[lookup.LookupRow]:
        """Customers matching what the rep typed (the acting agent needs ``customer.lookup``).

        Raises:
            PermissionDenied: The account is disabled or unknown, or its role may not look customers up.
        """
        return self._read_as_agent(lookup.find_customers, query, limit=limit)

    def lookup_page(self, query: str, limit: int = 50) -> LookupPage:
        """:meth:`lookup`, and whether more customers match than the page shows."""
        return self._read_as_agent(lookup.find_customer_page, query, limit=limit)

    def profile(self, customer_id: int) -> customer_profiles.ProfileRow:
        """The customer's profile."""
        return self._read_as_agent(customer_profiles.customer_profile, customer_id)

    def update_customer(self, customer_id: int, changes: dict[str, str],
                        expected_version: int) -> customer_profiles.ProfileRow:
        """Save the rep's changes; raises ``CustomerConflict`` (both versions) if someone saved first."""
        return self.as_agent(customers.update_customer, customer_id, dict(changes), expected_version)

    def case_history(self, customer_id: int, open_only: bool = False) -> list[cases.CaseRow]:
        """The customer's cases, newest first."""
        return self._read_as_agent(cases.case_history, customer_id, open_only)

    # --- cases ----------------------------------------------------------------------------
    def case_customer(self, case_id: int) -> int:
        """The customer a case belongs to."""
        return self.as_agent(cases.get_case, case_id).customer_id

    def open_case(self, customer_id: int, subject: str, phase: PurchasePhase, stage: SupportStage,  # noqa: PLR0917
                  channel: Channel, priority: Priority = Priority.NORMAL) -> cases.CaseRow:
        """Open a new case owned by the acting agent."""
        return self.as_agent(cases.open_case, customer_id, subject, phase, stage, channel, priority)

    def set_status(self, case_id: int, status: CaseStatus, expected_version: int) -> cases.CaseRow:
        """Move a case to ``status`` (fails with a conflict if someone changed it meanwhile)."""
        return self.as_agent(cases.set_status, case_id, status, expected_version)

    def assign_to_me(self, case_id: int, expected_version: int) -> cases.CaseRow:
        """Make the acting agent the case's owner."""
        return self.as_agent(cases.assign, case_id, self.agent_id, expected_version)

    def record_feedback(self, case_id: int, score: int) -> case_feedback.FeedbackRow:
        """Store the customer's satisfaction score (1-5); a second one for the case needs a supervisor."""
        return self.as_agent(case_feedback.record_feedback, case_id, score)
