"""What the audit log's event and record codes are called, in the UI language.

The log stores codes ("note.add", "case_note"); the supervisor reads words. A code this table
does not know yet (a newer version wrote it) is shown as stored.
"""

from __future__ import annotations

from deskapp.core.i18n import N_, _

ACTIONS: dict[str, str] = {
    "auth.sign_in": N_("Signed in"),
    "auth.sign_in_failed": N_("Sign-in failed"),
    "auth.sign_in_locked": N_("Sign-in refused: locked out"),
    "auth.unlock": N_("Account unlocked"),
    "backup.run": N_("Backup made"),
    "case.assign": N_("Case assigned"),
    "case.open": N_("Case opened"),
    "case.status": N_("Case status changed"),
    "customer.update": N_("Customer details changed"),
    "customer.import": N_("Customers imported"),
    "customer.export": N_("Customers exported"),
    "demo.build": N_("Demo data created"),
    "export.cases": N_("Cases exported"),
    "feedback.correct": N_("Feedback corrected"),
    "library.export": N_("Library exported"),
    "library.import": N_("Library imported"),
    "note.add": N_("Note added"),
    "note.edit": N_("Note edited"),
    "note.script_run": N_("Call script saved"),
    "response.save": N_("Response saved"),
    "review.acknowledge": N_("Review acknowledged"),
    "review.create": N_("Review saved"),
    "rubric.edit": N_("Rubric changed"),
    "user.add": N_("User account added"),
    "user.disable": N_("User account disabled"),
    "user.password": N_("Password changed"),
    "user.role_change": N_("Role changed"),
    "call.case": N_("Call linked to a case"),
    "call.log": N_("Call logged"),
    "call.seen": N_("Missed call marked as seen"),
    "callback.create": N_("Callback promised"),
    "callback.done": N_("Callback done"),
    "callback.policy": N_("Callback hand-over time changed"),
    "callback.snooze": N_("Callback snoozed"),
    "customer.create": N_("Customer added"),
    "customer.erase": N_("Customer's personal data erased"),
    "customer.export_data": N_("Customer's data exported"),
    "customer.merge": N_("Customers merged"),
    "customer.unmerge": N_("Customer merge undone"),
    "feedback.import": N_("Phone surveys imported"),
    "kb.export": N_("Knowledge base exported"),
    "kb.flag": N_("Article flagged"),
    "kb.import": N_("Knowledge base imported"),
    "kb.resolve_flag": N_("Article flag resolved"),
    "kb.save": N_("Article saved"),
    "retention.set": N_("Retention period changed"),
    "survey.configure": N_("Rating screen set up"),
}

RECORDS: dict[str, str] = {
    "agent": N_("User account"),
    "support_case": N_("Case"),
    "case_note": N_("Note"),
    "customer": N_("Customer"),
    "response": N_("Response"),
    "call_script": N_("Call script"),
    "review": N_("Review"),
    "rubric": N_("Rubric"),
    "feedback": N_("Feedback"),
    "database": N_("Database"),
    "demo": N_("Demo data"),
    "brand": N_("Brand"),
    "callback": N_("Callback"),
    "kb_article": N_("Article"),
    "phone_call": N_("Call"),
}


def action_label(code: str) -> str:
    """An event code in words ("note.add" → "Note added"), or the code when it is unknown."""
    label = ACTIONS.get(code)
    return _(label) if label is not None else code


def record_label(entity: str, entity_id: int | None) -> str:
    """The record an event is about ("case_note", 157 → "Note 157"); id 0 means no single record."""
    label = RECORDS.get(entity)
    name = _(label) if label is not None else entity
    return name if not entity_id else f"{name} {entity_id}"
