"""One transition for many claims: each claim in its own transaction, re-checked at that moment.

The checks and the transition are the ones a single transition runs (``apply_transition``);
what a bulk run saves is the overhead around them. Claims are read a chunk at a time with their
member, patient and lines (a few queries per chunk, not per claim): as plain records for the
decisions (``plain.PLAIN``: the checks, actions and engine only read and set attributes), as
ORM objects kept across the per-claim commits for the other transitions. Each claim is then
checked, changed and committed in its own transaction, on one connection kept for the run.
A claim changed by someone else after its chunk was read makes the version-guarded UPDATE fail,
or a refusal finds a newer version: the claim is read again and judged as it is now, so
nothing is applied to a claim on a stale view. The changes go out as plain statements
(``writes.write_record`` / ``writes.write_claim``), or through the ORM's flush when they are of
a kind those do not cover.
"""

from __future__ import annotations

from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

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
from app.services.lifecycle.plain import PLAIN, ChunkReader, Record
from app.services.lifecycle.rules import actor_snapshot
from app.services.lifecycle.service import (
    ADJUDICATING,
    WORKING_OPTIONS,
    BulkOutcome,
    apply_transition,
    changed_meanwhile,
    transition_named,
)
from app.services.lifecycle.writes import write_claim, write_record

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
    with reference_snapshot(), checklist_snapshot(pending), _kept_across_commits(session), \
            _one_connection(session) as begin:
        actor = actor_snapshot(session, actor)
        reader = (ChunkReader(session, actor, action) if action in PLAIN
                  else _OrmReader(session, actor, action))
        reader.begin = begin
        while pending:
            chunk = [pending.popleft() for _ in range(min(CHUNK, len(pending)))]
            loaded = _load_chunk(reader, chunk)
            for position, claim_id in enumerate(chunk):
                claim = loaded.get(claim_id)
                if _expired(claim):
                    # A rollback expired what the chunk had read: read the rest anew.
                    pending.extendleft(reversed(chunk[position:]))
                    break
                number = claim.claim_number if claim is not None else None
                try:
                    if claim is None:
                        raise NotFound("No such claim.")
                    outcomes.append(_perform_one(reader, transition, claim, params))
                except DomainError as error:
                    outcomes.append(BulkOutcome(claim_id, number, False, None, error.message))
    audit.record_run(session, "claim", action, actor, outcomes)  # one event for the run
    return outcomes


def _perform_one(reader: Any, transition: Any, claim: Any, params: dict[str, Any]) -> BulkOutcome:
    """One claim's transaction. The claim was read with its chunk: if it changed since, the
    version-guarded write fails, or a refusal finds a newer version; either way the claim is
    read again and the transition checked and applied to it as it is now, once."""
    session, actor = reader.session, reader.actor
    claim_id, fresh = claim.id, False
    while True:
        try:
            reader.begin()
            if isinstance(claim, Record):
                audit.collect_rows(session)  # write_record appends them
            outcome = apply_transition(session, transition, claim, actor, params)
            if isinstance(claim, Record):
                write_record(session, claim)
            elif not write_claim(session, claim):
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
            if fresh or _current_version(reader, claim_id) in (version, None):
                raise
        except Exception:
            session.rollback()
            raise
        claim, fresh = _reload(reader, claim_id), True


def _current_version(reader: Any, claim_id: int) -> int | None:
    reader.begin()
    session = reader.session
    version = session.connection().execute(_VERSION, {"claim_id": claim_id}).scalar()
    session.rollback()  # a read: leave no transaction open
    return version


def _expired(claim: Any) -> bool:
    """An ORM claim a rollback expired (records hold their values; their write is guarded)."""
    return claim is not None and not isinstance(claim, Record) and sa.inspect(claim).expired


class _OrmReader:
    """Chunks of claims as ORM objects, for transitions that need the ORM's flush (new rows,
    relationships); the decisions in ``plain.PLAIN`` read records instead."""

    def __init__(self, session: Session, actor: Any, action: str) -> None:
        self.session, self.actor, self.action = session, actor, action

    def read(self, ids: list[int]) -> dict[int, Claim]:
        query = sa.select(Claim).where(Claim.id.in_(ids))
        if self.action in ADJUDICATING:
            query = query.options(*WORKING_OPTIONS)
        query = scope_query(query, Claim, self.actor).execution_options(populate_existing=True)
        return {claim.id: claim for claim in self.session.scalars(query).unique()}


def _load_chunk(reader: Any, ids: list[int]) -> dict[int, Any]:
    reader.begin()
    return reader.read(ids)


def _reload(reader: Any, claim_id: int) -> Any:
    reader.begin()
    claim = reader.read([claim_id]).get(claim_id)
    if claim is None:
        raise NotFound("No such claim.")
    return claim


@contextmanager
def _one_connection(session: Session) -> Iterator[Callable[[], None]]:
    """One database connection for the whole run; each claim's transaction still begins and
    commits (or rolls back) on it. A transaction per claim would otherwise also take a
    connection from the pool and return it each time, with the pool's liveness check (a round
    trip to a PostgreSQL server) and its reset."""
    with session.get_bind().connect() as connection:

        def begin() -> None:
            # A transaction the session already has (the caller's, not yet committed) goes on
            # on its own connection; the next one begins on the run's.
            if not session.in_transaction():
                session.connection(bind_arguments={"bind": connection})

        try:
            yield begin
        finally:
            if session.in_transaction() and session.connection() is connection:
                session.rollback()  # the run stopped on an error: nothing of it stays open


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
