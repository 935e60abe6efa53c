"""Render a checked template in one language, turning every failure into a message a rep can act on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError

from deskapp.core.errors import Message
from deskapp.core.i18n import later
from deskapp.core.templating.checks import inspect
from deskapp.core.templating.environment import compiled
from deskapp.core.templating.limits import TemplateError


class MissingPrompt(TemplateError):
    """A fill-in the template needs was not given; ``names`` lists them."""

    def __init__(self, message: Message, names: tuple[str, ...]) -> None:
        """Keep the message and the missing fill-ins' names."""
        super().__init__(message)
        self.names = names


def render(body: str, locale: str, context: Mapping[str, Any]) -> str:
    """Render ``body`` with ``context``, formatting dates, numbers and money in ``locale``.

    Args:
        body: A template; it is validated first, so a broken or unsafe one never runs.
        locale: The language of the text (the variant's locale), e.g. "fi".
        context: Values for ``customer``, ``agent``, ``case``, ``brand``, ``today`` and ``prompt``
            (mappings; missing data should be "" so that ``default(..., true)`` can replace it).

    Returns:
        The text.

    Raises:
        TemplateError: The template is invalid, reaches for internals, or a value cannot be formatted.
        TemplateLimitError: It went past a limit of :mod:`.limits` (time, size, loops, depth).
        MissingPrompt: A fill-in it uses has no value.
    """
    info = inspect(body)
    if info.problems:
        raise TemplateError(str(info.problems[0]))
    try:
        return compiled(locale, body).render(**context)
    except UndefinedError:
        given = context.get("prompt") or {}
        missing = tuple(name for name in info.prompts if name not in given)
        if missing:
            raise MissingPrompt(later("Fill in {names} first.", names=", ".join(missing)), missing) from None
        absent = [name for name in info.variables if name not in context]
        raise TemplateError(later("The text uses a value that is not available here: {names}.",
                                  names=", ".join(absent) or "?")) from None
    except SecurityError:
        raise TemplateError(later("The template tries to use something templates may not use.")) from None
    except TemplateError:
        raise
    except (RecursionError, MemoryError):  # a backstop: the limits stop both long before
        raise TemplateError(later("The template is too complex to fill in.")) from None
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as exc:
        raise TemplateError(later("The text could not be filled in: {reason}", reason=exc)) from None
