"""Privacy tools through the web, REST and the CLI: the subject-access export (JSON and PDF),
a member's own only, and the anonymisation of a member who left, refused for an active one;
both audited."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask_wtf.csrf import generate_csrf
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimNote, Dependent, Member
from app.services.reports import run
from tests import factories

DIAGNOSIS = "Malaria with anaemia"


@pytest.fixture
def people(app):
    """member1's record (active, with a child, a paid claim with a diagnosis, an internal and a
    visible note) and a terminated member with the same, not linked to a login."""
    with app.app_context():
        def household(first: str, status: str, **kw) -> dict:
            member = factories.member(first, "Wafula", status=status, phone="+254700000001",
                                      email=f"{first.lower()}@example.org",
                                      bank_account_number="0123456789", **kw)
            child = factories.dependent(of=member, first_name="Neema")
            claim = factories.claim(of=member, items=2, status="paid", diagnosis=DIAGNOSIS,
                                    icd10_code="B54", dependent=child,
                                    submitted_at=datetime(2026, 3, 2, 8),
                                    decided_at=datetime(2026, 3, 20, 9))
            claim.total_approved = claim.total_paid = D("2400.00")
            factories.note(claim, body="Called Mr Wafula's doctor.")
            factories.note(claim, body="Your receipt was fine.", visible_to_member=True)
            return {"member": member.id, "claim": claim.id, "number": member.member_number,
                    "child": child.id}

        ids = {"own": household("Baraka", "active", user_id=factories.user_id("member1")),
               "left": household("Juma", "terminated")}
        db.session.commit()
        db.session.remove()
    return ids


def events(app, action: str) -> list[dict]:
    with app.app_context():
        return [{"actor": e.actor_name, "member": e.resource_id, **json.loads(e.details)}
                for e in db.session.scalars(sa.select(AuditEvent).where(
                    AuditEvent.action == action).order_by(AuditEvent.id))]


def test_admin_exports_everything_held_about_a_member(app, people, admin_client):
    response = admin_client.get(f"/privacy/{people['left']['member']}/export?format=json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["member"]["first_name"] == "Juma"
    assert data["member"]["bank_account_number"] == "0123456789"
    assert [d["first_name"] for d in data["dependents"]] == ["Neema"]
    (claim,) = data["claims"]
    assert claim["diagnosis"] == DIAGNOSIS and len(claim["items"]) == 2
    assert {n["body"] for n in data["notes"]} == {"Called Mr Wafula's doctor.",
                                                  "Your receipt was fine."}
    pdf = admin_client.get(f"/privacy/{people['left']['member']}/export?format=pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert people["left"]["number"] in text and DIAGNOSIS in text and "Neema" in text
    assert [(e["actor"], e["format"]) for e in events(app, "privacy.subject_access")] == [
        ("admin", "json"), ("admin", "pdf")]
    assert events(app, "privacy.subject_access")[0]["claims"] == 1


def test_a_member_exports_his_own_data_only(app, people, member_client, api_headers):
    page = member_client.get("/privacy/mine/")
    assert page.status_code == 200 and "Download as PDF" in page.get_data(as_text=True)
    mine = json.loads(member_client.get("/privacy/mine/export?format=json").get_data())
    assert mine["member"]["member_number"] == people["own"]["number"]
    assert mine["login"]["username"] == "member1" and "password" not in mine["login"]
    # his copy holds the notes he may see, not the committee's internal ones
    assert [n["body"] for n in mine["notes"]] == ["Your receipt was fine."]
    assert member_client.get(f"/privacy/{people['left']['member']}/export?format=json"
                             ).status_code == 404
    client = app.test_client()
    headers = api_headers("member1")
    assert client.get(f"/api/v1/member/{people['own']['member']}/subject_access",
                      headers=headers).status_code == 200
    assert client.get(f"/api/v1/member/{people['left']['member']}/subject_access",
                      headers=headers).status_code == 404
    refused = client.get(f"/api/v1/member/{people['own']['member']}/subject_access",
                         headers=headers, query_string={"format": "docx"})
    assert refused.status_code == 400 and "format" in refused.get_json()["message"]
    assert client.post(f"/api/v1/member/{people['own']['member']}/anonymise",
                       headers=headers).status_code == 403


def _csrf(app, client) -> str:
    client.get("/privacy/mine/")
    with client.session_transaction() as stored:
        raw = stored.get("csrf_token")
    from flask import session

    with app.test_request_context():
        session["csrf_token"] = raw
        return generate_csrf()


def test_admin_anonymises_a_member_who_left_from_the_form(app, people, admin_client):
    left = people["left"]
    url = f"/privacy/{left['member']}/anonymise"
    assert "cannot be undone" in admin_client.get(url).get_data(as_text=True)
    wrong = admin_client.post(url, data={"csrf_token": _csrf(app, admin_client),
                                         "member_number": "M-999999"})
    assert wrong.status_code == 422 and "not the member" in wrong.get_data(as_text=True)
    with app.app_context():
        before = run(db.session, "financial_summary", {"date_from": "2026-01-01"}).totals
    done = admin_client.post(url, data={"csrf_token": _csrf(app, admin_client),
                                        "member_number": left["number"]})
    assert done.status_code == 302
    with app.app_context():
        member = db.session.get(Member, left["member"])
        assert (member.first_name, member.national_id, member.phone, member.email,
                member.bank_account_number) == ("Anonymised", None, None, None, None)
        assert member.date_of_birth == date(1980, 1, 1) and member.anonymised_at is not None
        assert db.session.get(Dependent, left["child"]).first_name == "Anonymised"
        claim = db.session.get(Claim, left["claim"])
        assert (claim.diagnosis, claim.icd10_code) == ("[anonymised]", None)
        assert claim.total_paid == D("2400.00") and claim.submitted_at is not None
        assert {n.body for n in db.session.scalars(sa.select(ClaimNote).where(
            ClaimNote.claim_id == claim.id))} == {"[anonymised]"}
        # the fund's accounts do not change
        after = run(db.session, "financial_summary", {"date_from": "2026-01-01"}).totals
        assert after == before and after["approved"] == D("4800.00")
    (event,) = events(app, "member.anonymise")
    assert event["actor"] == "admin" and event["member"] == str(left["member"])
    assert (event["claims"], event["notes"], event["dependents"]) == (1, 2, 1)
    again = admin_client.post(url, data={"csrf_token": _csrf(app, admin_client),
                                         "member_number": left["number"]},
                              follow_redirects=True)
    assert "already anonymised" in again.get_data(as_text=True)


def test_an_active_member_is_never_anonymised(app, people, api_headers):
    client = app.test_client()
    refused = client.post(f"/api/v1/member/{people['own']['member']}/anonymise",
                          headers=api_headers("admin"))
    assert refused.status_code == 409 and "only a member who left" in refused.get_json()[
        "message"]
    with app.app_context():
        assert db.session.get(Member, people["own"]["member"]).first_name == "Baraka"
    assert not events(app, "member.anonymise")
    done = client.post(f"/api/v1/member/{people['left']['member']}/anonymise",
                       headers=api_headers("admin"))
    assert done.status_code == 200
    assert done.get_json()["result"]["member_number"] == people["left"]["number"]


def test_a_member_with_a_claim_awaiting_payment_is_refused(app, people):
    with app.app_context():
        db.session.get(Claim, people["left"]["claim"]).status = "approved"
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["claimdesk", "anonymise-member", people["left"]["number"],
                                 "--by", "admin"])
    assert result.exit_code != 0 and "awaiting payment" in result.output
    with app.app_context():
        db.session.get(Claim, people["left"]["claim"]).status = "paid"
        db.session.commit()
    refused = runner.invoke(args=["claimdesk", "anonymise-member", people["left"]["number"],
                                  "--by", "committee1"])
    assert refused.exit_code != 0 and "not an Admin" in refused.output
    result = runner.invoke(args=["claimdesk", "anonymise-member", people["left"]["number"],
                                 "--by", "admin"])
    assert result.exit_code == 0, result.output
    assert events(app, "member.anonymise")[0]["actor"] == "admin"


def test_ids_no_record_can_have_answer_404(people, admin_client):
    huge = 2**70
    for url in (f"/privacy/{huge}/export?format=json", f"/privacy/{huge}/anonymise",
                f"/claims/statement/{huge}"):
        assert admin_client.get(url).status_code == 404, url
