"""Walking the audit chain: the first event altered, removed or inserted.

The events are read in id order a page at a time (keyset pages), so memory stays the same at
any length. Each event's hash is recomputed from its fields, and its link compared with the
hash of the event before it. Ids are given one after the other by the chain head, so a gap in
them tells a removal from an event altered together with its hash. After the walk the chain
head (moved in the same transaction as every append) must name the last event: more events
after it were inserted, fewer means the last ones were removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.models import AuditChainHead, AuditEvent
from app.services.audit.chain import GENESIS, HEAD_ID, ROW_FIELDS, event_hash

PAGE_SIZE = 5000
_EVENT = AuditEvent.__table__
_HEAD = AuditChainHead.__table__

ALTERED = "altered"
REMOVED = "removed"
INSERTED = "inserted"


@dataclass(frozen=True)
class Finding:
    problem: str  # ALTERED, REMOVED or INSERTED
    event_id: int | None  # the event altered or inserted; for a removal, the event after the gap
    message: str


@dataclass(frozen=True)
class Verification:
    events: int
    last_id: int | None
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.finding is None


def event_rows(connection: Connection, after_id: int = 0,
               page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """Every event with an id above ``after_id``, in id order, one page in memory at a time."""
    columns = [_EVENT.c[name] for name in ROW_FIELDS]
    while True:
        page = connection.execute(
            sa.select(*columns).where(_EVENT.c.id > after_id).order_by(_EVENT.c.id)
            .limit(page_size)
        ).all()
        yield from page
        if len(page) < page_size:
            return
        after_id = page[-1].id
        del page  # before the next page is read: one page in memory at a time, not two


class _Walk:
    """The walk's state: the last two events that held (a row inserted with a good link shows
    only at the event after it, which links to the one before)."""

    def __init__(self) -> None:
        self.count = 0
        self.last_id: int | None = None
        self.last_hash = GENESIS
        self.before_last_hash: str | None = None

    def check(self, row: Any, following: Any | None) -> Finding | None:
        if event_hash(row._mapping) != row.hash:
            return Finding(ALTERED, row.id, f"Event {row.id} was altered: its fields do not "
                                            f"give its hash.")
        if row.previous_hash != self.last_hash:
            return self._broken_link(row, following)
        self.before_last_hash, self.last_hash = self.last_hash, row.hash
        self.last_id = row.id
        self.count += 1
        return None

    def _broken_link(self, row: Any, following: Any | None) -> Finding:
        if self.last_id is not None and row.previous_hash == self.before_last_hash:
            return Finding(INSERTED, self.last_id,
                           f"Event {self.last_id} was inserted: event {row.id} links to the "
                           f"event before it.")
        if following is not None and following.previous_hash == self.last_hash:
            return Finding(INSERTED, row.id, f"Event {row.id} was inserted: event "
                                             f"{following.id} links to the event before it.")
        expected_id = (self.last_id or 0) + 1
        if row.id > expected_id:
            first, last = expected_id, row.id - 1
            which = f"event {first}" if first == last else f"events {first} to {last}"
            return Finding(REMOVED, row.id, f"Events were removed: {which}, before event "
                                            f"{row.id}.")
        return Finding(ALTERED, self.last_id,
                       f"Event {self.last_id} was altered (its hash recomputed): event "
                       f"{row.id} does not link to it.")


def _walk_rows(walk: _Walk, rows: Iterator[Any]) -> Finding | None:
    row = next(rows, None)
    while row is not None:
        following = next(rows, None)
        finding = walk.check(row, following)
        if finding is not None:
            return finding
        row = following
    return None


def verify_chain(connection: Connection, page_size: int = PAGE_SIZE) -> Verification:
    walk = _Walk()
    finding = _walk_rows(walk, event_rows(connection, 0, page_size))
    # Events committed during the walk move the head on: walk them too, then compare.
    for _ in range(100):
        if finding is not None:
            break
        head = connection.execute(
            sa.select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == HEAD_ID)
        ).first()
        head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
        last_id = walk.last_id or 0
        if head_id == last_id:
            if head_hash != walk.last_hash:
                finding = Finding(ALTERED, walk.last_id, "The chain head does not match the "
                                  "last event: the head or the last event was altered.")
            break
        if head_id < last_id:
            inserted = connection.execute(
                sa.select(sa.func.min(_EVENT.c.id)).where(_EVENT.c.id > head_id)
            ).scalar_one()
            finding = Finding(INSERTED, inserted, f"Event {inserted} was inserted: the chain "
                              f"ends at event {head_id}.")
            break
        before = walk.count
        finding = _walk_rows(walk, event_rows(connection, last_id, page_size))
        if finding is None and walk.count == before:
            which = (f"event {head_id}" if head_id == last_id + 1
                     else f"events {last_id + 1} to {head_id}")
            finding = Finding(REMOVED, None, f"Events were removed at the end: {which}.")
    return Verification(walk.count, walk.last_id, finding)
