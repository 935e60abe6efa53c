"""The values a response or a call script is filled in with: customer, agent, case, brand, today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Agent, Brand, Case
from deskapp.core.domain.references import format_case_reference
from deskapp.core.errors import RecordNotFound
from deskapp.core.i18n import later
from deskapp.core.services.customers.profile import load_profile


def template_context(session: Session, customer: int | str | None, *, agent_id: int | None = None,
                     case_id: int | None = None, prompts: Mapping[str, Any] | None = None,
                     today: dt.date | None = None) -> dict[str, Any]:
    """Values for a template: what is not known (no case open, no given name) is "" so ``default`` applies.

    Internal, no actor: for services that checked their own action (:func:`render_response`, a
    call script's start). ``agent_id`` is the representative the text speaks as.
    """
    ctx: dict[str, Any] = {
        "customer": dict.fromkeys(("given_name", "family_name", "display_name", "account_number",
                                   "organisation", "preferred_locale"), ""),
        "agent": {"given_name": "", "display_name": ""},
        "case": {"reference": "", "subject": ""},
        "brand": {"name": "", "code": ""},
        "today": today or dt.date.today(),
        "prompt": dict(prompts or {}),
    }
    brand_id: int | None = None
    if customer is not None:
        profile = load_profile(session, customer)
        ctx["customer"] = {"given_name": profile.given_name, "family_name": profile.family_name,
                           "display_name": profile.display_name, "account_number": profile.account_number,
                           "organisation": profile.organisation or "", "preferred_locale": profile.preferred_locale}
        brand_id = profile.brand_id
    if agent_id is not None:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise RecordNotFound(later("This user account does not exist."))
        ctx["agent"] = {"given_name": agent.display_name.split(" ")[0], "display_name": agent.display_name}
    if case_id is not None:
        case = session.get(Case, case_id)
        if case is None:
            raise RecordNotFound(later("The case no longer exists."))
        ctx["case"] = {"reference": case.reference, "subject": case.subject}
        brand_id = brand_id or case.brand_id
    brand = session.get(Brand, brand_id) if brand_id is not None else None
    if brand is not None:
        ctx["brand"] = {"name": brand.name, "code": brand.code}
    return ctx


def case_reference(session: Session, case_id: int) -> str:
    """The reference a customer quotes for a case ("C-1042").

    Raises:
        RecordNotFound: No such case.
    """
    reference = session.scalar(select(Case.reference_number).where(Case.id == case_id))
    if reference is None:
        raise RecordNotFound(later("The case no longer exists."))
    return format_case_reference(reference)
