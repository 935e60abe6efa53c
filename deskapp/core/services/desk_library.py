"""The desk's scripted responses and call scripts (the window's response and script panels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from deskapp.core import errors
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.desk_session import DeskSession

if TYPE_CHECKING:
    # Imported where they are used: templates (Jinja2, Babel) and YAML cost ~0.2 s of the
    # worker's time before the first search, and a rep may never open a script that day.
    from deskapp.core.services.responses import responses
    from deskapp.core.services.scripts import call_scripts


@dataclass(frozen=True, slots=True)
class ResponsePreview:
    """A response filled in for the customer, and beside it in the rep's language."""

    detail: responses.ResponseDetail
    customer_locale: str
    customer_text: str
    rep_locale: str
    rep_text: str
    problem: str | None  # e.g. a fill-in still missing; the texts are then the templates


class LibraryDesk(DeskSession):
    """The rep's responses and call scripts, on :class:`DeskSession`."""

    def find_responses(self, query: str = "") -> list[responses.ResponseRow]:
        """Responses matching ``query`` (title, tags or text, any language)."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.list_responses, query)

    def response_preview(self, key: str, customer_id: int | None, case_id: int | None, rep_locale: str,
                         prompts: dict[str, str]) -> ResponsePreview:
        """Both texts the panel shows; with fill-ins missing, the templates and what is missing."""
        from deskapp.core.services.responses import responses
        from deskapp.core.templating.render import MissingPrompt

        me = self.agent_id

        def work(session: Session) -> ResponsePreview:
            detail = responses.get_response(session, me, key)
            pair = responses.side_by_side(session, me, key, self._customer_locale(session, customer_id), rep_locale)
            def preview(problem: str | None, placeholders: bool) -> ResponsePreview:
                texts = [responses.render_response(session, me, key, customer_id, locale=locale, answering_agent_id=me,
                                                   case_id=case_id, prompts=prompts, placeholders=placeholders,
                                                   mark_gaps=True)
                         for locale in (None, pair.rep.locale)]  # the customer's language, then the rep's
                return ResponsePreview(detail, texts[0].locale, texts[0].text, texts[1].locale, texts[1].text, problem)

            try:
                return preview(None, placeholders=False)
            except MissingPrompt as exc:
                # Fill-ins not typed yet show as «their label», never as template code (else the raw templates).
                try:
                    return preview(str(exc), placeholders=True)
                except errors.DeskappError:
                    return ResponsePreview(detail, pair.customer.locale, pair.customer.body, pair.rep.locale,
                                           pair.rep.body, str(exc))

        return self._run(work)

    def response_detail(self, key: str) -> responses.ResponseDetail:
        """A response with every language variant (for editing)."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.get_response, key)

    def save_variant(self, key: str, locale: str, title: str, body: str) -> responses.VariantRow:
        """Save one language of a response (supervisors); a broken template raises with line numbers."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.save_variant, key, locale, body, title=title)

    def render_response(self, key: str, customer_id: int | None, case_id: int | None,
                        prompts: dict[str, str]) -> responses.RenderedResponse:
        """The response filled in, in the customer's language, ready to insert."""
        from deskapp.core.services.responses import responses

        return self.as_agent(responses.render_response, key, customer_id, answering_agent_id=self.agent_id,
                             case_id=case_id, prompts=prompts, mark_gaps=True)

    def scripts(self) -> list[call_scripts.ScriptRow]:
        """The call scripts (newest version of each); the acting agent needs ``script.run``."""
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.list_scripts)

    def start_script(self, key: str, customer_id: int | None, case_id: int | None,
                     rep_locale: str) -> call_scripts.ScriptRun:
        """A run of script ``key`` for the customer, in their language (plain object, no session).

        Raises:
            PermissionDenied: The acting agent may not run call scripts.
        """
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.start_run, key, customer_id, rep_locale=rep_locale, case_id=case_id)

    def finish_script(self, case_id: int, run: call_scripts.ScriptRun) -> call_scripts.ScriptRunResult:
        """Store the run as a structured note on the case, and its satisfaction score (``script.run``)."""
        from deskapp.core.services.scripts import call_scripts

        return self.as_agent(call_scripts.finish_run, case_id, run)

    def _customer_locale(self, session: Session, customer_id: int | None) -> str:
        if customer_id is None:
            return "en"
        return customer_profiles.load_profile(session, customer_id).preferred_locale  # side_by_side checked
