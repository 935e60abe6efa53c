"""Coded values of a customer's profile, and their labels for people.

Gender and income band are stored as short codes ("male", "upper middle"), the way imports and
the demo write them; they are shown in the rep's language. Anything else in those fields, and
the free-text fields (occupation, lifestyle, alerts), is shown exactly as it was typed.
"""

from __future__ import annotations

from deskapp.core.i18n import N_, _

CODED_LABELS: dict[str, dict[str, str]] = {
    "gender": {
        "female": N_("Female"),
        "male": N_("Male"),
        "non-binary": N_("Non-binary"),
        "other": N_("Other gender"),
        "unknown": N_("Not stated"),
    },
    "income_band": {
        "low": N_("Low income"),
        "lower middle": N_("Lower-middle income"),
        "middle": N_("Middle income"),
        "upper middle": N_("Upper-middle income"),
        "high": N_("High income"),
    },
}


def _code(value: str) -> str:
    return " ".join(value.strip().casefold().replace("_", " ").split()).replace("non binary", "non-binary")


def profile_value_label(field: str, value: object) -> str:
    """``value`` of profile ``field`` for people: a known code translated, anything else as typed."""
    text = "" if value is None else str(value)
    label = CODED_LABELS.get(field, {}).get(_code(text))
    return _(label) if label is not None else text
