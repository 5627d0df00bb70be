"""A claim's statement PDF: taken through the real lifecycle and a meeting's ratification, got
from the claim's page and over REST, by its member (his own only) and the committee; read back
with pypdf."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Setting
from app.services import agenda
from tests import factories, meeting_support


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def ratified(app):
    """member1's claim, recommended by committee1, decided by committee2, ratified at an open
    meeting; and another member's claim."""
    with app.app_context():
        fund = meeting_support.fund(user_id=factories.user_id("member1"))
        claim = meeting_support.decided_claim(fund)
        sitting = meeting_support.meeting("open", present=4, on=date(2026, 5, 14))
        committee1 = meeting_support.user("committee1")
        agenda.run(sitting.id, "add", [claim.id], committee1)
        outcomes = agenda.run(sitting.id, "ratify", [claim.id], committee1)
        assert all(o.ok for o in outcomes), outcomes
        other = factories.claim(of=factories.member("Other"), items=1)
        db.session.commit()
        ids = {"claim": claim.id, "number": claim.claim_number, "other": other.id,
               "approved": f"{claim.total_approved:,.2f}"}
        db.session.remove()
    return ids


def statement_events(app) -> list[dict]:
    with app.app_context():
        return [{"actor": e.actor_name, "claim": e.resource_id, **json.loads(e.details)}
                for e in db.session.scalars(sa.select(AuditEvent).where(
                    AuditEvent.action == "claim.statement").order_by(AuditEvent.id))]


def test_the_committee_gets_the_processing_form_with_both_signatures(app, ratified,
                                                                     committee_client):
    page = committee_client.get(f"/claims/show/{ratified['claim']}")
    assert f"/claims/statement/{ratified['claim']}" in page.get_data(as_text=True)
    response = committee_client.get(f"/claims/statement/{ratified['claim']}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.get_data())
    assert f"Claim statement {ratified['number']}" in text
    assert "GP_CONSULT" in text and ratified["approved"] in text
    assert "Committee1 Test" in text and "Committee2 Test" in text  # names and dates
    assert "Ratified at the committee meeting of 14 May 2026" in text
    assert "Page 1 of" in text
    assert statement_events(app) == [{"actor": "committee1", "claim": str(ratified["claim"]),
                                      "format": "pdf"}]


def test_a_member_gets_his_own_statement_only(app, ratified, member_client, api_headers):
    mine = member_client.get(f"/claims/statement/{ratified['claim']}")
    assert mine.status_code == 200
    text = text_of(mine.get_data())
    # the fund does not show members the reviewers' names by default
    assert "Committee1 Test" not in text and "A committee member" in text
    assert member_client.get(f"/claims/statement/{ratified['other']}").status_code == 404
    client = app.test_client()
    headers = api_headers("member1")
    assert client.get(f"/api/v1/claim/{ratified['claim']}/statement",
                      headers=headers).status_code == 200
    refused = client.get(f"/api/v1/claim/{ratified['other']}/statement", headers=headers)
    assert refused.status_code == 404 and "message" in refused.get_json()
    assert [e["actor"] for e in statement_events(app)] == ["member1", "member1"]


def test_members_see_names_when_the_fund_shows_them(app, ratified, api_headers):
    with app.app_context():
        db.session.add(Setting(key="show_reviewer_names", value="true", value_type="bool"))
        db.session.commit()
    response = app.test_client().get(f"/api/v1/claim/{ratified['claim']}/statement",
                                     headers=api_headers("member1"))
    assert "Committee2 Test" in text_of(response.get_data())
