"""Exporting the audit trail: the events a filter selects, streamed as CSV or JSON Lines.

The rows are read in id (chain) order a page at a time after the last id sent (keyset pages),
so memory stays the same at any size, and only up to the last event that existed when the export
began: the export's own event, and events written meanwhile, are not in it. Each row carries its
chain hashes; ``occurred_at`` is written as the hash encoding writes it and ``details`` as stored,
so that an outsider can recompute every hash (README, "The audit trail").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import AuditEvent
from app.services import audit
from app.services.audit.chain import ROW_FIELDS, timestamp_text
from app.services.errors import ValidationFailed

PAGE_SIZE = 2000
FORMATS = {"csv": ("text/csv; charset=utf-8", "csv"),
           "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl")}
COLUMNS = ROW_FIELDS  # id, the hashed fields, previous_hash, hash

# A query of AuditEvent narrowed by the caller's filters and row rule (a FAB filter chain).
Narrow = Callable[[Any], Any]


@dataclass(frozen=True)
class AuditExport:
    format: str
    rows: int
    up_to_id: int
    mimetype: str
    filename: str
    lines: Iterator[str]


def check_format(name: str | None) -> str:
    name = (name or "csv").lower()
    if name not in FORMATS:
        raise ValidationFailed({"format": "Export as csv or jsonl."})
    return name


def _selected(session: Session, narrow: Narrow, up_to_id: int) -> sa.Select:
    """The filters and row rule as one statement, built once: the rows stream after the
    request's handler returned, when its user may no longer be loaded."""
    columns = [getattr(AuditEvent, name) for name in COLUMNS]
    return (narrow(session.query(AuditEvent)).filter(AuditEvent.id <= up_to_id)
            .with_entities(*columns).order_by(None).statement)


def event_pages(engine: sa.Engine, selected: sa.Select,
                page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """The selected events' rows (in COLUMNS' order), in id order, a page at a time.

    On a connection of its own, so that the rows can stream after the request's handler has
    returned and its session and context are gone."""
    after = 0
    with engine.connect() as connection:
        while True:
            page = connection.execute(selected.where(AuditEvent.id > after)
                                      .order_by(AuditEvent.id).limit(page_size)).all()
            yield from page
            if len(page) < page_size:
                return
            after = page[-1][0]
            del page  # before the next page is read: one page in memory at a time, not two


def _texts(row: Any) -> list[Any]:
    values = list(row)
    values[1] = timestamp_text(values[1])
    return values


def csv_lines(rows: Iterator[Any]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if value is None else value for value in _texts(row)])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(rows: Iterator[Any]) -> Iterator[str]:
    chunk: list[str] = []
    for row in rows:
        chunk.append(json.dumps(dict(zip(COLUMNS, _texts(row), strict=True)),
                                ensure_ascii=False) + "\n")
        if len(chunk) >= 500:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def export_lines(fmt: str, rows: Iterator[Any]) -> Iterator[str]:
    return csv_lines(rows) if fmt == "csv" else jsonl_lines(rows)


def start_export(session: Session, fmt: str, narrow: Narrow, filters: dict[str, Any],
                 actor: Any, page_size: int = PAGE_SIZE) -> AuditExport:
    """Count what the filters select, record the export (what, which filters, how many rows)
    and commit it, then give the lines to stream."""
    fmt = check_format(fmt)
    up_to_id = session.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEvent.id), 0))
                               ).scalar_one()
    selected = _selected(session, narrow, up_to_id)
    rows = session.execute(sa.select(sa.func.count()).select_from(selected.subquery())
                           ).scalar_one()
    audit.record(session, "auditevent.export", actor=actor, resource_type="auditevent",
                 details={"format": fmt, "filters": filters, "rows": rows,
                          "up_to_event": up_to_id})
    session.commit()
    mimetype, extension = FORMATS[fmt]
    return AuditExport(fmt, rows, up_to_id, mimetype, f"audit-trail-{up_to_id}.{extension}",
                       export_lines(fmt, event_pages(session.get_bind(), selected, page_size)))
