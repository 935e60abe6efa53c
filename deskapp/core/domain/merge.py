"""The merge journal: which customer was merged into which, and what moved (migration 0010)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base, utcnow


class CustomerMerge(Base):
    """One merge of ``other`` into ``keep``; while ``unmerged_at`` is empty, ``other`` is a tombstone.

    ``journal`` (JSON text) holds what the merge moved and changed, so an unmerge can put it back:
    the ids of the rows that moved per table and column, the phone, e-mail and alert rows it
    removed as duplicates, the positions of the lists, and the kept customer's fields before.
    """

    __tablename__ = "customer_merge"
    id: Mapped[int] = mapped_column(primary_key=True)
    keep_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    merged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    journal: Mapped[str] = mapped_column(Text)
    unmerged_at: Mapped[dt.datetime | None]
    unmerged_by: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
