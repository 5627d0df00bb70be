"""Claims as plain records, for bulk decisions.

A bulk run's checks and actions read and set a claim's attributes; they never need the ORM's
identity map, change events or cascades. Loading each claim, its lines and its people as ORM
objects and expunging them again cost more than the decision itself, so the decisions that
touch only the claim's and its lines' own columns (``PLAIN``) run on :class:`Record`\\ s: the
row's values as attributes, plus what was read, so that the write (``writes.write_record``)
sends exactly the columns that changed. The member, patient, chronic approval and membership
type ride along read-only, as the engine reads them; scale items are the ORM's (reference
data, read once per run).
"""

from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import scope_query
from app.models import (
    ChronicRequest,
    Claim,
    ClaimItem,
    Dependent,
    Member,
    MembershipType,
    ScaleItem,
)

# Decisions that change only columns of the claim and its lines (and add the audit event).
PLAIN = frozenset({"start_review", "recommend", "approve", "reject"})
# Of those, the ones that read the lines, the people and the scale (the engine, or the lines).
WITH_LINES = frozenset({"recommend", "approve", "reject"})


class Record:
    """One row's values as attributes, the values it was read with and the names set since."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self.__dict__["_read"] = values
        self.__dict__["_set"] = set()

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value
        self._set.add(name)

    def changes(self) -> dict[str, Any]:
        """The columns set to another value since the row was read, with their new values (a
        value set again to what it was is no change)."""
        now, read = self.__dict__, self._read
        return {name: now[name] for name in self._set
                if name in read and now[name] is not read[name] and now[name] != read[name]}


def _records(result: Any) -> list[Record]:
    keys = tuple(result.keys())
    return [Record(dict(zip(keys, row, strict=True))) for row in result]


def _columns(model: type) -> tuple[Any, ...]:
    """The model's columns, labelled with its attribute names (which the services use)."""
    return tuple(prop.columns[0].label(prop.key) for prop in sa.inspect(model).column_attrs)


_CLAIM, _ITEM = _columns(Claim), _columns(ClaimItem)
_MEMBER, _DEPENDENT = _columns(Member), _columns(Dependent)
_CHRONIC, _MTYPE = _columns(ChronicRequest), _columns(MembershipType)


def _by_id(session: Session, columns: tuple, model: type, ids: Iterable[int]) -> dict:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    result = session.connection().execute(
        sa.select(*columns).where(sa.inspect(model).primary_key[0].in_(wanted)))
    return {record.id: record for record in _records(result)}


class ChunkReader:
    """Reads chunks of claims as records for one bulk run; keeps the run's reference rows
    (membership types, scale items), which do not change while it works."""

    def __init__(self, session: Session, actor: Any, action: str) -> None:
        self.session, self.actor, self.with_lines = session, actor, action in WITH_LINES
        self.membership_types: dict[int, Record] = {}
        self.scale_items: dict[int, ScaleItem] = {}

    def read(self, ids: list[int]) -> dict[int, Record]:
        session = self.session
        query = scope_query(sa.select(*_CLAIM).where(Claim.id.in_(ids)), Claim, self.actor)
        claims = {claim.id: claim for claim in _records(session.connection().execute(query))}
        if self.with_lines and claims:
            self._people(claims.values())
            self._lines(claims)
        return claims

    def _people(self, claims: Iterable[Record]) -> None:
        claims = list(claims)
        members = _by_id(self.session, _MEMBER, Member, (c.member_id for c in claims))
        missing = {m.membership_type_id for m in members.values()} - set(self.membership_types)
        self.membership_types.update(_by_id(self.session, _MTYPE, MembershipType, missing))
        for member in members.values():
            member.membership_type = self.membership_types[member.membership_type_id]
        dependents = _by_id(self.session, _DEPENDENT, Dependent, (c.dependent_id for c in claims))
        chronic = _by_id(self.session, _CHRONIC, ChronicRequest,
                         (c.chronic_request_id for c in claims))
        for claim in claims:
            claim.member = members[claim.member_id]
            claim.dependent = dependents.get(claim.dependent_id)
            claim.chronic_request = chronic.get(claim.chronic_request_id)

    def _lines(self, claims: dict[int, Record]) -> None:
        lines = _records(self.session.connection().execute(
            sa.select(*_ITEM).where(ClaimItem.claim_id.in_(list(claims)))
            .order_by(ClaimItem.claim_id, ClaimItem.line_no, ClaimItem.id)))
        for claim in claims.values():
            claim.items = []
        wanted = {line.scale_item_id for line in lines} - set(self.scale_items) - {None}
        if wanted:
            # ORM rows: the engine asks them their claim types (a method of the model).
            self.scale_items.update((row.id, row) for row in self.session.scalars(
                sa.select(ScaleItem).where(ScaleItem.id.in_(sorted(wanted)))))
        for line in lines:
            line.scale_item = self.scale_items.get(line.scale_item_id)
            claims[line.claim_id].items.append(line)
