"""The claim lifecycle through the claim's page, as users press its buttons and fill its forms:
the whole path to an approved claim with its processing form, each refusal with its message and
nothing changed, paper claims keyed in by the claims officer, and what a member may do."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimItem, Member, ScaleItem
from app.services.lifecycle import perform
from tests import factories
from tests.audit_support import workflow_events
from tests.helpers import csrf_token
from tests.integration.web_support import text

TODAY = date.today()
YEAR_AGO = TODAY - timedelta(days=400)
SUBMITTED = (("submit", "member1", {"declaration": True}),)
IN_REVIEW = (*SUBMITTED, ("start_review", "committee1", {}))
RECOMMENDED = (*IN_REVIEW, ("recommend", "committee1", {}))
REJECTED = (*IN_REVIEW, ("reject", "committee1", {"reason": "No referral letter"}))
_HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|version)"[^>]*>')
_VALUE = re.compile(r'value="([^"]*)"')


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    """A general benefit, the GP consultation (80 %, capped at 1,800.00) and member1's record."""
    with app.app_context():
        factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
        member = factories.member(user_id=factories.user_id("member1"),
                                  contribution_receipt_date=YEAR_AGO)
        db.session.commit()
        return SimpleNamespace(app=app, member_id=member.id, consult_id=consult.id)


def draft(fund: SimpleNamespace, steps=(), member_id: int | None = None,
          unit_cost: str = "2500.00") -> int:
    """A claim for one GP consultation, taken through ``steps`` by the service itself."""
    with fund.app.app_context():
        member = db.session.get(Member, member_id or fund.member_id)
        claim = factories.claim(of=member, items=0)
        claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                     unit_cost=D(unit_cost), receipt_number=f"R-{claim.id}",
                                     scale_item=db.session.get(ScaleItem, fund.consult_id)))
        db.session.commit()
        for action, username, params in steps:
            perform(claim.id, action, user(username), **params)
        return claim.id


def user(username: str):
    return current_app.appbuilder.sm.find_user(username=username)


def claim_state(app: Flask, pk: int) -> Claim:
    with app.app_context():
        claim = db.session.get(Claim, pk)
        db.session.expunge(claim)
        return claim


def events(app: Flask, pk: int) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.query(AuditEvent).filter_by(
            resource_type="claim", resource_id=str(pk)).filter(workflow_events())
            .order_by(AuditEvent.id)]


def press(client: FlaskClient, pk: int, action: str, data: dict | None = None,
          page: str | None = None, **kwargs):
    """Open the page holding the transition's form (its own page, or the claim's page for a
    button) and post it with the hidden fields the page carries, as a browser would."""
    url = f"/claims/transition/{pk}/{action}"
    html = text(client.get(page or url))
    hidden = {}
    for tag in _HIDDEN.finditer(html):
        hidden.setdefault(tag.group(1), _VALUE.search(tag.group(0)).group(1))
    assert "csrf_token" in hidden and "version" in hidden, f"no form for {action} on the page"
    return client.post(url, data={**hidden, **(data or {})}, follow_redirects=True, **kwargs)


def post(client: FlaskClient, pk: int, action: str, data: dict, **kwargs):
    """Post a transition without opening its page (a forged or outdated request)."""
    token = csrf_token(client, "/claims/list/")
    return client.post(f"/claims/transition/{pk}/{action}",
                       data={"csrf_token": token, **data}, **kwargs)


def buttons(client: FlaskClient, pk: int) -> set[str]:
    html = text(client.get(f"/claims/show/{pk}"))
    return set(re.findall(r"/claims/transition/%d/(\w+)" % pk, html))


def test_member_submits_and_two_committee_members_approve(fund, client_for):
    member, first, second = (client_for(n) for n in ("member1", "committee1", "committee2"))
    pk = draft(fund)
    assert buttons(member, pk) == {"submit", "withdraw"}
    assert "I accept the declaration and consent" in text(member.get(
        f"/claims/transition/{pk}/submit"))
    page = text(press(member, pk, "submit", {"declaration": "y"}))
    assert "claim CLM-" in page and "is now submitted" in page
    assert buttons(first, pk) == {"start_review", "reassign"}
    press(first, pk, "start_review", page=f"/claims/show/{pk}")
    assert {"recommend", "approve", "reject", "request_info", "override_line"} <= buttons(
        first, pk)
    page = text(press(first, pk, "recommend", page=f"/claims/show/{pk}"))
    assert "Committee1 Test" in page  # recommended by
    page = text(press(second, pk, "approve", page=f"/claims/show/{pk}"))

    assert "is now approved" in page
    claim = claim_state(fund.app, pk)
    assert claim.status == "approved" and claim.total_approved == D("1800.00")
    assert claim.awaiting_ratification and claim.declaration_source == "online"
    assert "Processing form" in page and "1,800.00" in page and "2,500.00" in page
    assert "SCALE_CAP" in page and "The fund pays up to its scale fee for this item." in page
    assert "Committee2 Test" in page and "Awaiting ratification" in page
    assert events(fund.app, pk) == ["claim.submit", "claim.start_review", "claim.recommend",
                                    "claim.approve"]
    assert buttons(member, pk) == set()  # approved in full: nothing to appeal


def test_refused_transitions_say_why_and_change_nothing(fund, client_for):
    first, second = client_for("committee1"), client_for("committee2")
    finance = client_for("finance")
    draft_pk, reviewed = draft(fund), draft(fund, RECOMMENDED)

    # Wrong role: Finance may transition claims (payments) but not review them.
    page = finance.get(f"/claims/transition/{reviewed}/approve")
    assert page.status_code == 403 and "You may not approve (second signature)" in text(page)
    current = str(claim_state(fund.app, reviewed).version)
    assert post(finance, reviewed, "approve", {"version": current}).status_code == 403
    assert buttons(finance, reviewed) == set()
    # Wrong state.
    current = str(claim_state(fund.app, draft_pk).version)
    page = text(post(first, draft_pk, "start_review", {"version": current},
                     follow_redirects=True))
    assert "is draft: it cannot be taken into review now" in page
    # The same committee member signing twice.
    response = press(first, reviewed, "approve", page=f"/claims/show/{reviewed}")
    assert response.status_code == 403
    assert "The second signature must come from a different committee member." in text(response)
    # A page opened before someone else changed the claim.
    stale = claim_state(fund.app, reviewed).version
    with fund.app.app_context():
        item_id = db.session.get(Claim, reviewed).items[0].id
    press(second, reviewed, "override_line",
          {"item_id": str(item_id), "amount": "1500.00", "reason": "Agreed with the doctor"})
    page = text(post(first, reviewed, "reject", {"version": str(stale), "reason": "Too late"},
                     follow_redirects=True))
    assert "was changed by someone else since you opened it" in page

    assert claim_state(fund.app, draft_pk).status == "draft"
    claim = claim_state(fund.app, reviewed)
    assert claim.status == "under_review" and claim.decided_by_id is None
    assert events(fund.app, draft_pk) == []
    assert events(fund.app, reviewed)[3:] == ["claim.override_line"]


def test_a_reviewer_linked_to_the_claim_is_refused(fund, client_for):
    with fund.app.app_context():
        own = factories.member(user_id=factories.user_id("committee2"),
                               contribution_receipt_date=YEAR_AGO)
        db.session.commit()
        own_id = own.id
    pk = draft(fund, member_id=own_id, steps=(
        ("submit", "committee1", {"received_on": TODAY, "declaration": True}),))
    second = client_for("committee2")
    assert buttons(second, pk) == set()
    page = post(second, pk, "start_review", {"version": str(claim_state(fund.app, pk).version)})
    assert page.status_code == 403
    assert "you or your dependant is the member or patient" in text(page)
    assert claim_state(fund.app, pk).status == "submitted"
    assert events(fund.app, pk) == ["claim.submit"]


def test_form_input_refused_by_the_rules_shows_at_its_field(fund, client_for):
    member, first = client_for("member1"), client_for("committee1")
    pk, reviewed = draft(fund), draft(fund, IN_REVIEW)
    page = press(member, pk, "submit", {})
    assert page.status_code == 200
    assert "Accept the declaration and consent to submit." in text(page)
    page = text(press(first, reviewed, "reject", {"reason": " "}))
    assert "Write a reason." in page
    with fund.app.app_context():
        item_id = db.session.get(Claim, reviewed).items[0].id
    page = text(press(first, reviewed, "override_line",
                      {"item_id": str(item_id), "amount": "12,x", "reason": "Agreed"}))
    assert "Enter an amount such as 1500.00." in page
    assert claim_state(fund.app, pk).status == "draft"
    assert claim_state(fund.app, reviewed).status == "under_review"
    assert events(fund.app, pk) == [] and len(events(fund.app, reviewed)) == 2


def test_paper_claim_keyed_in_by_the_claims_officer(fund, client_for):
    officer = client_for("committee1")
    received = TODAY - timedelta(days=3)
    with fund.app.app_context():
        provider_id = factories.provider("Kenyatta Hospital").id
        db.session.commit()
    claim_form = {"member": str(fund.member_id), "dependent": "", "claim_type": "outpatient",
                  "provider": str(provider_id), "received_on": "",
                  "first_visit_date": (TODAY - timedelta(days=6)).isoformat(),
                  "admission_date": "", "discharge_date": "", "return_date": "",
                  "admission_notified_at": "", "diagnosis": "Malaria", "icd10_code": "B54",
                  "chronic_request": "", "statutory_rebate_per_day": "0",
                  "other_insurance_benefit": "0", "hospital_discount": "0"}
    from tests.helpers import submit_form

    assert submit_form(officer, "/claims/add", claim_form).status_code == 302
    with fund.app.app_context():
        pk = db.session.query(Claim).one().id
    item = {"claim": str(pk), "scale_item": str(fund.consult_id),
            "description": "GP consultation", "quantity": "1", "unit_cost": "2000.00",
            "receipt_number": "KH-1001"}
    assert submit_form(officer, "/claim-items/add", item).status_code == 302

    form = text(officer.get(f"/claims/transition/{pk}/submit"))
    assert "Paper form received on" in form and "Paper declaration signed" in form
    page = text(press(officer, pk, "submit", {"received_on": "", "declaration": "y"}))
    assert "Enter the date the fund received the paper form." in page
    page = text(press(officer, pk, "submit", {"received_on": received.isoformat(),
                                               "declaration": "y"}))
    assert "is now submitted" in page
    claim = claim_state(fund.app, pk)
    assert claim.declaration_source == "paper" and claim.received_on == received
    assert claim.submitted_at.date() == received and claim.total_eligible == D("1600.00")
    # Keying in its line changed the claim's total (a change of the record), then the step.
    assert events(fund.app, pk) == ["claim.update", "claim.submit"]


def test_information_request_answer_override_and_rejection(fund, client_for):
    member, first, second = (client_for(n) for n in ("member1", "committee1", "committee2"))
    pk = draft(fund, IN_REVIEW)
    press(first, pk, "request_info", {"reason": "Send the referral letter"})
    assert buttons(member, pk) == {"answer_info", "withdraw"}
    page = text(member.get(f"/claims/transition/{pk}/answer_info"))
    assert "Send the referral letter" in page
    press(member, pk, "answer_info", {"reason": "Letter attached"})
    with fund.app.app_context():
        item_id = db.session.get(Claim, pk).items[0].id
    page = text(press(second, pk, "override_line",
                      {"item_id": str(item_id), "amount": "1500.00", "reason": "Agreed fee"}))
    assert "DISCRETION" in page and "The committee adjusted this amount (reason given)." in page
    assert "Letter attached" in page and "Send the referral letter" in page
    page = text(press(second, pk, "reject", {"reason": "Not medically necessary",
                                             "reason_codes": ["EXCLUDED"]}))
    assert "is now rejected" in page
    assert "The fund does not pay for this item." in page  # EXCLUDED, for the whole claim
    claim = claim_state(fund.app, pk)
    assert claim.status == "rejected" and claim.total_approved == 0
    assert claim.decision_reason == "Not medically necessary"
    assert events(fund.app, pk)[2:] == ["claim.request_info", "claim.answer_info",
                                        "claim.override_line", "claim.reject"]


def test_member_acts_on_his_own_claim_only(fund, client_for):
    member = client_for("member1")
    with fund.app.app_context():
        stranger = factories.member(contribution_receipt_date=YEAR_AGO)
        db.session.commit()
        stranger_id = stranger.id
    others = draft(fund, member_id=stranger_id)
    pk, rejected = draft(fund), draft(fund, REJECTED)

    assert member.get(f"/claims/transition/{others}/submit").status_code == 404
    response = post(member, others, "withdraw", {"version": "1"})  # 404 before any version
    assert response.status_code == 404 and claim_state(fund.app, others).status == "draft"
    assert member.get(f"/claims/transition/{pk}/start_review").status_code == 403

    press(member, pk, "submit", {"declaration": "y"})
    assert buttons(member, pk) == {"withdraw"}
    assert "is now withdrawn" in text(press(member, pk, "withdraw", {}))
    assert buttons(member, rejected) == {"appeal"}
    page = text(press(member, rejected, "appeal", {"reason": "I was referred by my GP"}))
    assert "is now appealed" in page
    assert events(fund.app, pk) == ["claim.submit", "claim.withdraw"]
    assert events(fund.app, rejected)[-1] == "claim.appeal"
    assert events(fund.app, others) == []


def test_only_admin_records_the_trustees_decision(fund, client_for):
    appealed_twice = (*REJECTED, ("appeal", "member1", {"reason": "Referred"}),
                      ("start_review", "committee2", {}),
                      ("reject", "committee2", {"reason": "Letter not valid"}),
                      ("appeal", "member1", {"reason": "To the trustees"}))
    pk = draft(fund, appealed_twice)
    committee, admin = client_for("committee1"), client_for("admin")
    assert buttons(committee, pk) == set()
    assert committee.get(f"/claims/transition/{pk}/trustee_decision").status_code == 403
    assert buttons(admin, pk) == {"trustee_decision"}
    page = text(press(admin, pk, "trustee_decision",
                      {"decision": "approved", "reason": "Trustees' meeting of 3 March"}))
    assert "is now approved" in page
    claim = claim_state(fund.app, pk)
    assert claim.status == "approved" and claim.total_approved == D("1800.00")
    assert events(fund.app, pk)[-1] == "claim.trustee_decision"


def test_auditor_has_no_transition_page(fund, client_for):
    pk = draft(fund, SUBMITTED)
    auditor = client_for("auditor")
    assert auditor.get(f"/claims/transition/{pk}/start_review").status_code == 403
    assert auditor.get("/claims/transition/bulk/reject?ids=%d" % pk).status_code == 403
    assert buttons(auditor, pk) == set()
