"""What erasing one customer row means, shared by the customer's own steps and their merge tombstones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from deskapp.core.domain.models import Customer, CustomerAlert, CustomerEmail, CustomerPhone
from deskapp.core.domain.privacy import CustomerErasure


def rowcount(result: object) -> int:
    """How many rows a bulk statement changed (0 where the driver cannot say)."""
    return int(getattr(result, "rowcount", 0) or 0)


def delete_contacts(session: Session, customer_id: int) -> int:
    """Delete the customer's phones, e-mail addresses and alerts."""
    return sum(rowcount(session.execute(delete(model).where(model.customer_id == customer_id)
                                        .execution_options(synchronize_session=False)))
               for model in (CustomerPhone, CustomerEmail, CustomerAlert))


def blank_customer(session: Session, customer_id: int, pseudonym: str, now: dt.datetime) -> int:
    """Empty the row: names, organisation, profile, search text; the account number becomes ``pseudonym``.

    The search index follows the search text (its triggers on SQLite; the trigram index and the
    prefix table's triggers on PostgreSQL), so lookup finds nothing of the customer any more.
    """
    return rowcount(session.execute(
        update(Customer).where(Customer.id == customer_id)
        .values(account_number=pseudonym, given_name="", family_name="", organisation=None,
                birth_year=None, age_band=None, gender=None, income_band=None, lifestyle=None, occupation=None,
                search_text="", family_key="", version_id=Customer.version_id + 1, updated_at=now)
        .execution_options(synchronize_session=False)))


def mark_erased(session: Session, customer_id: int, pseudonym: str, now: dt.datetime) -> None:
    """Record the erasure: notes, drafts, cases and edits refuse to be written for the customer from now on."""
    session.add(CustomerErasure(customer_id=customer_id, pseudonym=pseudonym, erased_at=now))
