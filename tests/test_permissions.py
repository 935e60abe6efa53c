"""The authorization matrix, walked whole: every role, the console, a disabled and an unknown account try
every service call.

Exactly the calls the matrix allows succeed; the others raise PermissionDenied before anything is
written (the audit log does not grow). Every public service function is found by inspection and
must either be in :data:`CALLS` (and take the acting agent as ``fn(session, actor_id: int, ...)``)
or be in :data:`NO_ACTOR` with the reason it needs none.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import deskapp.core.services
from deskapp.core.demo.builder import build_demo
from deskapp.core.domain.audit import AuditEvent
from deskapp.core.domain.base import utcnow
from deskapp.core.domain.calls import Callback, PhoneCall
from deskapp.core.domain.enums import CaseStatus, Channel, PurchasePhase, ResponseCategory, Role, SupportStage
from deskapp.core.domain.library import CallScript, Response, ResponseVariant
from deskapp.core.domain.merge import CustomerMerge
from deskapp.core.domain.models import Agent, Case, CaseNote, Customer, NoteRevision
from deskapp.core.domain.quality import Feedback, Review, Rubric
from deskapp.core.errors import PermissionDenied
from deskapp.core.i18n import set_locale
from deskapp.core.security import permissions
from deskapp.core.security.permissions import CONSOLE, MATRIX, allowed, require
from deskapp.core.services import backup, starter
from deskapp.core.services.auth import auth
from deskapp.core.services.calls import callbacks as call_backs
from deskapp.core.services.calls import log as call_log
from deskapp.core.services.calls import new_caller
from deskapp.core.services.calls.cti import CtiEvent
from deskapp.core.services.cases import cases
from deskapp.core.services.cases import export as case_export
from deskapp.core.services.cases import feedback as case_feedback
from deskapp.core.services.cases import summary as case_summary
from deskapp.core.services.customers import csv_import, editing, lookup
from deskapp.core.services.customers import profile as customer_profiles
from deskapp.core.services.kernel import integrity
from deskapp.core.services.kernel.actors import console_actor
from deskapp.core.services.knowledge import articles as kb_articles
from deskapp.core.services.knowledge import authoring as kb_authoring
from deskapp.core.services.knowledge import library as kb_library
from deskapp.core.services.knowledge import search as kb_search
from deskapp.core.services.knowledge import usage as kb_usage
from deskapp.core.services.merge import duplicates, merging, preview, unmerging
from deskapp.core.services.notes import diff as note_diff
from deskapp.core.services.notes import notes
from deskapp.core.services.notes import verify as note_verify
from deskapp.core.services.privacy import erase as privacy_erase
from deskapp.core.services.privacy import export as privacy_export
from deskapp.core.services.privacy import retention as privacy_retention
from deskapp.core.services.responses import library_io, responses
from deskapp.core.services.reviews import audit_log as audit
from deskapp.core.services.reviews import reports, reviews, sampling
from deskapp.core.services.scripts import call_scripts, definitions
from deskapp.core.services.surveys import answers as survey_answers
from deskapp.core.services.surveys import figures as survey_figures
from deskapp.core.services.surveys import phone_import
from tests.seeding import seed
from tests.test_catalogs import compiled

ROLES: tuple[Role | str, ...] = (Role.REP, Role.SUPERVISOR, Role.ADMIN, CONSOLE)
TINY_SCRIPT = {"title": {"en": "Tiny"}, "steps": [{"id": "bye", "say": {"en": "Goodbye."}, "final": True}]}
TINY_LIBRARY = ("format: deskapp-responses/1\nresponses:\n  - key: tiny.hello\n    title: Hello\n"
                "    category: greeting\n    variants:\n      en:\n        title: Hello\n        body: Hello!\n")
SCORES = {"greeting": 4, "identity_check": 3, "empathy": 2, "accuracy": 4, "resolution": 1, "closing": 0}


@dataclass
class World:
    """Ids every call needs; cases are made fresh per call so no call disturbs another."""

    engine: Engine
    rep: int
    other_rep: int
    supervisor: int
    customer: int
    tmp: Path

    def case(self, session: Session, owner: int | None = None, status: CaseStatus = CaseStatus.OPEN) -> Case:
        case = Case(customer_id=self.customer, brand_id=1, subject="Router", purchase_phase=PurchasePhase.AFTER,
                    support_stage=SupportStage.TROUBLESHOOTING, channel=Channel.PHONE,
                    owner_id=owner or self.rep, status=status, closed_at=utcnow())
        session.add(case)
        session.flush()
        return case

    def note(self, session: Session, author: int) -> int:
        case = self.case(session)
        note = CaseNote(case_id=case.id, author_id=author, created_at=utcnow())
        session.add(note)
        session.flush()
        for number, body in ((1, "first"), (2, "second")):
            moment = utcnow()
            seal = integrity.seal_revision(integrity.chain_key(session), None, author, moment, body)
            session.add(NoteRevision(note_id=note.id, number=number, body=body, author_id=author,
                                     created_at=moment, prev_hash=None, hash=seal.hash, body_salt=seal.body_salt,
                                     body_digest=seal.body_digest))
        session.flush()
        return note.id

    def person(self, session: Session, actor: int) -> int:
        """The actor if they exist (rows may name them), else the rep."""
        return actor if session.get(Agent, actor) is not None else self.rep


Call = Callable[[Session, World, int], object]


def _script(s: Session) -> None:
    if s.scalars(select(CallScript).where(CallScript.key == "tiny")).first() is None:
        s.add(CallScript(key="tiny", version=1, title="Tiny", definition=TINY_SCRIPT))
        s.flush()


def _start_script(s: Session, w: World, actor: int) -> object:
    _script(s)
    return call_scripts.start_run(s, actor, "tiny", w.customer, rep_locale="en")


def _get_script(s: Session, w: World, actor: int) -> object:
    _script(s)
    return call_scripts.get_script(s, actor, "tiny")


def _finish_script(s: Session, w: World, actor: int) -> object:
    run = call_scripts.ScriptRun(definitions.parse_script({"key": "tiny", **TINY_SCRIPT}))
    return call_scripts.finish_run(s, actor, w.case(s).id, run)


def _assign_other(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.assign(s, actor, case.id, w.other_rep, case.version_id)


def _assign_self(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.assign(s, actor, case.id, actor, case.version_id)


def _set_status(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    return cases.set_status(s, actor, case.id, CaseStatus.WAITING, case.version_id)


def _correct_feedback(s: Session, w: World, actor: int) -> object:
    case = w.case(s)
    s.add(Feedback(case_id=case.id, agent_id=w.rep, score=2, channel=Channel.PHONE, captured_at=utcnow()))
    s.flush()
    return case_feedback.record_feedback(s, actor, case.id, 4)


def _update_customer(s: Session, w: World, actor: int) -> object:
    version = s.scalar(select(Customer.version_id).where(Customer.id == w.customer)) or 1
    return editing.update_customer(s, actor, w.customer, {"occupation": f"role {actor}"}, version)


def _response(s: Session) -> str:
    if s.scalars(select(Response).where(Response.key == "tiny.hello")).first() is None:
        s.add(Response(key="tiny.hello", title="Hello", category=ResponseCategory.GREETING,
                       variants=[ResponseVariant(locale="en", title="Hello", body="Hello {{ customer.given_name }}!")]))
        s.flush()
    return "tiny.hello"


def _article(s: Session) -> str:
    from deskapp.core.domain.knowledge import Article, ArticleVariant

    if s.scalars(select(Article).where(Article.key == "tiny.kb")).first() is None:
        s.add(Article(key="tiny.kb", title_text="tiny kb", search_text="tiny kb router",
                      variants=[ArticleVariant(locale="en", title="Tiny", short_answer="Restart it.", body="Body")]))
        s.flush()
    return "tiny.kb"


def _flag(s: Session, w: World) -> int:
    from deskapp.core.domain.knowledge import Article, ArticleFlag

    article_id = s.scalar(select(Article.id).where(Article.key == _article(s)))
    flag = ArticleFlag(article_id=article_id, locale="en", agent_id=w.rep, comment="Old")
    s.add(flag)
    s.flush()
    return flag.id


TINY_KB = ("format: deskapp-kb/1\narticles:\n  - key: tiny.imported\n    audience: internal\n    variants:\n"
           "      en:\n        title: Imported\n        short_answer: Yes.\n        body: Body\n")


def _acknowledge(s: Session, w: World, actor: int) -> object:
    case = w.case(s, owner=w.person(s, actor), status=CaseStatus.CLOSED)
    rubric = Rubric(key="tiny", version=1, title="Tiny", criteria=[])
    s.add(rubric)
    s.flush()
    review = Review(case_id=case.id, supervisor_id=w.supervisor, rubric_id=rubric.id, scores={}, total=0.0,
                    coaching_comment="", created_at=utcnow())
    s.add(review)
    s.flush()
    return reviews.acknowledge_review(s, actor, review.id)


def _import_customers(s: Session, w: World, actor: int) -> object:
    path = w.tmp / f"customers-{actor}.csv"
    path.write_text("account_number,kind,given_name,family_name,organisation,email,phone,preferred_locale,brand\n"
                    f"FI-9{actor % 100_000:05d},external,Aino,Aalto,,,,fi,nordtel\n", encoding="utf-8")
    return csv_import.import_customers(w.engine, actor, path)


def _phone_surveys(s: Session, w: World, actor: int) -> object:
    path = w.tmp / f"ivr-{actor}.csv"
    path.write_text(f"case_ref,score,answered_at\n{w.case(s).reference},4,2026-12-01T10:00:00Z\n", encoding="utf-8")
    return phone_import.import_phone_surveys(s, actor, path)


def _own_password(s: Session, w: World, actor: int) -> object:
    agent = s.get(Agent, actor)  # the console has no password of its own: it sets jose's (user.manage)
    own = agent is not None and agent.username != "console"
    return auth.set_password(s, actor, agent.username if own and agent else "jose", "a new long password")


def _pair(s: Session) -> tuple[int, int]:
    """Two fresh records of one person (each merge call needs its own)."""
    made = [Customer(brand_id=1, account_number=f"MG-{uuid.uuid4().hex[:12]}", given_name="Aino", family_name="Aalto")
            for _i in range(2)]
    s.add_all(made)
    s.flush()
    return made[0].id, made[1].id


def _unmerge(s: Session, w: World, actor: int) -> object:
    keep, other = _pair(s)  # merged as a journal row alone: the call under test writes the first audit event
    s.add(CustomerMerge(keep_id=keep, other_id=other, agent_id=w.supervisor, merged_at=utcnow(),
                        journal='{"lists": {}, "removed": {}, "moved": {}, "keep_before": {}}'))
    s.flush()
    return unmerging.unmerge_customer(s, actor, other)
def _logged_call(s: Session) -> str:
    """A missed call in the log (added directly: no audit event), for the services that act on one."""
    call = PhoneCall(call_id=call_log.new_call_id(), number="+358401234567", direction="in", missed=True)
    s.add(call)
    return call.call_id


def _callback(s: Session, w: World) -> int:
    due = utcnow() - dt.timedelta(minutes=1)
    callback = Callback(due_at=due, first_due_at=due, customer_id=w.customer, created_by=w.rep, owner_id=w.rep)
    s.add(callback)
    s.flush()  # the id the service is given
    return callback.id
CTI_EVENT = CtiEvent(event="newCall", call_id="perm-1", direction="in", from_number="+358401234567", to_number="1",
                     user=None, cause=None, answering_number=None)


# (action the call needs, the service, call). Every public service function that takes an actor is here.
CALLS: list[tuple[str, Callable[..., Any], Call]] = [
    ("customer.lookup", lookup.find_customers, lambda s, w, a: lookup.find_customers(s, a, "makinen")),
    ("customer.lookup", lookup.find_customer_page, lambda s, w, a: lookup.find_customer_page(s, a, "makinen")),
    ("customer.view", customer_profiles.customer_profile,
     lambda s, w, a: customer_profiles.customer_profile(s, a, w.customer)),
    ("customer.view", cases.case_history, lambda s, w, a: cases.case_history(s, a, w.customer)),
    ("customer.view", cases.get_case, lambda s, w, a: cases.get_case(s, a, w.case(s).id)),
    ("customer.view", cases.busiest_customer, lambda s, w, a: cases.busiest_customer(s, a)),
    ("customer.view", notes.case_notes, lambda s, w, a: notes.case_notes(s, a, w.case(s).id)),
    ("customer.edit", editing.update_customer, _update_customer),
    ("customer.view", duplicates.likely_duplicates, lambda s, w, a: duplicates.likely_duplicates(s, a, w.customer)),
    ("customer.merge", duplicates.find_duplicates, lambda s, w, a: duplicates.find_duplicates(s, a)),
    ("customer.merge", preview.merge_preview, lambda s, w, a: preview.merge_preview(s, a, *_pair(s))),
    ("customer.merge", merging.merge_customers, lambda s, w, a: merging.merge_customers(s, a, *_pair(s))),
    ("customer.merge", unmerging.unmerge_customer, _unmerge),
    ("customer.merge", unmerging.absorbed_customers, lambda s, w, a: unmerging.absorbed_customers(s, a, w.customer)),
    ("customer.import", csv_import.import_customers, _import_customers),
    ("customer.export", csv_import.export_customers,
     lambda s, w, a: csv_import.export_customers(w.engine, a, w.tmp / f"customers-out-{a}.csv")),
    ("customer.export", privacy_export.export_customer_data,
     lambda s, w, a: privacy_export.export_customer_data(s, a, "FI-000001", w.tmp / f"data-{a}.json")),
    ("customer.erase", privacy_erase.find_customer, lambda s, w, a: privacy_erase.find_customer(s, a, "FI-000001")),
    ("customer.erase", privacy_erase.erase_customer,
     lambda s, w, a: privacy_erase.erase_customer(s, a, "FI-000001", "request 1", scrub=False)),
    ("customer.erase", privacy_erase.scrub, lambda s, w, a: privacy_erase.scrub(s, a)),
    ("customer.erase", privacy_retention.retention_candidates,
     lambda s, w, a: privacy_retention.retention_candidates(s, a, "3y")),
    ("customer.erase", privacy_retention.run_retention,
     lambda s, w, a: privacy_retention.run_retention(s, a, "3y", dry_run=True)),
    ("customer.erase", privacy_retention.set_brand_retention,
     lambda s, w, a: privacy_retention.set_brand_retention(s, a, "nordtel", "2y")),
    ("case.open", cases.open_case, lambda s, w, a: cases.open_case(s, a, w.customer, "Subject", "after", "other",
                                                                     "phone")),
    ("case.update", cases.set_status, _set_status),
    ("case.assign_self", cases.assign, _assign_self),
    ("case.assign_other", cases.assign, _assign_other),
    ("call.log", call_log.record_call, lambda s, w, a: call_log.record_call(s, a, "+358 40 123 4567")),
    ("call.log", call_log.cti_event, lambda s, w, a: call_log.cti_event(s, a, CTI_EVENT)),
    ("call.log", call_log.mark_seen, lambda s, w, a: call_log.mark_seen(s, a, _logged_call(s))),
    ("call.log", call_log.link_case, lambda s, w, a: call_log.link_case(s, a, _logged_call(s), w.case(s).id)),
    ("call.view", call_log.list_calls, lambda s, w, a: call_log.list_calls(s, a, missed=True)),
    ("call.view", call_log.find_call, lambda s, w, a: call_log.find_call(s, a, "nope")),
    ("call.view", call_log.find_caller, lambda s, w, a: call_log.find_caller(s, a, "040 123 4567")),
    ("customer.edit", new_caller.brand_choices, lambda s, w, a: new_caller.brand_choices(s, a)),
    ("customer.edit", new_caller.add_caller, lambda s, w, a: new_caller.add_caller(
        s, a, "+358 40 765 4321", given_name="Uuno", family_name="Uusi", brand_code="nordtel")),
    ("callback.create", call_backs.create_callback,
     lambda s, w, a: call_backs.create_callback(s, a, utcnow(), customer_id=w.customer)),
    ("callback.view", call_backs.list_callbacks, lambda s, w, a: call_backs.list_callbacks(s, a, due=True)),
    ("callback.view", call_backs.due_for_me, lambda s, w, a: call_backs.due_for_me(s, a)),
    ("callback.view", call_backs.agent_by_username, lambda s, w, a: call_backs.agent_by_username(s, a, "anna")),
    ("callback.update", call_backs.snooze_callback, lambda s, w, a: call_backs.snooze_callback(
        s, a, _callback(s, w), utcnow() + dt.timedelta(minutes=15))),
    ("callback.update", call_backs.complete_callback,
     lambda s, w, a: call_backs.complete_callback(s, a, _callback(s, w))),
    ("callback.report", call_backs.overdue_by_rep, lambda s, w, a: call_backs.overdue_by_rep(s, a)),
    ("callback.policy", call_backs.set_team_after, lambda s, w, a: call_backs.set_team_after(s, a, "nordtel", 45)),
    ("feedback.record", case_feedback.record_feedback,
     lambda s, w, a: case_feedback.record_feedback(s, a, w.case(s).id, 5, credited_agent_id=w.rep)),
    ("feedback.record", case_feedback.stage_feedback,
     lambda s, w, a: case_feedback.stage_feedback(s, a, w.case(s).id, 5)),
    ("feedback.correct", case_feedback.record_feedback, _correct_feedback),
    ("feedback.record", survey_answers.screen_setup, lambda s, w, a: survey_answers.screen_setup(s, a, w.case(s).id)),
    ("feedback.record", survey_answers.record_customer_answer,
     lambda s, w, a: survey_answers.record_customer_answer(s, a, w.case(s).id, 4, language="fi")),
    ("feedback.import", phone_import.import_phone_surveys, _phone_surveys),
    ("survey.configure", survey_answers.set_screen_look,
     lambda s, w, a: survey_answers.set_screen_look(s, a, "nordtel", timeout_seconds=30)),
    ("note.write", notes.add_note, lambda s, w, a: notes.add_note(s, a, w.case(s).id, "text")),
    ("note.edit_own", notes.edit_note, lambda s, w, a: notes.edit_note(s, a, w.note(s, w.person(s, a)), "changed")),
    ("note.history", notes.note_history, lambda s, w, a: notes.note_history(s, a, w.note(s, w.rep))),
    ("note.history", note_diff.note_diff, lambda s, w, a: note_diff.note_diff(s, a, w.note(s, w.rep), 1, 2)),
    ("draft.save", notes.save_draft, lambda s, w, a: notes.save_draft(s, a, w.case(s).id, "typing")),
    ("draft.save", notes.discard_draft, lambda s, w, a: notes.discard_draft(s, a, w.case(s).id)),
    ("draft.save", notes.pending_drafts, lambda s, w, a: notes.pending_drafts(s, a)),
    ("response.use", responses.list_responses, lambda s, w, a: responses.list_responses(s, a, "hello")),
    ("response.use", responses.get_response, lambda s, w, a: responses.get_response(s, a, _response(s))),
    ("response.use", responses.side_by_side, lambda s, w, a: responses.side_by_side(s, a, _response(s), "fi", "en")),
    ("response.use", responses.render_response,
     lambda s, w, a: responses.render_response(s, a, _response(s), w.customer)),
    ("response.edit", responses.save_variant,
     lambda s, w, a: responses.save_variant(s, a, _response(s), "fi", "Hei!")),
    ("library.import", library_io.import_responses, lambda s, w, a: library_io.import_responses(s, a, TINY_LIBRARY)),
    ("library.import", call_scripts.import_scripts, lambda s, w, a: call_scripts.import_scripts(
        s, a, "format: deskapp-scripts/1\nscripts: []\n")),
    ("library.import", starter.load_starter_library, lambda s, w, a: starter.load_starter_library(s, a)),
    ("library.import", starter.ensure_library, lambda s, w, a: starter.ensure_library(s, a)),
    ("library.export", library_io.export_responses, lambda s, w, a: library_io.export_responses(s, a)),
    ("kb.use", kb_articles.list_articles, lambda s, w, a: kb_articles.list_articles(s, a)),
    ("kb.use", kb_articles.get_article, lambda s, w, a: kb_articles.get_article(s, a, _article(s))),
    ("kb.use", kb_articles.article_side_by_side, lambda s, w, a: kb_articles.article_side_by_side(
        s, a, _article(s), customer_locale="fi", rep_locale="en")),
    ("kb.use", kb_authoring.article_versions, lambda s, w, a: kb_authoring.article_versions(s, a, _article(s))),
    ("kb.use", kb_search.search_articles, lambda s, w, a: kb_search.search_articles(s, a, "router")),
    ("kb.use", kb_usage.use_article, lambda s, w, a: kb_usage.use_article(s, a, _article(s), case_id=w.case(s).id,
                                                                          locale="fi")),
    ("response.use", kb_usage.record_response_use, lambda s, w, a: kb_usage.record_response_use(
        s, a, _response(s), case_id=w.case(s).id, locale="en")),
    ("kb.flag", kb_usage.flag_article, lambda s, w, a: kb_usage.flag_article(s, a, _article(s), "Outdated", "en")),
    ("kb.review_flags", kb_usage.open_flags, lambda s, w, a: kb_usage.open_flags(s, a)),
    ("kb.review_flags", kb_usage.resolve_flag, lambda s, w, a: kb_usage.resolve_flag(s, a, _flag(s, w))),
    ("kb.edit", kb_articles.save_article, lambda s, w, a: kb_articles.save_article(
        s, a, "tiny.saved", "en", title="Saved", short_answer="Yes.", body="Body")),
    ("kb.edit", kb_authoring.draft_from_case, lambda s, w, a: kb_authoring.draft_from_case(s, a, w.case(s).id, "en")),
    ("kb.import", kb_library.import_articles, lambda s, w, a: kb_library.import_articles(s, a, TINY_KB)),
    ("kb.import", kb_library.load_starter_kb, lambda s, w, a: kb_library.load_starter_kb(s, a)),
    ("kb.import", kb_library.ensure_kb, lambda s, w, a: kb_library.ensure_kb(s, a)),
    ("kb.export", kb_library.export_articles, lambda s, w, a: kb_library.export_articles(s, a)),
    ("report.view", kb_usage.usage_report, lambda s, w, a: kb_usage.usage_report(s, a)),
    ("kb.use", kb_usage.customer_context, lambda s, w, a: kb_usage.customer_context(s, a, w.customer)),
    ("script.run", call_scripts.list_scripts, lambda s, w, a: call_scripts.list_scripts(s, a)),
    ("script.run", call_scripts.get_script, _get_script),
    ("script.run", call_scripts.start_run, _start_script),
    ("script.run", call_scripts.finish_run, _finish_script),
    ("review.create", reviews.create_review, lambda s, w, a: reviews.create_review(s, a, w.case(s).id, SCORES)),
    ("review.create", sampling.sampling_queue, lambda s, w, a: sampling.sampling_queue(s, a)),
    ("review.view_own", reviews.reviews_for_agent, lambda s, w, a: reviews.reviews_for_agent(s, a, a)),
    ("review.view_own", reviews.rubric_criteria, lambda s, w, a: reviews.rubric_criteria(s, a)),
    ("review.view_own", reviews.acknowledge_review, _acknowledge),
    ("review.view_all", reviews.reviews_for_agent, lambda s, w, a: reviews.reviews_for_agent(s, a, w.other_rep)),
    ("rubric.edit", reviews.save_rubric, lambda s, w, a: reviews.save_rubric(s, a, [
        {"key": "all", "weight": 1, "title": {"en": "Everything"}}])),
    ("rubric.edit", reviews.rubric_source, lambda s, w, a: reviews.rubric_source(s, a)),
    ("report.view", reports.csat_report, lambda s, w, a: reports.csat_report(s, a, "channel")),
    ("report.view", reports.volume_series, lambda s, w, a: reports.volume_series(s, a, "brand")),
    ("report.view", survey_figures.response_rates, lambda s, w, a: survey_figures.response_rates(s, a, "agent")),
    ("report.view", survey_figures.reason_counts, lambda s, w, a: survey_figures.reason_counts(s, a)),
    ("audit.view", audit.audit_events, lambda s, w, a: audit.audit_events(s, a)),
    ("customer.view", case_summary.case_summary, lambda s, w, a: case_summary.case_summary(s, a, w.case(s).id)),
    ("audit.view", note_verify.verify_history, lambda s, w, a: note_verify.verify_history(s, a)),
    ("export.cases", case_export.export_cases_csv,
     lambda s, w, a: case_export.export_cases_csv(s, a, w.tmp / f"cases-{a}.csv")),
    ("user.manage", auth.add_user, lambda s, w, a: auth.add_user(s, a, f"new{a}", "long enough")),
    ("user.manage", auth.list_users, lambda s, w, a: auth.list_users(s, a)),
    ("user.manage", auth.set_role, lambda s, w, a: auth.set_role(s, a, "jose", "supervisor")),
    ("user.manage", auth.disable_user, lambda s, w, a: auth.disable_user(s, a, "jose")),
    ("user.manage", auth.unlock_user, lambda s, w, a: auth.unlock_user(s, a, "jose")),
    ("user.manage", auth.set_password, lambda s, w, a: auth.set_password(s, a, "jose", "a new long password")),
    ("user.own_password", auth.set_password, _own_password),
    ("backup.run", backup.back_up, lambda s, w, a: backup.back_up(w.engine, a, w.tmp / f"backup-{a}.db")),
    ("demo.build", build_demo, lambda s, w, a: build_demo(w.engine, a, 0)),
]

# Public functions of deskapp.core.services that take a session or engine but no acting agent, and why.
NO_ACTOR: dict[str, str] = {
    "privacy.rows.delete_contacts": "internal: a step of erase_customer, after its check (customer.erase)",
    "privacy.rows.blank_customer": "internal: a step of erase_customer, after its check (customer.erase)",
    "privacy.rows.mark_erased": "internal: a step of erase_customer, after its check (customer.erase)",
    "privacy.linked.merged_into": "internal: the tombstones of the customer erase_customer checked",
    "privacy.linked.merges_section": "internal: a section of export_customer_data's document, after its check",
    "privacy.linked.calls_section": "internal: a section of export_customer_data's document, after its check",
    # Signing in is how one becomes an actor.
    "auth.auth.sign_in": "checks a password; nobody acts yet",
    "auth.auth.locked_until": "part of sign-in: whether a typed username may try now",
    # The search itself, for benchmarks and tools; the window and the console go through find_customers.
    "customers.lookup.lookup": "the search primitive behind find_customers (customer.lookup)",
    "customers.lookup.lookup_page": "the same search, telling whether more matched than shown",
    "responses.context.case_reference": "a case's public reference (C-1042): a code, no customer data",
    "knowledge.search.search_hits": "the search primitive behind search_articles (kb.use), for benchmarks",
    "knowledge.articles.load_article": "internal: the article row for services of knowledge/ that checked",
    "knowledge.articles.article_detail": "internal: the public form of an article a checked service loaded",
    "knowledge.articles.brand_codes": "brand ids and codes, no customer data",
    "knowledge.articles.brand_id": "a brand's id from its code, no customer data",
    # Writers and helpers that other services (or the import and demo) call after their own check.
    "customers.bulk.bulk_write_customers": "the bulk writer behind import_customers and the demo",
    "customers.store.write_customers": "the writer behind import_customers and the demo",
    "customers.csv_import.brand_defaults": "brand settings for import_customers, no customer data",
    "customers.regions.brand_regions": "the regions phone numbers are read in (brand codes and countries), for lookup",
    "customers.profile.load_profile": "internal: the profile for services that checked (template_context)",
    "cases.cases.load_case": "internal: the case row for services of cases/ that checked",
    "notes.notes.append_revision": "internal: a revision for add_note/finish_run after their check",
    "notes.notes.commit_note": "internal: commits the note add_note/edit_note/finish_run checked",
    "notes.notes.verify_chain": "an integrity check returning only a bool (tests, demo, support tools)",
    "responses.context.template_context": "internal: values for render_response/start_run after their check",
    # The kernel: who acts, and the record of it.
    "kernel.actors.active_agent": "checks that an agent a service names (not the actor) is active",
    "kernel.actors.console_actor": "creates the console's account, the actor of the console",
    "kernel.audit.audit": "the audit writer: records who acted, checks nothing",
    # Opening a desk and keeping it safe: nobody acts yet, or only the desk itself.
    "desk_open.pick_agent": "chooses who acts until sign-in (the OS user's account)",
    "desk_open.ensure_library": "loads the shipped library as the console, on a first run",
    "desk_open.pending_drafts": "the agent's own drafts at start, through notes.pending_drafts (draft.save)",
    "desk_open.desk_id": "a public name of the desk derived from its key; no customer data",
    "desk_open.opened_file": "which file the desk opened (a stat), no data",
    "customers.import_runs.import_in_progress": "whether an import runs (start time, a count): the status bar",
    "customers.import_runs.recover": "takes back a dead import's half-written rows at start, as the system",
    "calls.matching.normalise_number": "parses a number to E.164 (the brands' regions); no customer data",
    "calls.matching.match_customers": "internal: who has a number, for record_call/cti_event after their check",
    "kernel.integrity.add_audit_event": "the audit writer's chaining: links an event at flush, checks nothing",
    "kernel.integrity.find_key": "reads the desk's chain key for the services that hash, after their check",
    "kernel.integrity.chain_key": "the desk's chain key (made once) for the services that hash",
    "notes.verify.note_breaks": "internal: one note's chain for verify_chain and verify_history",
    "surveys.call_match.match_call": "internal: the call log lookup of import_phone_surveys after its check",
    "notes.notes.writable_case": "internal: locks and checks the case add_note/edit_note/save_draft/finish_run write",
    "privacy.erase.customer_by_account": "internal: the customer erase/export/find_customer name, after their check",
    "privacy.steps.note_ids_of": "internal: the notes of the cases erase_customer/find_customer checked",
    "privacy.scrub.scrub_storage": "cleans the files after erase_customer/scrub checked (customer.erase)",
    "kernel.tombstones.kept_ids": "which customers merged ones now are (ids only): lookup and profile",
    "kernel.tombstones.kept_id": "the same for one id",
    "customers.people.load_people": "internal: the customers find_duplicates, likely_duplicates and the import compare",
    "merge.duplicates.case_counts": "internal: case counts per customer for find_duplicates",
    "merge.preview.find_customer": "internal: a customer by id or account for the merge services",
    "merge.preview.merged_into": "internal: whether a customer is merged, for the merge services",
    "merge.preview.check_mergeable": "internal: the refusals of merge_preview and merge_customers",
    "merge.merging.bump_version": "internal: the optimistic version check of merge and unmerge",
    "merge.merging.move_back": "internal: unmerge_customer's restoring of moved rows",
    "merge.merging.reindex": "internal: search words of merged and unmerged customers",
}


def _service_functions() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    package = deskapp.core.services
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and any(kind in str(params[0].annotation) for kind in ("Session", "Engine")):
                found[f"{module.__name__.removeprefix(package.__name__ + '.')}.{name}"] = fn
    return found


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__.removeprefix('deskapp.core.services.')}.{fn.__name__}"


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    s = seed(engine)
    return World(engine=engine, rep=s.rep, other_rep=s.other_rep, supervisor=s.supervisor, customer=s.customer,
                 tmp=tmp_path)


def _agent(engine: Engine, role: Role | str, *, active: bool = True) -> int:
    with Session(engine) as session:
        if role == CONSOLE:
            return console_actor(session)
        agent = Agent(username=f"actor-{role}-{active}", display_name="Actor", role=Role(role), active=active)
        session.add(agent)
        session.commit()
        return agent.id


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize(("action", "call"), [pytest.param(a, c, id=f"{_name(f)}[{a}]") for a, f, c in CALLS])
def test_each_role_can_do_exactly_what_the_matrix_allows(world: World, role: Role | str, action: str,
                                                         call: Call) -> None:
    actor = _agent(world.engine, role)
    with Session(world.engine) as session:
        before = _audit_count(session)
        if allowed(role, action):
            call(session, world, actor)
            return
        with pytest.raises(PermissionDenied):
            call(session, world, actor)
        session.rollback()
        assert _audit_count(session) == before  # denied before anything was written


@pytest.mark.parametrize(("action", "call"), [pytest.param(a, c, id=f"{_name(f)}[{a}]") for a, f, c in CALLS])
def test_a_disabled_or_unknown_account_can_do_nothing(world: World, action: str, call: Call) -> None:
    disabled = _agent(world.engine, Role.SUPERVISOR, active=False)
    with Session(world.engine) as session:
        for actor in (disabled, 999_999):
            with pytest.raises(PermissionDenied, match="does not exist or is disabled"):
                call(session, world, actor)
            session.rollback()


def test_every_service_takes_the_actor_second_or_is_allowed_none() -> None:
    services = _service_functions()
    called = {_name(fn) for _action, fn, _call in CALLS} & set(services)  # build_demo is above the services
    assert not set(NO_ACTOR) - set(services), "stale entries in NO_ACTOR"
    unaccounted = sorted(set(services) - called - set(NO_ACTOR))
    assert unaccounted == [], "add these to CALLS (with the action they need) or, with a reason, to NO_ACTOR"
    for name in sorted(called):
        actor = list(inspect.signature(services[name]).parameters.values())[1]
        assert (actor.name, str(actor.annotation), actor.default, actor.kind) == (
            "actor_id", "int", inspect.Parameter.empty, inspect.Parameter.POSITIONAL_OR_KEYWORD), name


def test_every_action_is_in_the_matrix_tested_and_labelled() -> None:
    # script.edit: no service edits call scripts yet (they are imported, library.import).
    assert set(MATRIX) - {action for action, _fn, _call in CALLS} == {"script.edit"}
    assert set(permissions.ACTION_LABELS) == set(MATRIX)


def test_deny_by_default() -> None:
    assert not any(allowed(role, "case.delete") for role in ROLES)  # not in the matrix: nobody
    assert not allowed("root", "case.open")
    assert not allowed(Role.ADMIN, "case.open")  # separation of duties: admins do not work cases
    assert allowed(Role.ADMIN, "user.manage") and not allowed(Role.SUPERVISOR, "user.manage")
    assert allowed(CONSOLE, "user.manage") and not allowed(CONSOLE, "case.open")


def test_the_permission_fixes(world: World) -> None:
    admin = _agent(world.engine, Role.ADMIN)
    disabled = _agent(world.engine, Role.REP, active=False)
    with Session(world.engine) as s:
        key = _response(s)
        with pytest.raises(PermissionDenied, match="not allowed to edit the response library"):
            responses.save_variant(s, admin, key, "fi", "Hei!")
        with pytest.raises(PermissionDenied, match="not allowed to change customer details"):
            _update_customer(s, world, admin)
        with pytest.raises(PermissionDenied, match="does not exist or is disabled"):
            responses.render_response(s, disabled, key, world.customer)
        assert responses.save_variant(s, world.supervisor, key, "fi", "Hei!").revision == 1


def test_a_rep_records_feedback_once_and_a_supervisor_corrects_it(world: World) -> None:
    with Session(world.engine) as s:
        case_id = world.case(s).id
        s.commit()
        first = case_feedback.record_feedback(s, world.rep, case_id, 2, "slow")
        with pytest.raises(PermissionDenied, match=r"already recorded\. Ask a supervisor"):
            case_feedback.record_feedback(s, world.rep, case_id, 5)
        s.rollback()
        set_locale("fi", compiled("fi"))
        with pytest.raises(PermissionDenied) as denied:
            case_feedback.record_feedback(s, world.other_rep, case_id, 5)
        assert "already recorded" not in denied.value.message  # translated
        s.rollback()
        corrected = case_feedback.record_feedback(s, world.supervisor, case_id, 4, "typo in the score")
        assert (corrected.id, corrected.score, corrected.agent_id) == (first.id, 4, world.rep)
        assert s.scalars(select(Feedback.score)).all() == [4]
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.correct")).one()
        assert (event.agent_id, event.detail) == (world.supervisor, {"case": case_id, "from": 2, "to": 4})


def test_the_console_is_an_administrator_nobody_can_be(world: World) -> None:
    with Session(world.engine) as s:
        console = console_actor(s)
        assert console_actor(s) == console  # created once
        assert "console" not in {row.username for row in auth.list_users(s, console)}
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(s, "console", "")
        with pytest.raises(Exception, match="already taken"):
            auth.add_user(s, console, "Console", "long enough")
        admin = auth.add_user(s, console, "root", "long enough", role="admin")
        with pytest.raises(auth.LastAdministrator):  # the console does not count as an administrator
            auth.disable_user(s, console, admin.username)
        with pytest.raises(Exception, match="no user console"):
            auth.set_role(s, console, "console", "rep")
        events = s.scalars(select(AuditEvent.agent_id).where(AuditEvent.action == "user.add")).all()
        assert events == [console]  # the console's changes are audited as its own


def test_the_message_names_what_is_not_allowed(engine: Engine) -> None:
    rep = _agent(engine, Role.REP)
    with Session(engine) as session:
        with pytest.raises(PermissionDenied, match="not allowed to manage user accounts"):
            require(session, rep, "user.manage")
        set_locale("fi", compiled("fi"))
        with pytest.raises(PermissionDenied) as denied:
            require(session, rep, "backup.run")
        assert "varmuuskopioida tietokantaa" in denied.value.message  # translated, action and all
