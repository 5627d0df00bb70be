"""Property-based run of schemathesis over our own OpenAPI document, in process, as Admin.

Every generated request must get an answer the document describes (status code and body) and
never a server error. Bounded and deterministic by default (``make test``); a larger randomised
run: ``CLAIMDESK_FUZZ_EXAMPLES=200 CLAIMDESK_FUZZ_RANDOM=1`` (``make fuzz``).
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from app.extensions import db
from app.models import (
    ChecklistItem,
    ChronicRequest,
    Claim,
    CommitteeMeeting,
    Notification,
    ReviewerSetting,
    Setting,
)
from app.services.attachments import Upload, attach, find_owner
from tests import factories, hostile_files
from tests.helpers import api_token

EXAMPLES = int(os.environ.get("CLAIMDESK_FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("CLAIMDESK_FUZZ_RANDOM", "").lower() in ("1", "true", "yes", "on")
CHECKS = ["not_a_server_error", "response_schema_conformance", "status_code_conformance"]
# FAB's own endpoints (login, menu) and the document itself are not ours to describe.
NOT_OURS = r"^/api/(v1/security/|v1/menu/|\{version\}/_openapi)"


def seed_reference_data() -> None:
    """A little of everything, so that ids the fuzzer tries (1, 2, ...) often resolve."""
    family = factories.membership_type("family")
    factories.membership_type("single")
    general = factories.benefit_category("general")
    factories.benefit_category("chronic", limit=None)
    factories.scale_item("GP_CONSULT", benefit_category=general)
    provider = factories.provider()
    member = factories.member(membership_type=family)
    child = factories.dependent(member)
    claim = factories.claim(of=member, provider=provider, items=2)
    db.session.add(ChronicRequest(member=member, dependent=child, condition="Asthma",
                                  doctor_name="Dr. Wanjiru", requested_monthly_amount=Decimal(
                                      "4500.00")))
    db.session.add(Setting(key="sla_decision_days", value="30", value_type="int"))
    db.session.add(CommitteeMeeting(meeting_date=date.today(), meeting_type="monthly",
                                    minutes="The committee met."))
    factories.note(claim, follow_up_on=date.today(), tags="provider")
    factories.checklist("outpatient")
    factories.review_template("Late submission")
    db.session.add(ReviewerSetting(user_id=factories.user_id("committee2"), capacity=10))
    db.session.add(Notification(recipient_role="Committee", kind="sla_breached",
                                message="Claim late", claim=claim))
    db.session.commit()
    admin = current_app.appbuilder.sm.find_user(username="admin")
    attach(find_owner(admin, claim_id=claim.id),
           [Upload("receipt.pdf", io.BytesIO(hostile_files.pdf_receipt()))], admin)


@pytest.fixture(scope="module")
def admin_document(app):
    """The document and an Admin token, fetched once (users and permissions outlive each test)."""
    headers = {"Authorization": f"Bearer {api_token(app.test_client(), 'admin')}"}
    document = app.test_client().get("/api/v1/_openapi", headers=headers)
    assert document.status_code == 200
    return document.get_json(), headers


@pytest.fixture
def api_schema(app, admin_document):
    with app.app_context():
        seed_reference_data()
        db.session.remove()
    document, headers = admin_document
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = app
    loaded.config.update(headers=headers)
    loaded.config.generation.update(
        max_examples=EXAMPLES, deterministic=not RANDOM, database="none"
    )
    loaded.config.checks.update(included_check_names=CHECKS)
    loaded.config.phases.coverage.enabled = False
    return loaded


RESOURCES = ("claim", "claimitem", "chronicrequest", "member", "dependent", "membershiptype",
             "benefitcategory", "scaleitem", "provider", "setting")
OPERATIONS = [
    *[(method, f"/api/v1/{resource}/") for resource in RESOURCES for method in ("GET", "POST")],
    *[(method, f"/api/v1/{resource}/{{pk}}") for resource in RESOURCES
      for method in ("GET", "PUT", "DELETE")
      if (method, resource) != ("DELETE", "chronicrequest")],  # no role deletes a request
    *[("GET", f"/api/v1/{resource}/_info") for resource in RESOURCES],
    # a claim's lifecycle
    ("POST", "/api/v1/claim/{pk}/transition"),
    ("POST", "/api/v1/claim/bulk_transition"),
    ("GET", "/api/v1/claim/{pk}/adjudication"),
    ("GET", "/api/v1/claim/{pk}/statement"),  # the processing form as PDF
    ("GET", "/api/v1/member/{pk}/balance"),  # a member's benefit balance
    # privacy: subject-access export, anonymisation of a member who left
    ("GET", "/api/v1/member/{pk}/subject_access"),
    ("POST", "/api/v1/member/{pk}/anonymise"),
    # decisions on chronic requests, a dependent's steps
    ("POST", "/api/v1/chronicrequest/{pk}/transition"),
    ("POST", "/api/v1/chronicrequest/bulk_transition"),
    ("POST", "/api/v1/dependent/{pk}/transition"),
    ("POST", "/api/v1/dependent/bulk_transition"),
    # files (the upload is multipart; there is no JSON PUT or _info)
    ("GET", "/api/v1/attachment/"),
    ("POST", "/api/v1/attachment/"),
    ("GET", "/api/v1/attachment/{pk}"),
    ("DELETE", "/api/v1/attachment/{pk}"),
    ("GET", "/api/v1/attachment/{pk}/download"),
    ("GET", "/api/v1/auditevent/"),
    ("GET", "/api/v1/auditevent/{pk}"),
    ("GET", "/api/v1/auditevent/_info"),
    ("GET", "/api/v1/auditevent/export"),  # streamed CSV or JSON Lines
    # notes (kept: no DELETE), checklist items and review templates, checklist answers
    *[(method, "/api/v1/claimnote/") for method in ("GET", "POST")],
    *[(method, "/api/v1/claimnote/{pk}") for method in ("GET", "PUT")],
    ("GET", "/api/v1/claimnote/_info"),
    *[(method, f"/api/v1/{resource}/") for resource in ("checklistitem", "reviewtemplate")
      for method in ("GET", "POST")],
    *[(method, f"/api/v1/{resource}/{{pk}}") for resource in ("checklistitem", "reviewtemplate")
      for method in ("GET", "PUT", "DELETE")],
    *[("GET", f"/api/v1/{resource}/_info") for resource in ("checklistitem", "reviewtemplate")],
    *[(method, "/api/v1/reviewchecklist/") for method in ("GET", "POST")],
    *[(method, "/api/v1/reviewchecklist/{pk}") for method in ("GET", "PUT")],
    ("GET", "/api/v1/reviewchecklist/_info"),
    # committee meetings (no DELETE: meetings are kept), their steps, attendance, agenda, minutes
    *[(method, "/api/v1/committeemeeting/") for method in ("GET", "POST")],
    *[(method, "/api/v1/committeemeeting/{pk}") for method in ("GET", "PUT")],
    ("GET", "/api/v1/committeemeeting/_info"),
    ("POST", "/api/v1/committeemeeting/{pk}/transition"),
    ("POST", "/api/v1/committeemeeting/{pk}/attendance"),
    ("GET", "/api/v1/committeemeeting/{pk}/agenda"),
    ("POST", "/api/v1/committeemeeting/{pk}/agenda"),
    ("GET", "/api/v1/committeemeeting/{pk}/minutes"),
    # reviewers' settings; notifications (read-only, but for marking one as read)
    *[(method, "/api/v1/reviewersetting/") for method in ("GET", "POST")],
    *[(method, "/api/v1/reviewersetting/{pk}") for method in ("GET", "PUT", "DELETE")],
    ("GET", "/api/v1/reviewersetting/_info"),
    ("GET", "/api/v1/notification/"),
    ("GET", "/api/v1/notification/{pk}"),
    ("GET", "/api/v1/notification/_info"),
    ("POST", "/api/v1/notification/{pk}/read"),
    # payment batches (changed only through their own routes) and payments (read-only)
    *[("GET", f"/api/v1/{resource}/{path}") for resource in ("paymentbatch", "payment")
      for path in ("", "{pk}", "_info")],
    ("POST", "/api/v1/paymentbatch/build"),
    ("POST", "/api/v1/paymentbatch/{pk}/transition"),
    ("POST", "/api/v1/paymentbatch/{pk}/cheques"),
    ("GET", "/api/v1/paymentbatch/{pk}/payout_file"),
    ("GET", "/api/v1/payment/{pk}/advice"),
    # statements imported for reconciliation (kept as imported: no PUT or DELETE)
    *[("GET", f"/api/v1/statementimport/{path}") for path in ("", "{pk}", "_info", "unmatched")],
    ("POST", "/api/v1/statementimport/import"),
    # the dashboard's charts
    *[("GET", f"/api/v1/dashboard/{chart}")
      for chart in ("open_claims", "monthly", "sla", "decision_time", "categories",
                    "top_claimants", "reviewers")],
    # the reports and the claims list export
    ("GET", "/api/v1/report/"),
    ("GET", "/api/v1/report/{report}"),
    ("GET", "/api/v1/report/claims/export"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_answers_as_documented(api_schema, method, path):
    operation = api_schema[path][method]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(max_examples=EXAMPLES, derandomize=not RANDOM, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    def answers_as_documented(case):
        case.call_and_validate()

    answers_as_documented()


def test_a_claims_lifecycle_answers_as_documented(app, api_schema, admin_document):
    """The fuzzer seldom guesses a claim's id and version together: walk one claim through its
    lifecycle so that each success, too, is checked against the document."""
    with app.app_context():
        claim = db.session.query(Claim).one()
        claim_id, version = claim.id, claim.version
    headers = admin_document[1]
    transition = api_schema["/api/v1/claim/{pk}/transition"]["POST"]
    bulk = api_schema["/api/v1/claim/bulk_transition"]["POST"]
    working = api_schema["/api/v1/claim/{pk}/adjudication"]["GET"]
    steps = [{"action": "submit", "declaration": True, "received_on": date.today().isoformat()},
             {"action": "start_review"}, {"action": "recommend"}]
    for step in steps:
        if step["action"] == "recommend":  # the seeded checklist is answered first
            answer_checklist(app, api_schema, headers, claim_id)
        answer = transition.Case(path_parameters={"pk": claim_id}, headers=headers,
                                 body={**step, "version": version}).call_and_validate()
        assert answer.status_code == 200, answer.text
        version = answer.json()["result"]["version"]
    answer = bulk.Case(headers=headers, body={"action": "reject", "ids": [claim_id, claim_id + 1],
                             "reason": "Not covered", "reason_codes": ["NOT_COVERED"]}
                       ).call_and_validate()
    assert [outcome["ok"] for outcome in answer.json()["result"]] == [True, False]
    answer = working.Case(path_parameters={"pk": claim_id}, headers=headers).call_and_validate()
    assert answer.json()["result"]["status"] == "rejected"
    assert len(answer.json()["result"]["lines"]) == 2


def answer_checklist(app, api_schema, headers, claim_id: int) -> None:
    with app.app_context():
        items = db.session.scalars(sa.select(ChecklistItem.id).order_by(ChecklistItem.id)).all()
    post = api_schema["/api/v1/reviewchecklist/"]["POST"]
    put = api_schema["/api/v1/reviewchecklist/{pk}"]["PUT"]
    for item in items:
        answer = post.Case(headers=headers, body={"claim": claim_id, "item": item,
                                                  "answer": "yes"}).call_and_validate()
        assert answer.status_code == 201, answer.text
    answer = put.Case(path_parameters={"pk": answer.json()["id"]}, headers=headers,
                      body={"answer": "not_applicable", "comment": "No referral needed"}
                      ).call_and_validate()
    assert answer.status_code == 200, answer.text


def test_a_meetings_steps_answer_as_documented(app, api_schema, admin_document):
    """Open a meeting, record its attendance, close it and fetch its minutes, each answer
    checked against the document."""
    with app.app_context():
        meeting = db.session.query(CommitteeMeeting).one()
        pk, version = meeting.id, meeting.version
        committee = [current_app.appbuilder.sm.find_user(username=name).id
                     for name in ("committee1", "committee2")]
    headers = admin_document[1]
    transition = api_schema["/api/v1/committeemeeting/{pk}/transition"]["POST"]
    attendance = api_schema["/api/v1/committeemeeting/{pk}/attendance"]["POST"]
    agenda = api_schema["/api/v1/committeemeeting/{pk}/agenda"]
    answer = transition.Case(path_parameters={"pk": pk}, headers=headers,
                             body={"action": "open", "version": version}).call_and_validate()
    assert answer.status_code == 200, answer.text
    answer = attendance.Case(path_parameters={"pk": pk}, headers=headers,
                             body={"attendees": committee}).call_and_validate()
    assert answer.status_code == 200, answer.text
    answer = agenda["POST"].Case(path_parameters={"pk": pk}, headers=headers,
                                 body={"action": "ratify", "ids": [1]}).call_and_validate()
    assert answer.json()["refused"] == 1
    version = stored_version(app, pk)
    answer = transition.Case(path_parameters={"pk": pk}, headers=headers,
                             body={"action": "close", "version": version}).call_and_validate()
    assert answer.status_code == 200, answer.text
    answer = agenda["GET"].Case(path_parameters={"pk": pk}, headers=headers).call_and_validate()
    assert answer.json()["result"] == []
    minutes = api_schema["/api/v1/committeemeeting/{pk}/minutes"]["GET"]
    answer = minutes.Case(path_parameters={"pk": pk}, headers=headers).call_and_validate()
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")


def stored_version(app, pk: int) -> int:
    with app.app_context():
        return db.session.get(CommitteeMeeting, pk).version


def test_the_document_lists_every_operation_fuzzed(app, api_headers):
    """Each operation of each resource is in the document, and nothing of ours is left out."""
    paths = app.test_client().get(
        "/api/v1/_openapi", headers=api_headers("admin")
    ).get_json()["paths"]
    documented = {
        (method.upper(), path) for path, item in paths.items() for method in item
        if not re.match(NOT_OURS, path)
    }
    assert documented == set(OPERATIONS)
