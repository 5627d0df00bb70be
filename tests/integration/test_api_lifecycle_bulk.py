"""Bulk transitions over REST: each claim in its own transaction, answered per claim; one refused
claim never undoes the others; the number of claims per call is bounded."""

from __future__ import annotations

from app.api.transitions import MAX_BULK_IDS
from app.extensions import db
from app.models import Claim
from tests import factories
from tests.integration import test_api_lifecycle as lifecycle
from tests.integration.test_api_lifecycle import SUBMITTED, draft, events, state

fund = lifecycle.fund  # the same fund fixture: member1's record and the GP consultation

BULK = "/api/v1/claim/bulk_transition"


def test_one_refused_claim_among_good_ones(app, client, api_headers, fund):
    good = [draft(fund, SUBMITTED) for _ in range(2)]
    refused = draft(fund)  # still a draft: it cannot be taken into review
    before = state(app, refused)
    ids = [good[0], refused, good[1]]
    answer = client.post(BULK, headers=api_headers("committee1"),
                         json={"action": "start_review", "ids": ids})
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["done"], body["refused"]) == (2, 1)
    with app.app_context():
        numbers = {c.id: c.claim_number for c in db.session.query(Claim)}
        assert body["result"] == [
            {"id": good[0], "claim_number": numbers[good[0]], "ok": True,
             "status": "under_review", "message": "Done."},
            {"id": refused, "claim_number": numbers[refused], "ok": False, "status": None,
             "message": f"Claim {numbers[refused]} is draft: it cannot be taken into review "
                        "now."},
            {"id": good[1], "claim_number": numbers[good[1]], "ok": True,
             "status": "under_review", "message": "Done."},
        ]
        for claim_id in good:
            assert events(claim_id) == ["claim.submit", "claim.start_review"]
    assert state(app, refused) == before


def test_bulk_reject_with_one_reason_and_codes(app, client, api_headers, fund):
    ids = [draft(fund, (*SUBMITTED, ("start_review", "committee1", {}))) for _ in range(2)]
    answer = client.post(BULK, headers=api_headers("committee2"), json={
        "action": "reject", "ids": ids, "reason": "Referral letter missing",
        "reason_codes": ["NOT_COVERED"]})
    assert [o["status"] for o in answer.get_json()["result"]] == ["rejected", "rejected"]
    with app.app_context():
        for claim_id in ids:
            claim = db.session.get(Claim, claim_id)
            assert claim.decision_reason == "Referral letter missing"
            assert "NOT_COVERED" in claim.reason_codes and claim.total_approved == 0
            assert events(claim_id)[-1] == "claim.reject"


def test_a_refusal_by_the_rules_is_told_per_claim(app, client, api_headers, fund):
    claim_id = draft(fund, (*SUBMITTED, ("start_review", "committee1", {})))
    answer = client.post(BULK, headers=api_headers("committee2"),
                         json={"action": "reject", "ids": [claim_id]})
    assert answer.status_code == 200
    [outcome] = answer.get_json()["result"]
    assert (outcome["ok"], outcome["message"]) == (False, "reason: Write a reason.")
    assert state(app, claim_id)[0] == "under_review"


def test_a_member_bulk_reaches_only_his_own_claims(app, client, api_headers, fund):
    own = draft(fund)
    with app.app_context():
        other_member = factories.member(first_name="Other")
        db.session.commit()
        other_member_id = other_member.id
    other = draft(fund, member_id=other_member_id)
    before = state(app, other)
    answer = client.post(BULK, headers=api_headers("member1"),
                         json={"action": "withdraw", "ids": [own, other]})
    assert answer.status_code == 200
    result = answer.get_json()["result"]
    assert [(o["ok"], o["status"]) for o in result] == [(True, "withdrawn"), (False, None)]
    assert (result[1]["claim_number"], result[1]["message"]) == (None, "No such claim.")
    assert state(app, other) == before


def test_the_number_of_claims_per_call_is_bounded(app, client, api_headers, fund):
    claim_id = draft(fund, SUBMITTED)
    before = state(app, claim_id)
    headers = api_headers("committee1")
    too_many = {"action": "start_review", "ids": [claim_id] * (MAX_BULK_IDS + 1)}
    answer = client.post(BULK, headers=headers, json=too_many)
    assert answer.status_code == 400
    assert answer.get_json() == {"message": {"ids": [f"Length must be between 1 and "
                                                     f"{MAX_BULK_IDS}."]}}
    for body in ({"action": "start_review", "ids": []},
                 {"action": "override_line", "ids": [claim_id]},
                 {"action": "start_review", "ids": [claim_id], "version": 1}):
        assert client.post(BULK, headers=headers, json=body).status_code == 400
    assert state(app, claim_id) == before


def test_roles_without_transitions_are_refused(client, api_headers, fund):
    answer = client.post(BULK, headers=api_headers("auditor"),
                         json={"action": "start_review", "ids": [1]})
    assert answer.status_code == 403
