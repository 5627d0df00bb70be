"""Review templates: Admin keeps the canned texts; the reject and request-information forms (one
claim or several) offer them and their text becomes the reason; REST takes ``template_id``."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import ReviewTemplate
from tests import factories
from tests.helpers import csrf_token, submit_form
from tests.integration.test_web_lifecycle import IN_REVIEW, claim_state, draft, fund, press
from tests.integration.test_web_lifecycle_bulk import run_action
from tests.integration.web_support import count, text

__all__ = ["fund"]  # the claim-page tests' fund: member1 and the GP consultation

LATE = "The claim reached the fund more than 90 days after the treatment."
BILL = "Please send the itemised hospital bill."


@pytest.fixture
def templates(app) -> dict[str, int]:
    with app.app_context():
        made = {
            "late": factories.review_template("Late submission", "rejection", LATE),
            "bill": factories.review_template("Itemised bill", "info_request", BILL),
            "call": factories.review_template("Provider called", "note", "Called them."),
            "old": factories.review_template("Old rule", "rejection", "Retired.",
                                             active=False),
        }
        db.session.commit()
        return {key: t.id for key, t in made.items()}


def test_admin_keeps_the_templates_and_the_committee_reads_them(app, client_for, client,
                                                                api_headers):
    admin, committee = client_for("admin"), client_for("committee1")
    response = submit_form(admin, "/review-templates/add", {
        "name": "Duplicate", "kind": "rejection", "text": "This claim was already paid.",
        "active": "y"})
    assert response.status_code == 302
    page = text(submit_form(admin, "/review-templates/add", {
        "name": "Empty", "kind": "note", "text": " ", "active": "y"}))
    assert "Write the template's text." in page
    assert count(app, ReviewTemplate) == 1
    assert "Duplicate" in text(committee.get("/review-templates/list/"))
    assert committee.get("/review-templates/add").status_code == 403
    created = client.post("/api/v1/reviewtemplate/", headers=api_headers("admin"), json={
        "name": "Referral", "kind": "info_request", "text": "Send the referral letter."})
    assert created.status_code == 201
    taken = client.post("/api/v1/reviewtemplate/", headers=api_headers("admin"), json={
        "name": "Referral", "kind": "note", "text": "Again"})
    assert taken.status_code == 409
    assert client.post("/api/v1/reviewtemplate/", headers=api_headers("committee1"), json={
        "name": "Mine", "kind": "note", "text": "x"}).status_code == 403
    assert client.get("/api/v1/reviewtemplate/", headers=api_headers("member1")
                      ).status_code == 403


def test_the_reject_form_fills_the_reason_from_a_template(fund, templates, client_for):
    first = client_for("committee1")
    pk = draft(fund, IN_REVIEW)
    form = text(first.get(f"/claims/transition/{pk}/reject"))
    assert f'data-text="{LATE}"' in form and "review_templates.js" in form
    assert "Retired." not in form and BILL not in form  # active rejection templates only
    page = text(press(first, pk, "reject", {"template": str(templates["late"]), "reason": ""}))
    assert "is now rejected" in page
    assert claim_state(fund.app, pk).decision_reason == LATE
    # The text sent wins over the template it started from.
    other = draft(fund, IN_REVIEW)
    press(first, other, "reject", {"template": str(templates["late"]),
                                   "reason": LATE + " Received on day 120."})
    assert claim_state(fund.app, other).decision_reason.endswith("Received on day 120.")


def test_a_template_that_is_not_offered_is_refused_at_the_field(fund, templates, client_for):
    first = client_for("committee1")
    pk = draft(fund, IN_REVIEW)
    page = text(press(first, pk, "reject", {"template": str(templates["old"]), "reason": ""}))
    assert "Choose one of the templates in the list." in page
    page = text(press(first, pk, "request_info", {"template": "", "reason": ""}))
    assert "Write what information is needed." in page
    assert claim_state(fund.app, pk).status == "under_review"


def test_bulk_information_requests_take_a_template(fund, templates, client_for):
    first = client_for("committee1")
    ids = [draft(fund, IN_REVIEW) for _ in range(2)]
    response = run_action(first, "bulk_request_info", ids)
    form_url = response.headers["Location"]
    form = text(first.get(form_url))
    assert "2 claim(s) selected" in form and f'data-text="{BILL}"' in form
    token = csrf_token(first, form_url)
    joined = ",".join(map(str, ids))
    page = text(first.post(form_url, data={"csrf_token": token, "ids": joined, "reason": ""}))
    assert "Write what information is needed." in page  # asked again, nothing run
    page = text(first.post(form_url, data={"csrf_token": token, "ids": joined, "reason": "",
                                           "template": str(templates["bill"])}))
    assert "2 done, 0 refused." in page
    assert {claim_state(fund.app, pk).info_request for pk in ids} == {BILL}


def test_rest_takes_a_template_id(fund, templates, client, api_headers):
    first = api_headers("committee1")
    pk = draft(fund, IN_REVIEW)
    version = claim_state(fund.app, pk).version
    wrong = client.post(f"/api/v1/claim/{pk}/transition", headers=first, json={
        "action": "request_info", "version": version, "template_id": templates["late"]})
    assert wrong.status_code == 422
    assert wrong.get_json() == {"message": {"template_id": [
        "Choose one of the templates for information requests."]}}
    answer = client.post(f"/api/v1/claim/{pk}/transition", headers=first, json={
        "action": "request_info", "version": version, "template_id": templates["bill"]})
    assert answer.status_code == 200 and claim_state(fund.app, pk).info_request == BILL
    others = [draft(fund, IN_REVIEW) for _ in range(2)]
    answer = client.post("/api/v1/claim/bulk_transition", headers=first, json={
        "action": "reject", "ids": others, "template_id": templates["late"]})
    assert answer.get_json()["done"] == 2
    assert {claim_state(fund.app, c).decision_reason for c in others} == {LATE}
    bad = client.post("/api/v1/claim/bulk_transition", headers=first, json={
        "action": "approve", "ids": others, "template_id": templates["late"]})
    assert bad.status_code == 400  # approve takes no template


def test_the_note_form_offers_the_note_templates(app, templates, client_for):
    with app.app_context():
        claim = factories.claim()
        db.session.commit()
        pk = claim.id
    form = text(client_for("committee1").get(f"/claim-notes/add?_flt_0_claim={pk}"))
    picker = re.search(r'<select[^>]*data-fills="body".*?</select>', form, re.S).group(0)
    assert 'data-text="Called them."' in picker and LATE not in picker
