"""Privacy requests: the tombstone an erased customer leaves, and a brand's own retention period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base, utcnow


class CustomerErasure(Base):
    """A customer whose personal data was erased at their request or by retention (migration 0011).

    The customer row stays, emptied, so its cases keep counting in the statistics; ``pseudonym``
    (random, also the row's new account number) is how the audit log names it.
    """

    __tablename__ = "customer_erasure"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    erased_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BrandRetention(Base):
    """How long a brand keeps a customer with no case activity ("3y", "18m", "400d").

    Brands without a row use the period ``deskapp retention run --older-than`` gives.
    """

    __tablename__ = "brand_retention"
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10))
