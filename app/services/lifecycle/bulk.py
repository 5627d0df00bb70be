"""One transition for many claims: each claim in its own transaction, re-checked at that moment.

The checks and the transition are the ones a single transition runs (``apply_transition``);
what a bulk run saves is the ORM's overhead around them. Claims are read a chunk at a time
with their member, patient and lines (a few queries per chunk, not per claim) and stay in the
session across the per-claim commits. In each claim's transaction the claim's version is read
again: a claim changed since its chunk was read is reloaded before it is checked, and a change
racing the write makes the version-guarded UPDATE fail, so nothing is applied to a claim on a
stale view. The changes go out as plain statements (``writes.write_claim``), or through the
ORM's flush when they are of a kind those do not cover.
"""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.access import scope_query
from app.extensions import db
from app.models import Claim
from app.services import audit
from app.services.adjudication.reference import reference_snapshot
from app.services.checklists import checklist_snapshot
from app.services.errors import DomainError, NotFound
from app.services.lifecycle.rules import actor_snapshot
from app.services.lifecycle.service import (
    ADJUDICATING,
    WORKING_OPTIONS,
    BulkOutcome,
    apply_transition,
    changed_meanwhile,
    transition_named,
)
from app.services.lifecycle.writes import write_claim

CHUNK = 200  # claims read at once; their lines and people come in a few more queries
_VERSION = sa.select(Claim.__table__.c.version).where(
    Claim.__table__.c.id == sa.bindparam("claim_id")
)


def perform_bulk(
    claim_ids: Iterable[int], action: str, actor: Any, **params: Any
) -> list[BulkOutcome]:
    """Apply one transition to many claims, each in its own transaction, re-checked at that
    moment; one refusal never undoes the others."""
    transition = transition_named(action)
    session = db.session()
    pending = deque(dict.fromkeys(claim_ids))
    outcomes = []
    # One rule set for the run: settings, categories, provider rates and the actor's roles and
    # linked member are read once; each claim is still checked in its own transaction.
    # The checklists too: items once per claim type, the run's answers in a few queries.
    with reference_snapshot(), checklist_snapshot(pending), _kept_across_commits(session):
        actor = actor_snapshot(session, actor)
        while pending:
            chunk = [pending.popleft() for _ in range(min(CHUNK, len(pending)))]
            loaded = _load_chunk(session, chunk, actor, action)
            for position, claim_id in enumerate(chunk):
                claim = loaded.get(claim_id)
                if claim is not None and sa.inspect(claim).expired:
                    # A rollback expired what the chunk had read: read the rest anew.
                    pending.extendleft(reversed(chunk[position:]))
                    break
                number = claim.claim_number if claim is not None else None
                try:
                    if claim is None:
                        raise NotFound("No such claim.")
                    outcomes.append(_perform_one(session, transition, claim, actor, params))
                except DomainError as error:
                    outcomes.append(BulkOutcome(claim_id, number, False, None, error.message))
    audit.record_run(session, "claim", action, actor, outcomes)  # one event for the run
    return outcomes


def _perform_one(
    session: Session, transition: Any, claim: Claim, actor: Any, params: dict[str, Any]
) -> BulkOutcome:
    """One claim's transaction. The claim was read with its chunk: if it changed since, the
    version-guarded write fails, or a refusal finds a newer version; either way the claim is
    read again and the transition checked and applied to it as it is now, once."""
    claim_id, fresh = claim.id, False
    while True:
        try:
            outcome = apply_transition(session, transition, claim, actor, params)
            if not write_claim(session, claim):
                session.flush()
            session.commit()
            return outcome
        except StaleDataError:
            session.rollback()
            if fresh:
                raise changed_meanwhile() from None
        except DomainError:
            version = claim.version
            session.rollback()
            if fresh or _current_version(session, claim_id) in (version, None):
                raise
        except Exception:
            session.rollback()
            raise
        claim, fresh = _reload(session, claim_id, actor, transition.name), True


def _current_version(session: Session, claim_id: int) -> int | None:
    version = session.connection().execute(_VERSION, {"claim_id": claim_id}).scalar()
    session.rollback()  # a read: leave no transaction open
    return version


def _query(ids: list[int], actor: Any, action: str) -> sa.Select:
    query = sa.select(Claim).where(Claim.id.in_(ids))
    if action in ADJUDICATING:
        query = query.options(*WORKING_OPTIONS)
    return scope_query(query, Claim, actor).execution_options(populate_existing=True)


def _load_chunk(session: Session, ids: list[int], actor: Any, action: str) -> dict[int, Claim]:
    return {claim.id: claim for claim in session.scalars(_query(ids, actor, action)).unique()}


def _reload(session: Session, claim_id: int, actor: Any, action: str) -> Claim:
    claim = session.scalars(_query([claim_id], actor, action)).unique().first()
    if claim is None:
        raise NotFound("No such claim.")
    return claim


@contextmanager
def _kept_across_commits(session: Session) -> Iterator[None]:
    """Keep what a chunk read loaded across its claims' commits (a commit would otherwise
    expire it and every claim would be read again, one lazy load at a time); the session
    forgets it all when the run ends."""
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = before
        session.expire_all()
