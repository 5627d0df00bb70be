"""Browsing and exporting the audit trail: the export button carries the list's filters, the
files hold exactly the rows those filters show (parsed, hashes recomputed as an outsider would),
the export is itself audited, REST does the same, and each role sees its part."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from app.services.audit.chain import append_events
from tests.audit_support import empty_trail

MOMENTS = [datetime(2026, 3, day, 9, 30, 15, 123456) for day in range(1, 11)]


@pytest.fixture
def trail(app):
    """Ten events: claim approvals and rejections by two users, a settings change, over ten
    days of March 2026."""
    rows = []
    for number, moment in enumerate(MOMENTS, start=1):
        kind = ("claim", "claim.approve") if number % 3 else ("setting", "setting.update")
        rows.append({"occurred_at": moment, "actor_id": 1 if number % 2 else 2,
                     "actor_name": "committee1" if number % 2 else "committee2",
                     "action": kind[1] if number != 4 else "claim.reject",
                     "resource_type": kind[0], "resource_id": str(100 + number),
                     "ip_address": "10.0.0.%d" % number, "user_agent": "Mozilla/5.0 ñ",
                     "details": json.dumps({"n": number, "text": "Ksh 1,000 \"net\""})})
    empty_trail(app)
    with app.app_context(), db.engine.begin() as connection:
        append_events(connection, rows)
    return app


def ids_where(app, *clauses) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.id).where(*clauses)
                                       .order_by(AuditEvent.id)))


def outsider_hash(row: dict) -> str:
    """Recompute a row's hash from the exported text only, as the README tells an outsider."""
    actor_id = int(row["actor_id"]) if row["actor_id"] not in ("", None) else None
    values = ["claimdesk-audit-1", row["occurred_at"], actor_id]
    for name in ("actor_name", "ip_address", "user_agent", "action", "resource_type",
                 "resource_id", "details", "previous_hash"):
        values.append(row[name] if row[name] != "" else None)
    data = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def export_link(page: str, fmt: str) -> str:
    match = re.search(rf'id="audit-export-{fmt}"\s+href="([^"]+)"', page)
    assert match, "no export button on the audit list"
    return html.unescape(match.group(1))


def parse_csv(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body)))


def last_export_event(app) -> AuditEvent:
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "auditevent.export").order_by(AuditEvent.id.desc())).first()
        db.session.expunge_all()
        return event


def test_the_export_button_exports_what_the_filtered_list_shows(trail, auditor_client):
    query = "_flt_3_action=claim.approve&_flt_1_occurred_at=2026-03-02+00:00:00" \
            "&_flt_2_occurred_at=2026-03-09+00:00:00&_flt_0_actor_name=committee"
    page = auditor_client.get(f"/audit/list/?{query}")
    assert page.status_code == 200
    link = export_link(page.get_data(as_text=True), "csv")
    assert link.startswith("/audit/export/csv?")

    response = auditor_client.get(link)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = parse_csv(response.get_data(as_text=True))
    expected = ids_where(trail, AuditEvent.action == "claim.approve",
                         AuditEvent.occurred_at > datetime(2026, 3, 2),
                         AuditEvent.occurred_at < datetime(2026, 3, 9))
    assert expected == [2, 5, 7, 8]
    assert [int(row["id"]) for row in rows] == expected
    listed = {int(pk) for pk in re.findall(r"/audit/show/(\d+)", page.get_data(as_text=True))}
    assert listed == set(expected)  # the list showed the same rows
    for row in rows:
        assert row["hash"] == outsider_hash(row)
    assert rows[0]["occurred_at"] == "2026-03-02T09:30:15.123456Z"
    assert json.loads(rows[0]["details"]) == {"n": 2, "text": 'Ksh 1,000 "net"'}

    event = last_export_event(trail)
    assert event.actor_name == "auditor" and event.resource_type == "auditevent"
    details = json.loads(event.details)
    assert details["format"] == "csv" and details["rows"] == 4
    assert {"col": "action", "filter": "Equal to", "value": "claim.approve"} \
        in details["filters"]["list"]
    assert {"col": "occurred_at", "filter": "Greater than", "value": "2026-03-02 00:00:00"} \
        in details["filters"]["list"]


def test_the_json_lines_export_links_up_to_an_unbroken_chain(trail, admin_client):
    page = admin_client.get("/audit/list/")
    response = admin_client.get(export_link(page.get_data(as_text=True), "jsonl"))
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    # The ten events, the admin's login, and no more: not the export's own event.
    assert [row["id"] for row in rows] == list(range(1, 12))
    assert rows[-1]["action"] == "user.login"
    previous = "0" * 64
    for row in rows:
        assert row["previous_hash"] == previous
        assert row["hash"] == outsider_hash(row)
        previous = row["hash"]
    # The export's own event came after the rows it exported.
    assert json.loads(last_export_event(trail).details)["rows"] == 11


def test_an_unfiltered_export_streams_across_many_pages(trail, admin_client, monkeypatch):
    from app.services.audit import export

    monkeypatch.setattr(export, "PAGE_SIZE", 3)
    before = ids_where(trail)
    response = admin_client.get("/audit/export/csv")
    assert [int(row["id"]) for row in parse_csv(response.get_data(as_text=True))] == before
    assert len(before) > 2 * export.PAGE_SIZE


def test_committee_reads_the_claims_part_and_may_not_export(trail, committee_client):
    page = committee_client.get("/audit/list/?psize_AuditEventView=100").get_data(as_text=True)
    shown = {int(pk) for pk in re.findall(r"/audit/show/(\d+)", page)}
    assert shown == set(ids_where(trail, AuditEvent.resource_type == "claim"))
    assert 'id="audit-export-csv"' not in page
    assert committee_client.get("/audit/export/csv").status_code == 403


def test_the_committee_scope_narrows_an_export(trail):
    """The export applies the caller's row rule like the list (were Committee ever to export)."""
    from app.access import scope_query
    from app.services.audit.export import start_export

    with trail.test_request_context():
        sm = trail.appbuilder.sm
        committee = sm.find_user(username="committee1")
        export = start_export(db.session, "csv",
                              lambda query: scope_query(query, AuditEvent, committee),
                              {}, committee)
        rows = parse_csv("".join(export.lines))
        assert export.rows == len(rows)
        assert {row["resource_type"] for row in rows} == {"claim"}
        db.session.remove()


def test_bad_export_requests_are_refused(trail, admin_client):
    assert admin_client.get("/audit/export/csv?_flt_9_actor_id=1").status_code == 400
    assert admin_client.get("/audit/export/xml").status_code == 404
    response = admin_client.get("/audit/export/csv?_flt_0_actor_id=notanumber")
    # FAB reads a number that is none as "no value", as the list does: nothing matches.
    assert response.status_code == 200 and parse_csv(response.get_data(as_text=True)) == []


# --- REST ------------------------------------------------------------------------------------


def test_the_api_exports_the_filtered_events(trail, app, api_headers):
    q = "(filters:!((col:actor_name,opr:eq,value:committee2),(col:resource_type,opr:eq," \
        "value:claim)))"
    response = app.test_client().get(f"/api/v1/auditevent/export?format=jsonl&q={q}",
                                     headers=api_headers("auditor"))
    assert response.status_code == 200
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [row["id"] for row in rows] == ids_where(
        trail, AuditEvent.actor_name == "committee2", AuditEvent.resource_type == "claim")
    assert all(row["hash"] == outsider_hash(row) for row in rows)
    details = json.loads(last_export_event(trail).details)
    assert details["rows"] == len(rows) and details["format"] == "jsonl"
    assert {"col": "actor_name", "opr": "eq", "value": "committee2"} in details["filters"]["q"]

    headers = api_headers("admin")
    before = ids_where(trail)  # the first export's event and the logins too
    as_csv = app.test_client().get("/api/v1/auditevent/export", headers=headers)
    assert [int(row["id"]) for row in parse_csv(as_csv.get_data(as_text=True))] == before


@pytest.mark.parametrize("query, status", [
    ("format=xml", 400),
    ("q=(filters:!((col:hash,opr:eq,value:x)))", 400),
    ("q=(((", 400),
])
def test_the_api_refuses_bad_export_requests(trail, app, api_headers, query, status):
    response = app.test_client().get(f"/api/v1/auditevent/export?{query}",
                                     headers=api_headers("admin"))
    assert response.status_code == status
    assert "message" in response.get_json()


def test_the_api_export_is_refused_to_committee_and_documented(trail, app, api_headers):
    response = app.test_client().get("/api/v1/auditevent/export",
                                     headers=api_headers("committee1"))
    assert response.status_code == 403
    document = app.test_client().get("/api/v1/_openapi",
                                     headers=api_headers("admin")).get_json()
    operation = document["paths"]["/api/v1/auditevent/export"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"format", "q"}
    assert set(operation["responses"]["200"]["content"]) == {"text/csv", "application/x-ndjson"}
