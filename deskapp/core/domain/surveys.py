"""What customer surveys add to the data model: who gave a score, and each brand's rating screen.

A satisfaction score (``Feedback``) is either given by the customer themselves (the counter's
rating screen, a post-call phone survey) or recorded by the rep at the end of a call; the
dashboard shows the two apart, as a rep grading their own call is not the customer's voice.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from deskapp.core.domain.base import Base

DEFAULT_BACKGROUND = "#1f4e79"
DEFAULT_FOREGROUND = "#ffffff"
DEFAULT_TIMEOUT_SECONDS = 45


class FeedbackSource(StrEnum):
    """Who gave a satisfaction score."""

    CUSTOMER = "customer"  # the customer, on the rating screen or in a phone survey
    REP = "rep"  # typed by the rep (call script, end of call); every score before surveys existed


class SurveyScreen(Base):
    """How a brand's customer rating screen looks and how long it waits for an answer."""

    __tablename__ = "survey_screen"
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand.id"), primary_key=True)
    background: Mapped[str] = mapped_column(String(7), default=DEFAULT_BACKGROUND)
    foreground: Mapped[str] = mapped_column(String(7), default=DEFAULT_FOREGROUND)
    timeout_seconds: Mapped[int] = mapped_column(default=DEFAULT_TIMEOUT_SECONDS)
