"""Who may do what: one explicit matrix of actions by role, deny by default.

An action that is not in :data:`MATRIX` is denied to everyone, and so is a role that is not
listed for an action. Services call :func:`require` first thing, with the acting agent's id, so
a disabled or unknown account and a role without the right both stop before anything is read
or written.

Separation of duties: the administrator sets up accounts, imports and backs up; it does not work
cases or score reps. A person who does both has two accounts.

The console (``deskapp`` subcommands) acts as the built-in account :data:`CONSOLE_USERNAME`, an
administrator without a password. It may do what an administrator may, and also what an action
lists :data:`CONSOLE` for: the read-only library commands a terminal offers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from deskapp.core.domain.enums import Role
from deskapp.core.errors import PermissionDenied
from deskapp.core.i18n import N_, later

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.domain.models import Agent

REP, SUPERVISOR, ADMIN = Role.REP, Role.SUPERVISOR, Role.ADMIN
# The console's own entry in the matrix, beside the roles (it is not a role people are given).
CONSOLE = "console"
# The built-in account the console acts as; no person can sign in as it or be given its name.
CONSOLE_USERNAME = "console"
_ALL: frozenset[Role | str] = frozenset(Role)
_DESK: frozenset[Role | str] = frozenset({REP, SUPERVISOR})  # people who serve customers

# action -> roles allowed. Keep sorted by area; the test walks every entry.
MATRIX: Mapping[str, frozenset[Role | str]] = {
    "customer.lookup": _ALL,
    "customer.view": _ALL,
    "customer.edit": _DESK,
    "customer.import": frozenset({ADMIN}),
    "customer.export": frozenset({ADMIN}),
    "customer.erase": frozenset({ADMIN}),
    "customer.merge": frozenset({SUPERVISOR, ADMIN}),  # find duplicates, merge and unmerge (issue 18)
    "case.open": _DESK,
    "case.update": _DESK,
    "case.assign_self": _DESK,
    "case.assign_other": frozenset({SUPERVISOR}),
    "note.write": _DESK,
    "note.edit_own": _DESK,
    "note.history": _DESK,
    "draft.save": _DESK,
    "response.use": _DESK | {CONSOLE},  # ``deskapp responses list|render``
    "response.edit": frozenset({SUPERVISOR}),
    "script.run": _DESK | {CONSOLE},  # ``deskapp scripts list``
    "script.edit": frozenset({SUPERVISOR}),
    "library.import": frozenset({SUPERVISOR, ADMIN}),
    "library.export": frozenset({SUPERVISOR, ADMIN}),
    "kb.use": _DESK | {CONSOLE},  # ``deskapp kb list|search``
    "kb.flag": _DESK,
    "kb.edit": frozenset({SUPERVISOR}),
    "kb.review_flags": frozenset({SUPERVISOR}),
    "kb.import": frozenset({SUPERVISOR, ADMIN}),
    "kb.export": frozenset({SUPERVISOR, ADMIN}),
    "review.create": frozenset({SUPERVISOR}),
    "review.view_own": _DESK,
    "review.view_all": frozenset({SUPERVISOR}),
    "rubric.edit": frozenset({SUPERVISOR}),
    "call.log": _DESK | {CONSOLE},  # ``deskapp call``, ``deskapp cti serve``
    "call.view": _DESK | {CONSOLE},  # ``deskapp calls list``
    "callback.create": _DESK,
    "callback.view": _DESK | {CONSOLE},  # ``deskapp callbacks list``
    "callback.update": _DESK,
    "callback.report": frozenset({SUPERVISOR}),
    "callback.policy": frozenset({SUPERVISOR, ADMIN}),
    "feedback.record": _DESK,
    "feedback.correct": frozenset({SUPERVISOR}),
    "feedback.import": frozenset({SUPERVISOR, ADMIN}),  # ``deskapp feedback import`` (phone surveys)
    "survey.configure": frozenset({SUPERVISOR, ADMIN}),  # a brand's rating screen colours and timeout
    "report.view": frozenset({SUPERVISOR, ADMIN}),
    "audit.view": frozenset({SUPERVISOR, ADMIN}),
    "export.cases": frozenset({SUPERVISOR, ADMIN}),
    "user.manage": frozenset({ADMIN}),
    "user.own_password": _ALL,
    "backup.run": frozenset({ADMIN}),
    "demo.build": frozenset({ADMIN}),
}

# What each action is called in a "you may not …" message.
ACTION_LABELS: Mapping[str, str] = {
    "customer.lookup": N_("look up customers"),
    "customer.view": N_("view customer profiles"),
    "customer.edit": N_("change customer details"),
    "customer.import": N_("import customers"),
    "customer.export": N_("export customers"),
    "customer.erase": N_("erase customers' personal data"),
    "customer.merge": N_("merge duplicate customers"),
    "case.open": N_("open cases"),
    "case.update": N_("change cases"),
    "case.assign_self": N_("take cases"),
    "case.assign_other": N_("give cases to someone else"),
    "note.write": N_("write notes"),
    "note.edit_own": N_("edit notes"),
    "note.history": N_("see the revisions of notes"),
    "draft.save": N_("save drafts"),
    "response.use": N_("use responses"),
    "response.edit": N_("edit the response library"),
    "script.run": N_("run call scripts"),
    "script.edit": N_("edit call scripts"),
    "library.import": N_("import responses and call scripts"),
    "library.export": N_("export responses and call scripts"),
    "kb.use": N_("use the knowledge base"),
    "kb.flag": N_("flag knowledge-base articles"),
    "kb.edit": N_("edit the knowledge base"),
    "kb.review_flags": N_("review flagged articles"),
    "kb.import": N_("import knowledge-base articles"),
    "kb.export": N_("export knowledge-base articles"),
    "review.create": N_("review cases"),
    "review.view_own": N_("see your reviews"),
    "review.view_all": N_("see everyone's reviews"),
    "rubric.edit": N_("edit the QA rubric"),
    "call.log": N_("log phone calls"),
    "call.view": N_("see the call log"),
    "callback.create": N_("promise callbacks"),
    "callback.view": N_("see callbacks"),
    "callback.update": N_("snooze or finish callbacks"),
    "callback.report": N_("see everyone's overdue callbacks"),
    "callback.policy": N_("set when callbacks go to the team"),
    "feedback.record": N_("record customer feedback"),
    "feedback.correct": N_("correct customer feedback"),
    "feedback.import": N_("import phone survey answers"),
    "survey.configure": N_("set up the customer rating screen"),
    "report.view": N_("see reports"),
    "audit.view": N_("see the audit log"),
    "export.cases": N_("export cases"),
    "user.manage": N_("manage user accounts"),
    "user.own_password": N_("change your own password"),
    "backup.run": N_("back up the database"),
    "demo.build": N_("fill the database with demo data"),
}


def allowed(role: Role | str, action: str) -> bool:
    """Whether ``role`` may do ``action``; unknown actions and unknown roles are denied.

    Args:
        role: A :class:`Role` or its value ("rep", "supervisor", "admin"), or :data:`CONSOLE`.
        action: An action name such as ``"case.open"``.

    Returns:
        True only when the matrix lists the role for the action (the console: ``CONSOLE`` or
        ``ADMIN``).
    """
    roles = MATRIX.get(action, frozenset())
    if role == CONSOLE:
        return CONSOLE in roles or ADMIN in roles
    try:
        member = Role(role)
    except ValueError:
        return False
    return member in roles


def principal(agent: Agent) -> Role | str:
    """What the matrix knows ``agent`` as: :data:`CONSOLE` for the console's account, else its role."""
    return CONSOLE if agent.username == CONSOLE_USERNAME else agent.role


def denied_message(action: str) -> Callable[[], str]:
    """What writes the "not allowed" message for ``action`` in the current UI language."""
    label = ACTION_LABELS.get(action)
    return later("Your account is not allowed to {action}. Ask a supervisor or an administrator if you need "
                 "to.", action=later(label) if label else action)


def require(session: Session, agent_id: int, action: str) -> Agent:
    """The acting agent, after checking they exist, are active and their role may do ``action``.

    Args:
        session: An open session.
        agent_id: Who is acting (an unknown id is denied).
        action: The action from :data:`MATRIX`.

    Returns:
        The agent (for services that need their name or role).

    Raises:
        PermissionDenied: Unknown or disabled account, or the role may not do ``action``.
    """
    from deskapp.core.domain.models import Agent

    agent = session.get(Agent, agent_id)
    if agent is None or not agent.active:
        raise PermissionDenied(later("This user account does not exist or is disabled. Sign in again."))
    if not allowed(principal(agent), action):
        raise PermissionDenied(denied_message(action))
    return agent
