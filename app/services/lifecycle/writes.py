"""Writing one claim's transition with plain statements, for bulk runs.

A transition changes a few columns of the claim and its lines and adds one audit event. The
ORM's flush writes that correctly but costs about two milliseconds of Python per claim, most of
a bulk run's time. Here the same changes go out as one version-guarded UPDATE of the claim, one
UPDATE per shape of line change and one INSERT of the event (``_write_events``, the one place a
bulk run inserts audit events). The changes are those a record noted (``write_record``, for
the decisions run on ``plain.Record``) or those in the ORM's own attribute history
(``write_claim``); for an ORM claim, anything of another kind (a new row other than the event,
a deletion, a changed relationship) is left to the ORM's flush: the caller falls back to it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ColumnProperty, Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import AuditEvent, Claim, ClaimItem
from app.models.base import utcnow
from app.services.audit import take_rows
from app.services.audit.chain import append_events
from app.services.invariants import derive_claim
from app.services.lifecycle.plain import Record
from app.services.prepared import Prepared

_CLAIM = Claim.__table__
_ITEM = ClaimItem.__table__
_EVENT = AuditEvent.__table__
# A record's changes are named by attribute; the statements name columns.
_COLUMN_OF = {model: {prop.key: prop.columns[0].name for prop in sa.inspect(model).column_attrs}
              for model in (Claim, ClaimItem)}
_statements: dict[tuple[str, frozenset[str]], Prepared] = {}


def _update_statement(table: sa.Table, columns: frozenset[str], guarded: bool) -> Prepared:
    """The UPDATE of these columns (``updated_at`` among them: see ``_update_rows``)."""
    key = (table.name, columns)
    statement = _statements.get(key)
    if statement is None:
        where = table.c.id == sa.bindparam("_id")
        if guarded:
            where = sa.and_(where, table.c.version == sa.bindparam("_version"))
        statement = Prepared(sa.update(table).where(where).values(
            {name: sa.bindparam(f"new_{name}") for name in columns}
        ))
        _statements[key] = statement
    return statement


def _column_changes(record: Any) -> dict[str, Any] | None:
    """The record's changed columns and their new values; None when a change is not a plain
    column (a relationship), which only the flush can write."""
    state = sa.inspect(record)
    changes = {}
    for key, before in state.committed_state.items():
        prop = state.mapper.get_property(key)
        if not isinstance(prop, ColumnProperty):
            return None
        value = state.dict.get(key)
        if before is not value and before != value:  # set again to the same value: no change
            changes[prop.columns[0].name] = value
    return changes


def write_claim(session: Session, claim: Claim) -> bool:
    """Write the claim's pending changes and the transition's audit event; False (nothing
    written) when they need the ORM's flush."""
    with session.no_autoflush:  # a lazy load must not flush what is being written here
        return _write(session, claim)


def _write(session: Session, claim: Claim) -> bool:
    if session.deleted:
        return False
    events = list(session.new)
    if any(not isinstance(record, AuditEvent) for record in events):
        return False
    if "items" in sa.inspect(claim).dict:
        derive_claim(claim, session)  # what the flush's invariants would derive
    else:  # lines not read, so not changed: only the claim's own derived field
        claim.treatment_date = claim.first_visit_date or claim.admission_date
    lines = set(sa.inspect(claim).dict.get("items", ()))
    dirty = [record for record in session.dirty if record is not claim]
    if any(record not in lines for record in dirty):
        return False
    claim_changes = _column_changes(claim)
    line_changes = [(line, _column_changes(line)) for line in dirty]
    if claim_changes is None or any(changes is None for _, changes in line_changes):
        return False

    connection = session.connection()
    _update_rows(connection, claim.id, claim.version, claim_changes,
                 [(line.id, changes) for line, changes in line_changes])
    _write_events(session, connection)
    session.expunge(claim)  # its lines go with it (cascade)
    return True


def write_record(session: Session, claim: Record) -> None:
    """Write a claim record's changes (``plain.Record``) and the transition's audit event:
    one version-guarded UPDATE of the claim, one UPDATE per shape of changed lines, the
    event's INSERT; anything else the transition added to the session goes through its flush.
    Raises StaleDataError when the claim changed since it was read."""
    lines = getattr(claim, "items", None)
    if lines is None:  # lines not read, so not changed: only the claim's own derived field
        claim.treatment_date = claim.first_visit_date or claim.admission_date
    else:
        derive_claim(claim, session)  # what the flush's invariants would derive
    connection = session.connection()
    claim_columns, line_columns = _COLUMN_OF[Claim], _COLUMN_OF[ClaimItem]
    _update_rows(connection, claim.id, claim.version,
                 {claim_columns[name]: value for name, value in claim.changes().items()},
                 [(line.id, {line_columns[name]: value for name, value in line.changes().items()})
                  for line in lines or ()])
    claim.version += 1
    _write_events(session, connection)
    if session.new or session.dirty or session.deleted:
        session.flush()


def _update_rows(connection: sa.Connection, claim_id: int, version: int,
                 claim_changes: dict[str, Any],
                 line_changes: list[tuple[int, dict[str, Any]]]) -> None:
    """One version-guarded UPDATE of the claim (its version moved on), one UPDATE per shape of
    changed lines; changes are by column name. Raises StaleDataError when the claim is no
    longer at ``version``."""
    # updated_at as the ORM's flush would set it (these statements run without SQLAlchemy's
    # column defaults), unless the change sets it itself.
    now = utcnow()
    claim_changes = {"updated_at": now, **claim_changes, "version": version + 1}
    statement = _update_statement(_CLAIM, frozenset(claim_changes), guarded=True)
    if statement.rowcount(connection, {**_new(claim_changes), "_id": claim_id,
                                       "_version": version}) != 1:
        raise StaleDataError("claim changed meanwhile")
    by_shape: dict[frozenset[str], list[dict[str, Any]]] = {}
    for line_id, changes in line_changes:
        if changes:
            changes = {"updated_at": now, **changes}
            by_shape.setdefault(frozenset(changes), []).append({**_new(changes), "_id": line_id})
    for shape, rows in by_shape.items():
        _update_statement(_ITEM, shape, guarded=False).many(connection, rows)


def _write_events(session: Session, connection: sa.Connection) -> None:
    """Append the transition's audit events to the chain (the one place a bulk run writes
    them): the rows collected by ``audit.record`` and any event added to the session as an ORM
    object, which the session then forgets so that its own flush has nothing left to do."""
    events = [record for record in session.new if isinstance(record, AuditEvent)]
    for event in events:
        session.expunge(event)
    append_events(connection, take_rows(session) + [_event_row(event) for event in events])


def _new(changes: dict[str, Any]) -> dict[str, Any]:
    return {f"new_{name}": value for name, value in changes.items()}


def _event_row(event: AuditEvent) -> dict[str, Any]:
    values = sa.inspect(event).dict
    row = {column.name: values[column.key] for column in _EVENT.columns
           if column.key in values}
    if row.get("occurred_at") is None:
        row.pop("occurred_at", None)  # the column's default applies
    return row
