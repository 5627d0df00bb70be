"""Reports and the claims list as downloads, each one audited: what was exported, with which
filters, in which format, and how many rows. The event is committed before the first byte is
sent, so a download interrupted half-way is still on record."""

from __future__ import annotations

from typing import Any, Mapping

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.services.audit import record
from app.services.errors import BadParameters
from app.services.reports import claims_list, run
from app.services.reports.base import parse_filters
from app.services.reports.render import FORMATS, ROW_FORMATS, FileOut, render_report, stream_rows


def fund_name() -> str:
    name = current_app.config.get("FUND_NAME") if has_app_context() else None
    return name or "Claimdesk"


def _format(raw: Any, allowed: tuple[str, ...]) -> str:
    fmt = str(raw or "").lower()
    if fmt not in allowed:
        raise BadParameters({"format": f"Choose one of: {', '.join(allowed)}."})
    return fmt


def export_report(session: Session, name: str, fmt: Any, args: Mapping[str, Any],
                  actor: Any) -> FileOut:
    fmt = _format(fmt, FORMATS)
    report = run(session, name, args)
    out = render_report(report, fmt, fund_name())
    record(session, "report.export", actor=actor, resource_type="report", resource_id=name,
           details={"format": fmt, "filters": report.filters.as_json(),
                    "rows": len(report.rows)})
    session.commit()
    return out


def export_claims(session: Session, fmt: Any, args: Mapping[str, Any], actor: Any) -> FileOut:
    """The claims list, streamed: the rows are read page by page while the response is sent."""
    fmt = _format(fmt, ROW_FORMATS)
    f = parse_filters(session, args)
    count = claims_list.count(session, f)
    out = stream_rows(f"claims-{f.date_from}-{f.date_to}", fmt, claims_list.COLUMNS, count,
                      lambda: claims_list.rows(session, f))
    record(session, "claims.export", actor=actor, resource_type="claim",
           details={"format": fmt, "filters": f.as_json(), "rows": count})
    session.commit()
    return out
