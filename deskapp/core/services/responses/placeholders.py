"""Readable stand-ins for what a response cannot fill in yet: "«Refund amount»", never template code.

A preview is shown before the rep has typed the fill-ins, and a greeting may be used before a
customer is open. Template code (``{{ prompt.refund_amount | money('EUR') }}``) means nothing to a
rep, and an empty value reads as a slip ("Thank you for calling , my name is Anna"). So each
output tag that would show a missing fill-in, or an empty detail of the customer, case or brand,
becomes a label between guillemets in the text's own language. A tag with a ``default`` filter is
left alone: its template says itself what to show instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from deskapp.core.i18n import N_, load_catalog

# "{{ prompt.refund_amount | money('EUR') }}": a whole output tag, and the first value it shows.
_TAG = re.compile(r"\{\{-?(?P<inner>(?:(?!\}\}).)*?)-?\}\}", re.DOTALL)
_VALUE = re.compile(r"\b(prompt|customer|case|brand|agent)\.([A-Za-z_]\w*)")

# Labels of the context's details, in the text's language (the customer's, or the rep's beside it).
CONTEXT_LABELS: dict[tuple[str, str], str] = {
    ("brand", "name"): N_("brand name"),
    ("brand", "code"): N_("brand name"),
    ("customer", "given_name"): N_("customer's name"),
    ("customer", "family_name"): N_("customer's name"),
    ("customer", "display_name"): N_("customer's name"),
    ("customer", "account_number"): N_("account number"),
    ("customer", "organisation"): N_("organisation"),
    ("case", "reference"): N_("case reference"),
    ("case", "subject"): N_("case subject"),
    ("agent", "given_name"): N_("your name"),
    ("agent", "display_name"): N_("your name"),
}


def with_placeholders(body: str, locale: str, context: Mapping[str, Any], prompt_labels: Mapping[str, str]) -> str:
    """``body`` with each tag that would show nothing replaced by a readable label.

    Args:
        body: A response template.
        locale: The template's language, for the labels of the context's details.
        context: The values it will be rendered with (see ``context.template_context``).
        prompt_labels: Fill-ins not typed yet, by name, with their label in ``locale``.
    """
    gettext = load_catalog(locale).gettext

    def readable(match: re.Match[str]) -> str:
        inner = match.group("inner")
        value = _VALUE.search(inner)
        if value is None or "default" in inner:
            return match.group(0)
        group, name = value.groups()
        if group == "prompt":
            label = prompt_labels.get(name)
        else:
            known = context.get(group)
            empty = isinstance(known, Mapping) and not str(known.get(name) or "").strip()
            label = gettext(CONTEXT_LABELS[(group, name)]) if empty and (group, name) in CONTEXT_LABELS else None
        if label is None:
            return match.group(0)
        # Plain text in the template: no brace or percent sign that could start a tag.
        return "«" + (re.sub(r"[{}%#]", "", label).strip() or name) + "»"

    return _TAG.sub(readable, body)
