"""The audit trail's hash chain: the canonical encoding of an event, and appending events.

Every event is appended by :func:`append_events`, whichever path writes it (the ORM's flush
through the hooks below, or the bulk runs' plain statements). It locks the one-row chain head
inside the writing transaction (``SELECT ... FOR UPDATE`` on PostgreSQL, whose row lock holds
every other writer until this transaction ends; an ``UPDATE`` on SQLite, whose write lock
serialises writers), gives the events the next ids, chains their hashes and moves the head. A
connection that appended before first tries to move the head from where it left it, which
takes the same lock in one statement. The head is held only from the first event written to
the commit, and the ORM's events are written after the flush's other rows, so
that the head is the last lock a transaction takes.

The encoding (the README's "The audit trail" repeats it for outsiders): the JSON
array ``["claimdesk-audit-1", occurred_at, actor_id, actor_name, ip_address, user_agent, action,
resource_type, resource_id, details, previous_hash]`` with no spaces (separators ``,`` and
``:``), non-ASCII characters as themselves, encoded in UTF-8; ``occurred_at`` as
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC), ``actor_id`` a number, ``details`` the stored JSON text
verbatim, absent values ``null``. ``hash`` is the SHA-256 of those bytes in lower-case hex; the
first event's ``previous_hash`` is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.models import AuditChainHead, AuditEvent
from app.models.base import utcnow
from app.services.prepared import Prepared

ENCODING_VERSION = "claimdesk-audit-1"
GENESIS = "0" * 64
HEAD_ID = 1
# The fields a hash covers, in the encoding's order (the id is not one: it is the position).
HASHED_FIELDS = ("occurred_at", "actor_id", "actor_name", "ip_address", "user_agent", "action",
                 "resource_type", "resource_id", "details")
ROW_FIELDS = ("id", *HASHED_FIELDS, "previous_hash", "hash")

_EVENT = AuditEvent.__table__
_HEAD = AuditChainHead.__table__
# What the database keeps of a string: the hash must cover exactly that.
_LENGTHS = {column.name: column.type.length for column in _EVENT.columns
            if isinstance(column.type, sa.String) and column.type.length}


def timestamp_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(row: Mapping[str, Any]) -> bytes:
    """The bytes an event's hash is taken over (see the module's docstring)."""
    values: list[Any] = [ENCODING_VERSION]
    for name in HASHED_FIELDS:
        value = row[name]
        if name == "occurred_at":
            value = timestamp_text(value)
        values.append(value)
    values.append(row["previous_hash"])
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(row)).hexdigest()


def _stored(value: Any, name: str) -> Any:
    """The value as the database will give it back."""
    if name == "occurred_at":
        if value is None:
            return utcnow()
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value
    if isinstance(value, str) and name in _LENGTHS:
        return value[:_LENGTHS[name]]
    return value


# Built once: on a bulk run these go out three times per claim and transition.
_LOCK = (sa.update(_HEAD).where(_HEAD.c.id == HEAD_ID).values(last_id=_HEAD.c.last_id)
         .returning(_HEAD.c.last_id, _HEAD.c.last_hash))
# PostgreSQL locks the row without writing a new version of it.
_LOCK_PG = (sa.select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == HEAD_ID)
            .with_for_update())
_MOVE = (sa.update(_HEAD).where(_HEAD.c.id == HEAD_ID)
         .values(last_id=sa.bindparam("new_id"), last_hash=sa.bindparam("new_hash")))
# Moves the head only if it is still where this connection last left it (id and hash: another
# writer may since have written as many events). Taking the row's lock with the move, it stands
# for lock_head and the move together: one statement instead of two for a writer that appends
# again and again (a bulk run), and a plain lock_head whenever someone else wrote meanwhile.
_MOVE_FROM = (sa.update(_HEAD)
              .where(_HEAD.c.id == HEAD_ID, _HEAD.c.last_id == sa.bindparam("old_id"),
                     _HEAD.c.last_hash == sa.bindparam("old_hash"))
              .values(last_id=sa.bindparam("new_id"), last_hash=sa.bindparam("new_hash")))
# Where the connection last left the head: a guess, checked by _MOVE_FROM, never trusted.
_HEAD_SEEN = "claimdesk_audit_head_seen"
_MOVE_FROM_RUN = Prepared(_MOVE_FROM)
_INSERT = sa.insert(_EVENT)
_INSERT_RUN = Prepared(_INSERT, column_keys=ROW_FIELDS)
_LAST_EVENT = sa.select(_EVENT.c.id, _EVENT.c.hash).order_by(_EVENT.c.id.desc()).limit(1)


def lock_head(connection: Connection) -> tuple[int, str]:
    """Lock the chain head until the transaction ends; give the last event's id and hash.

    SQLite: the UPDATE takes the database's write lock before the head is read (a read first
    could see a head that another writer moves before this one may write)."""
    postgres = connection.dialect.name == "postgresql"
    locking = _LOCK_PG if postgres else _LOCK
    row = connection.execute(locking).first()
    if row is None:  # a new database: the head starts at the last event (none: the genesis)
        last = connection.execute(_LAST_EVENT).first()
        dialect = postgresql if postgres else sqlite
        connection.execute(
            dialect.insert(_HEAD).values(
                id=HEAD_ID, last_id=last.id if last else 0,
                last_hash=(last.hash or GENESIS) if last else GENESIS,
            ).on_conflict_do_nothing(index_elements=["id"])
        )
        row = connection.execute(locking).one()
    return row.last_id, row.last_hash


def chain_rows(rows: Iterable[Mapping[str, Any]], last_id: int, last_hash: str) -> list[dict]:
    """The rows to insert after the event (last_id, last_hash): ids, links and hashes set."""
    chained = []
    for source in rows:
        row = {name: _stored(source.get(name), name) for name in HASHED_FIELDS}
        last_id += 1
        row["id"] = last_id
        row["previous_hash"] = last_hash
        row["hash"] = last_hash = event_hash(row)
        chained.append(row)
    return chained


def append_events(connection: Connection, rows: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Append events (mappings of the hashed fields; occurred_at defaults to now) to the chain
    in the connection's transaction; give the rows as written."""
    rows = list(rows)
    if not rows:
        return []
    seen = connection.info.get(_HEAD_SEEN)
    chained = chain_rows(rows, *seen) if seen else None
    if chained is None or _MOVE_FROM_RUN.rowcount(connection, {
            "old_id": seen[0], "old_hash": seen[1],
            "new_id": chained[-1]["id"], "new_hash": chained[-1]["hash"]}) != 1:
        last_id, last_hash = lock_head(connection)
        chained = chain_rows(rows, last_id, last_hash)
        connection.execute(_MOVE, {"new_id": chained[-1]["id"], "new_hash": chained[-1]["hash"]})
    _INSERT_RUN.many(connection, chained)
    # Kept even if this transaction rolls back: the next guess is then wrong and merely costs
    # the lock_head it would have cost anyway.
    connection.info[_HEAD_SEEN] = (chained[-1]["id"], chained[-1]["hash"])
    return chained


# --- Events added to an ORM session ----------------------------------------------------------
# They leave the session before its flush and are appended after the flush's other rows (or at
# once when the flush has nothing else to write), in the order they were added.

PENDING = "claimdesk_audit_pending"


def pending_events(session: Session) -> list[AuditEvent]:
    return session.info.setdefault(PENDING, [])


def write_pending(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    written = append_events(session.connection(),
                            [{name: getattr(e, name) for name in HASHED_FIELDS} for e in pending])
    for audit_event, row in zip(pending, written, strict=True):
        for name in ROW_FIELDS:
            setattr(audit_event, name, row[name])


@event.listens_for(Session, "before_flush")
def _take_events(session: Session, flush_context: Any, instances: Any) -> None:
    new_events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if new_events:
        new_events.sort(key=lambda obj: sa.inspect(obj).insert_order)
        for audit_event in new_events:
            session.expunge(audit_event)
        pending_events(session).extend(new_events)
    if session.info.get(PENDING) and not (session.new or session.dirty or session.deleted):
        write_pending(session)  # the flush itself will have nothing to do


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: Any) -> None:
    write_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction: Any) -> None:
    session.info.pop(PENDING, None)  # they described changes that did not happen
