"""The demo desk's use of its knowledge base and responses, so the usage figures have something to show.

Deterministic (a seeded generator over the cases in id order) and added once: a rerun of the demo
that finds any use recorded adds none.
"""

from __future__ import annotations

import random

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from deskapp.core.domain.knowledge import Article, ArticleFlag, LibraryUse, UseKind
from deskapp.core.domain.library import Response
from deskapp.core.domain.models import Agent, Case, Customer

ARTICLE_SHARE = 0.45  # of the cases, the share where a rep used an article
RESPONSE_SHARE = 0.6
FLAGS = (
    ("maria", "luzon.high-bill", "fil", "May bagong rate simula ngayong buwan; luma na ang nasa artikulo."),
    ("jose", "iberia.change-delivery-date", "es", "El recargo ya no es de 25 €, ahora son 20 €."),
)


def add_demo_usage(engine: Engine, seed: int, cases: int = 1200) -> int:
    """Record articles and responses used on the first ``cases`` cases, and two open flags; how many uses."""
    rng = random.Random(seed)
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(LibraryUse)):
            return 0
        by_brand: dict[int | None, list[int]] = {}
        for article_id, brand_id in session.execute(select(Article.id, Article.brand_id).order_by(Article.key)):
            by_brand.setdefault(brand_id, []).append(article_id)
        responses = list(session.scalars(select(Response.id).order_by(Response.key)))
        rows = session.execute(
            select(Case.id, Case.brand_id, Case.owner_id, Case.opened_at, Customer.preferred_locale)
            .join(Customer, Customer.id == Case.customer_id)
            .where(Case.owner_id.is_not(None))
            .order_by(Case.id)
            .limit(cases)
        ).all()
        added = 0
        for case_id, brand_id, owner_id, opened_at, locale in rows:
            choices = by_brand.get(brand_id, []) + by_brand.get(None, [])
            used = {"case_id": case_id, "agent_id": owner_id, "locale": locale, "used_at": opened_at}
            if choices and rng.random() < ARTICLE_SHARE:
                session.add(LibraryUse(kind=UseKind.ARTICLE, article_id=rng.choice(choices), **used))
                added += 1
            if responses and rng.random() < RESPONSE_SHARE:
                session.add(LibraryUse(kind=UseKind.RESPONSE, response_id=rng.choice(responses), **used))
                added += 1
        agents = dict(session.execute(select(Agent.username, Agent.id)).all())
        articles = dict(session.execute(select(Article.key, Article.id)).all())
        for username, key, locale, comment in FLAGS:
            if username in agents and key in articles:
                session.add(
                    ArticleFlag(article_id=articles[key], locale=locale, agent_id=agents[username], comment=comment)
                )
        session.commit()
        return added
