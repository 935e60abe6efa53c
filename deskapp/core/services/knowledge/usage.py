"""Using the knowledge base on a case, flagging what is wrong, and the usage figures for supervisors.

* :func:`use_article` gives the text a rep inserts into a note (the short answer in the customer's
  language and the article's reference) and links the article to the case.
* :func:`record_response_use` does the same bookkeeping for a scripted response.
* :func:`usage_report`: per article and response, how often it was used (by the case's brand and
  the language used), open flags, and the average satisfaction (CSAT) of the cases it was used on;
  items never used are listed with 0 uses.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import Article, ArticleFlag, LibraryUse, UseKind
from deskapp.core.domain.library import Response
from deskapp.core.domain.models import Agent, Brand, Case, Customer
from deskapp.core.domain.quality import Feedback
from deskapp.core.errors import InvalidInput, RecordNotFound
from deskapp.core.i18n import later, normalise_locale
from deskapp.core.security.permissions import require
from deskapp.core.services.kernel.audit import audit
from deskapp.core.services.kernel.dates import start_of_day
from deskapp.core.services.kernel.text import clean_text
from deskapp.core.services.knowledge.articles import article_detail, brand_codes, load_article

MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True, slots=True)
class ArticleInsert:
    """What goes into the note: ``text`` (short answer and reference) in ``locale``."""

    key: str
    locale: str
    reference: str
    text: str


@dataclass(frozen=True, slots=True)
class FlagRow:
    """An open "outdated / wrong" report."""

    id: int
    key: str
    title: str
    locale: str
    comment: str
    reporter: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class UsageRow:
    """How one article or response was used."""

    kind: UseKind
    key: str
    title: str
    brand: str | None
    uses: int
    by_brand: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    flags: int = 0
    csat: float | None = None
    csat_count: int = 0


def article_reference(key: str) -> str:
    """How a note cites an article ("KB nordtel.router-restart")."""
    return f"KB {key}"


def use_article(
    session: Session,
    actor_id: int,
    key: str,
    *,
    case_id: int | None,
    locale: str | None,
    brand_default: str | None = None,
) -> ArticleInsert:
    """The short answer to insert for the customer's ``locale`` (usual fallback), linked to the case (``kb.use``)."""
    require(session, actor_id, "kb.use")
    article = load_article(session, key)
    text = article_detail(session, article).best(normalise_locale(locale), brand_default)
    if case_id is not None and session.get(Case, case_id) is None:
        raise RecordNotFound(later("The case no longer exists."))
    session.add(
        LibraryUse(kind=UseKind.ARTICLE, article_id=article.id, case_id=case_id, agent_id=actor_id, locale=text.locale)
    )
    session.commit()
    answer = text.short_answer or text.title
    return ArticleInsert(
        key=key, locale=text.locale, reference=article_reference(key), text=f"{answer} ({article_reference(key)})"
    )


def record_response_use(session: Session, actor_id: int, key: str, *, case_id: int | None, locale: str) -> None:
    """Count a scripted response used on a case, in ``locale`` (``response.use``)."""
    require(session, actor_id, "response.use")
    response_id = session.scalar(select(Response.id).where(Response.key == key))
    if response_id is None:
        raise RecordNotFound(later("There is no response “{key}”.", key=key))
    session.add(
        LibraryUse(
            kind=UseKind.RESPONSE,
            response_id=response_id,
            case_id=case_id,
            agent_id=actor_id,
            locale=normalise_locale(locale) or locale,
        )
    )
    session.commit()


def flag_article(session: Session, actor_id: int, key: str, comment: str, locale: str) -> int:
    """Report an article as outdated or wrong, saying why (``kb.flag``); the flag's id."""
    require(session, actor_id, "kb.flag")
    text = clean_text(comment).strip()
    if not text:
        raise InvalidInput(later("Say what is outdated or wrong, so the article can be fixed."))
    article = load_article(session, key)
    flag = ArticleFlag(
        article_id=article.id,
        locale=normalise_locale(locale) or article.source_locale,
        agent_id=actor_id,
        comment=text[:MAX_COMMENT_CHARS],
    )
    session.add(flag)
    session.flush()
    audit(session, actor_id, "kb.flag", "kb_article", article.id, detail={"flag": flag.id})
    session.commit()
    return flag.id


def open_flags(session: Session, actor_id: int) -> list[FlagRow]:
    """Flags no one has resolved yet, oldest first (``kb.review_flags``)."""
    require(session, actor_id, "kb.review_flags")
    stmt = (
        select(ArticleFlag, Article.key, Agent.username)
        .join(Article, Article.id == ArticleFlag.article_id)
        .join(Agent, Agent.id == ArticleFlag.agent_id)
        .where(ArticleFlag.resolved_at.is_(None))
        .order_by(ArticleFlag.created_at, ArticleFlag.id)
    )
    rows = []
    for flag, key, username in session.execute(stmt).all():
        detail = article_detail(session, load_article(session, key))
        rows.append(
            FlagRow(
                id=flag.id,
                key=key,
                title=detail.best(flag.locale).title,
                locale=flag.locale,
                comment=flag.comment,
                reporter=username,
                created_at=flag.created_at,
            )
        )
    return rows


def resolve_flag(session: Session, actor_id: int, flag_id: int) -> None:
    """Mark a flag as dealt with (``kb.review_flags``)."""
    require(session, actor_id, "kb.review_flags")
    flag = session.get(ArticleFlag, flag_id)
    if flag is None:
        raise RecordNotFound(later("This flag no longer exists."))
    if flag.resolved_at is None:
        flag.resolved_at, flag.resolved_by_id = dt.datetime.now(dt.UTC), actor_id
        audit(session, actor_id, "kb.resolve_flag", "kb_article", flag.article_id, detail={"flag": flag.id})
    session.commit()


def usage_report(session: Session, actor_id: int, since: dt.date | None = None) -> list[UsageRow]:
    """Every article and response with its use since ``since`` (``report.view``); most used first."""
    require(session, actor_id, "report.view")
    start = start_of_day(since)
    codes = brand_codes(session)
    uses = select(
        LibraryUse.kind,
        func.coalesce(LibraryUse.article_id, LibraryUse.response_id).label("item"),
        LibraryUse.case_id,
        LibraryUse.locale,
        Case.brand_id,
    ).outerjoin(Case, Case.id == LibraryUse.case_id)
    if start is not None:
        uses = uses.where(LibraryUse.used_at >= start)
    counts: dict[tuple[UseKind, int], Counter[str]] = {}
    brands: dict[tuple[UseKind, int], Counter[str]] = {}
    cases: dict[tuple[UseKind, int], set[int]] = {}
    for kind, item, case_id, locale, case_brand in session.execute(uses):
        counts.setdefault((kind, item), Counter())[locale] += 1
        if case_id is not None:
            brands.setdefault((kind, item), Counter())[codes.get(case_brand, "")] += 1
            cases.setdefault((kind, item), set()).add(case_id)
    scores = _case_scores(session, {case for ids in cases.values() for case in ids})
    flags = dict(
        session.execute(
            select(ArticleFlag.article_id, func.count())
            .where(ArticleFlag.resolved_at.is_(None))
            .group_by(ArticleFlag.article_id)
        ).all()
    )
    items = [(UseKind.ARTICLE, a.id, a.key, _article_title(a), a.brand_id) for a in session.scalars(select(Article))]
    items += [(UseKind.RESPONSE, r.id, r.key, r.title, r.brand_id) for r in session.scalars(select(Response))]
    rows = []
    for kind, item_id, key, title, brand in items:
        by_language = counts.get((kind, item_id), Counter())
        feedback = [score for case in cases.get((kind, item_id), ()) for score in scores.get(case, ())]
        rows.append(
            UsageRow(
                kind=kind,
                key=key,
                title=title,
                brand=codes.get(brand) if brand else None,
                uses=sum(by_language.values()),
                by_brand=dict(sorted(brands.get((kind, item_id), Counter()).items())),
                by_language=dict(sorted(by_language.items())),
                flags=int(flags.get(item_id, 0)) if kind == UseKind.ARTICLE else 0,
                csat=round(sum(feedback) / len(feedback), 2) if feedback else None,
                csat_count=len(feedback),
            )
        )
    return sorted(rows, key=lambda r: (-r.uses, r.kind.value, r.key))


def _case_scores(session: Session, case_ids: set[int]) -> dict[int, list[int]]:
    scores: dict[int, list[int]] = {}
    ids = sorted(case_ids)
    for chunk in range(0, len(ids), 500):
        for case_id, score in session.execute(
            select(Feedback.case_id, Feedback.score).where(Feedback.case_id.in_(ids[chunk : chunk + 500]))
        ):
            scores.setdefault(case_id, []).append(score)
    return scores


def _article_title(article: Article) -> str:
    source = next((v for v in article.variants if v.locale == article.source_locale), None)
    return source.title if source else (article.variants[0].title if article.variants else article.key)


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """What the knowledge base needs to know of the open customer: language and brand."""

    locale: str | None
    brand: str | None
    brand_locale: str | None


def customer_context(session: Session, actor_id: int, customer_id: int | None) -> CustomerContext:
    """The customer's language, brand and the brand's language (``kb.use``); all ``None`` without one."""
    require(session, actor_id, "kb.use")
    if customer_id is None:
        return CustomerContext(None, None, None)
    row = session.execute(
        select(Customer.preferred_locale, Brand.code, Brand.default_locale)
        .join(Brand, Brand.id == Customer.brand_id)
        .where(Customer.id == customer_id)
    ).one_or_none()
    if row is None:
        raise RecordNotFound(later("This customer no longer exists."))
    return CustomerContext(row[0] or None, row[1], row[2])
