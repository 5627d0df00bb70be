"""A member sees the fund's decision on his claim (eligible and approved amounts, reason codes)
only once it is decided: not while it is submitted, under review or waiting for his answer.
Checked on every path he takes: the claim's page, the lists, his home page and REST (claim,
claim items, the adjudication's working). The committee sees the working all along."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import Flask, current_app

from app.extensions import db
from app.models import ClaimItem, ScaleItem
from app.services.lifecycle import perform
from tests import factories
from tests.integration.web_support import text

TODAY = date.today()
CAPPED = "1,800.00"  # the scale's fee cap: what the engine works out the fund would pay
REASON = "SCALE_CAP"


@pytest.fixture
def claim_id(app: Flask) -> int:
    """member1's claim for a GP consultation of 2,500.00 (capped at 1,800.00), submitted."""
    with app.app_context():
        factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
        member = factories.member(user_id=factories.user_id("member1"),
                                  contribution_receipt_date=TODAY - timedelta(days=400))
        claim = factories.claim(of=member, items=0)
        claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                     unit_cost=D("2500.00"), receipt_number="R-77",
                                     scale_item=db.session.get(ScaleItem, consult.id)))
        db.session.commit()
        step(claim.id, "submit", "member1", declaration=True)
        return claim.id


def step(claim_id: int, action: str, username: str, **params) -> None:
    perform(claim_id, action, current_app.appbuilder.sm.find_user(username=username), **params)


def seen_by(client_for, api_headers, client, username: str, claim_id: int) -> dict:
    web = client_for(username)
    headers = api_headers(username)
    claim = client.get(f"/api/v1/claim/{claim_id}", headers=headers).get_json()["result"]
    listed = client.get("/api/v1/claim/", headers=headers).get_json()["result"]
    items = client.get("/api/v1/claimitem/", headers=headers).get_json()["result"]
    item_id = items[0]["id"]
    return {
        "page": text(web.get(f"/claims/show/{claim_id}")),
        "list": text(web.get("/claims/list/")),
        "items": text(web.get("/claim-items/list/")),
        "item": text(web.get(f"/claim-items/show/{item_id}")),
        "rest": claim,
        "rest_list": next(c for c in listed if c["id"] == claim_id),
        "rest_item": client.get(f"/api/v1/claimitem/{item_id}", headers=headers)
        .get_json()["result"],
        "working": client.get(f"/api/v1/claim/{claim_id}/adjudication", headers=headers)
        .get_json()["result"],
    }


def test_an_undecided_claim_shows_the_member_what_he_claimed_and_no_decision(
        app, client, client_for, api_headers, claim_id):
    for status in ("submitted", "under_review", "info_requested"):
        if status == "under_review":
            with app.app_context():
                step(claim_id, "start_review", "committee1")
                step(claim_id, "recommend", "committee1")
        if status == "info_requested":
            with app.app_context():
                step(claim_id, "request_info", "committee1", reason="Send the referral.")
        seen = seen_by(client_for, api_headers, client, "member1", claim_id)
        for where in ("page", "list", "items", "item"):
            assert "2,500.00" in seen[where], (status, where)
        assert "is shown here once your claim is decided" in seen["page"]
        for where in ("page", "list", "items", "item"):
            assert CAPPED not in seen[where], (status, where)
            assert REASON not in seen[where], (status, where)
        for record in (seen["rest"], seen["rest_list"]):
            assert record["total_claimed"] == "2500.00"
            assert record["total_eligible"] is None and record["total_approved"] is None
        assert seen["rest"]["reason_codes"] is None
        assert seen["rest_item"]["claimed_amount"] == "2500.00"
        assert seen["rest_item"]["eligible_amount"] is None
        assert seen["rest_item"]["approved_amount"] is None
        assert seen["rest_item"]["reason_codes"] is None
        working = seen["working"]
        assert working["total_claimed"] == "2500.00" and working["total_approved"] is None
        assert working["lines"][0]["claimed_amount"] == "2500.00"
        assert working["lines"][0]["approved_amount"] is None
        assert working["lines"][0]["reason_codes"] == []
        home = text(client_for("member1").get("/my/"))
        assert "2,500.00" in home and CAPPED not in home
    # Ordering or filtering his claims by an amount he does not see would tell it.
    web = client_for("member1")
    assert "_oc_ClaimView=total_approved" not in text(web.get("/claims/list/"))
    ordered = web.get("/claims/list/?_oc_ClaimView=total_approved&_od_ClaimView=desc")
    assert ordered.status_code == 200 and "2,500.00" in text(ordered)
    member = api_headers("member1")
    for query in ("(order_column:total_approved,order_direction:desc)",
                  "(filters:!((col:critical_illness,opr:eq,value:!t)))"):
        assert client.get(f"/api/v1/claim/?q={query}", headers=member).status_code == 400


def test_the_committee_sees_the_working_before_the_decision(
        client, client_for, api_headers, claim_id):
    seen = seen_by(client_for, api_headers, client, "committee1", claim_id)
    assert CAPPED in seen["page"] and REASON in seen["page"] and CAPPED in seen["list"]
    assert seen["rest"]["total_approved"] == "1800.00"
    assert seen["rest_item"]["approved_amount"] == "1800.00"
    assert seen["working"]["lines"][0]["approved_amount"] == "1800.00"


def test_the_decision_shows_once_made(
        app, client, client_for, api_headers, claim_id):
    with app.app_context():
        for action, username in (("start_review", "committee1"), ("recommend", "committee1"),
                                 ("approve", "committee2")):
            step(claim_id, action, username)
    decided = seen_by(client_for, api_headers, client, "member1", claim_id)
    for where in ("page", "list", "items", "item"):
        assert CAPPED in decided[where], where
    assert decided["rest"]["total_approved"] == "1800.00"
    assert decided["rest_item"]["approved_amount"] == "1800.00"
    assert decided["working"]["total_approved"] == "1800.00"
    assert CAPPED in text(client_for("member1").get("/my/"))


def test_a_rejection_shows_and_stays_shown_while_the_member_appeals_it(
        app, client, client_for, api_headers, claim_id):
    with app.app_context():
        step(claim_id, "start_review", "committee1")
        step(claim_id, "reject", "committee1", reason="Not a covered visit.")
        step(claim_id, "appeal", "member1", reason="It was covered.")
    appealed = seen_by(client_for, api_headers, client, "member1", claim_id)
    assert appealed["rest"]["status"] == "appealed"
    assert appealed["rest"]["total_approved"] == "0.00"
    assert REASON in appealed["page"] and "Not a covered visit." in appealed["page"]
