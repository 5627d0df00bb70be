"""Reports through the paths users take: the Reports pages with their filter form and download
buttons, the REST endpoints as documented, and the audit event of every export."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent
from tests.integration.report_support import build_report_fund, period_args


@pytest.fixture
def fund(app):
    with app.app_context():
        built = build_report_fund()
        db.session.remove()
    return built


def events(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()
        return [{"actor": e.actor_name, "resource_id": e.resource_id,
                 "details": json.loads(e.details)} for e in rows]


def db_scalar(app, query: str, **params):
    with app.app_context():
        return db.session.execute(sa.text(query), params).scalar_one()


def submitted_in(fund) -> dict:
    return {"lo": fund.bounds[0], "hi": fund.bounds[12]}


def test_the_report_page_shows_the_table_with_totals_and_downloads(app, fund, client_for):
    page = client_for("finance").get("/reports/financial_summary/",
                                     query_string=period_args(fund))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    approved = db_scalar(app, "SELECT SUM(total_approved) FROM claim WHERE status IN "
                         "('approved', 'partially_approved', 'paid') AND decided_at >= :lo "
                         "AND decided_at < :hi", **submitted_in(fund))
    footer = re.search(r'<tfoot>(.*?)</tfoot>', html, re.S).group(1)
    assert f"{D(approved):,.2f}" in footer
    for fmt in ("csv", "xlsx", "json", "pdf"):
        assert f"/reports/financial_summary/download?format={fmt}" in html
    assert not events(app, "report.export")  # looking is not exporting


def test_bad_filters_are_shown_at_their_field(fund, committee_client):
    page = committee_client.get("/reports/turnaround/", query_string={
        "date_from": "2026-02-30", "claim_type": "cosmetic"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="date_from-error"' in html and "YYYY-MM-DD" in html
    assert 'id="claim_type-error"' in html
    assert committee_client.get("/reports/no_such_report/").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_each_web_download_is_a_file_and_is_audited(app, fund, client_for, fmt):
    args = period_args(fund, claim_type="outpatient")
    response = client_for("auditor").get("/reports/claims_by_status/download",
                                         query_string={**args, "format": fmt})
    assert response.status_code == 200
    assert "attachment;" in response.headers["Content-Disposition"]
    body = response.get_data()
    (n,) = [db_scalar(app, "SELECT COUNT(*) FROM claim WHERE claim_type = 'outpatient' AND "
                      "submitted_at >= :lo AND submitted_at < :hi", **submitted_in(fund))]
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(body.decode())))[-1][3] == str(n)
    elif fmt == "xlsx":
        last = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(
            values_only=True))[-1]
        assert last[3] == n
    elif fmt == "json":
        assert json.loads(body)["totals"]["claims"] == n
    else:
        assert "Claims by status and type" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    (event,) = events(app, "report.export")
    assert event["actor"] == "auditor" and event["resource_id"] == "claims_by_status"
    assert event["details"]["format"] == fmt
    assert event["details"]["filters"]["claim_type"] == "outpatient"
    assert event["details"]["rows"] > 0


def test_a_download_with_bad_filters_goes_back_to_the_form(app, fund, committee_client):
    response = committee_client.get("/reports/membership/download",
                                    query_string={"format": "docx"})
    assert response.status_code == 302 and "/reports/membership/" in response.location
    assert not events(app, "report.export")


def test_claims_export_streams_from_the_web_and_is_audited(app, fund, committee_client):
    response = committee_client.get("/reports/claims/export",
                                    query_string={**period_args(fund), "format": "csv"})
    assert response.status_code == 200 and response.is_streamed
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    n = db_scalar(app, "SELECT COUNT(*) FROM claim WHERE submitted_at >= :lo "
                  "AND submitted_at < :hi", **submitted_in(fund))
    assert len(lines) == n + 1
    (event,) = events(app, "claims.export")
    assert event["details"]["rows"] == n and event["details"]["format"] == "csv"


def test_rest_runs_every_report_as_documented(app, fund, api_headers):
    headers = api_headers("committee1")
    client = app.test_client()
    listed = client.get("/api/v1/report/", headers=headers).get_json()["result"]
    assert {r["name"] for r in listed} >= {"claims_by_status", "turnaround", "utilisation",
                                          "membership", "top_claimants", "top_providers",
                                          "financial_summary", "category_utilisation"}
    for entry in listed:
        response = client.get(f"/api/v1/report/{entry['name']}", headers=headers,
                              query_string=period_args(fund))
        assert response.status_code == 200, entry
        assert response.get_json()["report"] == entry["name"]
    document = client.get("/api/v1/_openapi", headers=api_headers("admin")).get_json()
    assert {"/api/v1/report/", "/api/v1/report/{report}",
            "/api/v1/report/claims/export"} <= set(document["paths"])
    assert len(events(app, "report.export")) == len(listed)


def test_rest_exports_files_and_refuses_bad_input(app, fund, api_headers):
    headers = api_headers("finance")
    client = app.test_client()
    response = client.get("/api/v1/report/top_providers", headers=headers,
                          query_string={**period_args(fund), "format": "xlsx"})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    refused = client.get("/api/v1/report/turnaround", headers=headers,
                         query_string={"status": "lost", "format": "pdf"})
    assert refused.status_code == 400
    assert refused.get_json()["message"] == {"status": [refused.get_json()["message"]["status"][0]]}
    assert client.get("/api/v1/report/nothing", headers=headers).status_code == 404
    export = client.get("/api/v1/report/claims/export", headers=headers,
                        query_string={**period_args(fund), "format": "jsonl"})
    records = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    total = db_scalar(app, "SELECT SUM(total_claimed) FROM claim WHERE submitted_at >= :lo "
                      "AND submitted_at < :hi", **submitted_in(fund))
    assert sum(D(r["total_claimed"]) for r in records) == D(total)
    assert events(app, "claims.export")[0]["details"]["rows"] == len(records)


def test_members_never_run_reports(fund, member_client, app, api_headers):
    assert member_client.get("/reports/").status_code == 403
    assert member_client.get("/reports/claims/export?format=csv").status_code == 403
    response = app.test_client().get("/api/v1/report/membership",
                                     headers=api_headers("member1"))
    assert response.status_code == 403
    assert not events(app, "report.export")


@pytest.mark.parametrize("role", ["admin", "committee1", "finance", "auditor"])
def test_every_report_page_and_the_index_open_for_those_who_run_reports(fund, client_for,
                                                                        role):
    client = client_for(role)
    index = client.get("/reports/").get_data(as_text=True)
    for name in ("claims_by_status", "turnaround", "utilisation", "category_utilisation",
                 "membership", "top_claimants", "top_providers", "financial_summary"):
        assert f'href="/reports/{name}/"' in index
        page = client.get(f"/reports/{name}/", query_string=period_args(fund))
        assert page.status_code == 200, name
        assert 'class="claimdesk-report-total"' in page.get_data(as_text=True), name
    assert "/reports/claims/export?format=csv" in index
