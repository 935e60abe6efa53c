"""Response and script templates: a Jinja2 sandbox with Babel filters and placeholder discovery.

* :func:`validate` / :func:`inspect` check a template when it is saved or imported.
* :func:`render` fills it in for one language.

Variables: ``customer``, ``agent``, ``case``, ``brand``, ``today``, ``prompt`` (see
:data:`VARIABLES`); filters ``date``, ``time``, ``number``, ``money(currency)`` format in the
language being rendered, ``default`` replaces a missing or (with ``true``) empty value.

Every render is bounded in time, memory and output; :mod:`.limits` names the limits and says
what bounds what.
"""

from __future__ import annotations

from deskapp.core.templating.checks import TemplateInfo, TemplateProblem, inspect, prompt_names, validate
from deskapp.core.templating.environment import FILTER_NAMES, VARIABLES, as_decimal
from deskapp.core.templating.limits import (
    MAX_CALL_DEPTH,
    MAX_ITERATIONS,
    MAX_OUTPUT_CHARS,
    MAX_VALUE_SIZE,
    RENDER_SECONDS,
    TemplateError,
    TemplateLimitError,
)
from deskapp.core.templating.render import MissingPrompt, render

__all__ = ["FILTER_NAMES", "MAX_CALL_DEPTH", "MAX_ITERATIONS", "MAX_OUTPUT_CHARS", "MAX_VALUE_SIZE",
           "RENDER_SECONDS", "VARIABLES", "MissingPrompt", "TemplateError", "TemplateInfo", "TemplateLimitError",
           "TemplateProblem", "as_decimal", "inspect", "prompt_names", "render", "validate"]
