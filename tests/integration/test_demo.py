"""`flask claimdesk demo` and `demo-logins`, run as an operator would, on databases of their own
(the suite's database already has logins named like the demo's)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from pypdf import PdfReader

from app import create_app
from app.demo.logins import DEMO_LOGINS
from app.demo.reference import read_scale_csv
from app.extensions import db
from app.models import (
    AuditEvent,
    BenefitCategory,
    ChronicRequest,
    Claim,
    CommitteeMeeting,
    Dependent,
    Member,
    MembershipType,
    Notification,
    Payment,
    PaymentBatch,
    Provider,
    ReviewerSetting,
    ScaleItem,
    Setting,
)
from app.models.reviewer import OPEN_REVIEW
from app.services import reports
from app.services.adjudication.loader import adjudicate_claim
from app.services.calendar import fund_today
from app.services.minutes import minutes_pdf
from app.services.payments.reconciliation import unmatched_lines, unreconciled_payments
from app.services.roles import sync_roles
from app.services.settings import SETTINGS
from app.services.validation import claim_errors, dependent_errors, member_errors
from config import instance_secret
from tests import conftest
from tests.audit_support import workflow_events
from tests.conftest import DATABASE_URL, IS_POSTGRES
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]


def fresh_database_url(tmp: Path, suffix: str) -> str:
    """A database of its own: SQLite in ``tmp``, or a sibling of the suite's PostgreSQL one."""
    if not IS_POSTGRES:
        return f"sqlite:///{tmp / 'demo.db'}"
    url = sa.engine.make_url(DATABASE_URL)
    name = f"{url.database}_{suffix}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if (
            conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            is None
        ):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def fresh_app(tmp: Path, suffix: str, **config) -> Flask:
    application = create_app(
        conftest.test_config(
            SQLALCHEMY_DATABASE_URI=fresh_database_url(tmp, suffix),
            INSTANCE_PATH=str(tmp / "instance"),
            **config,
        )
    )
    with application.app_context():
        if IS_POSTGRES:
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        sync_roles()
        db.session.remove()
    return application


def run(application: Flask, *args: str) -> str:
    result = application.test_cli_runner().invoke(args=["claimdesk", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory) -> Flask:
    application = fresh_app(tmp_path_factory.mktemp("demo"), "demo", DEMO_PASSWORD=None)
    application.config["DEMO_OUTPUT"] = run(application, "demo")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_ctx(demo_app):
    with demo_app.app_context():
        yield
        db.session.remove()


def demo_password(application: Flask) -> str:
    return instance_secret(Path(application.config["INSTANCE_PATH"]), "demo_password")


def test_the_demo_fund_is_configured_as_its_bylaws_say(demo_ctx):
    types = {t.key: t for t in db.session.query(MembershipType)}
    assert {k: (t.term_years, t.follows_fund_cycle, t.covers) for k, t in types.items()} == {
        "single": (2, True, "member"),
        "joint": (2, True, "member_spouse"),
        "family": (2, True, "family"),
        "vice_patron": (10, False, "family"),
        "patron": (15, False, "family"),
        "life": (None, False, "member_spouse"),
    }
    assert {(t.child_age_limit, t.waiting_period_days) for t in types.values()} == {(18, 90)}
    limits = {
        c.key: (c.annual_limit, c.critical_illness_top_up)
        for c in db.session.query(BenefitCategory)
    }
    assert limits == {
        "general": (Decimal("250000"), Decimal("200000")),
        "chronic": (None, Decimal("0")),
        "dental_emergency": (Decimal("20000"), 0),
        "dental": (Decimal("50000"), 0),
        "optical": (Decimal("30000"), 0),
    }
    scale = {s.code: s for s in db.session.query(ScaleItem)}
    assert set(scale) == {row["code"] for row in read_scale_csv()}
    assert {s.effective_from for s in scale.values()} == {date(2024, 5, 1)}
    assert (scale["GP_CONSULT"].fee_cap, scale["GP_CONSULT"].rate_percent) == (Decimal("1800"), 80)
    assert scale["CHRONIC_MEDICINES"].rate_percent == 40
    assert scale["DENTAL"].rate_percent == scale["OPTICAL"].rate_percent == 50
    assert all(scale[c].fee_cap is None for c in ("LAB", "IMAGING", "MEDICINES"))
    excluded = {code for code, s in scale.items() if s.excluded}
    assert excluded == {
        "COSMETIC",
        "NATURE_CURE",
        "TRANSPORT",
        "INFERTILITY",
        "MORTUARY",
        "SANATORIUM",
    }
    providers = db.session.query(Provider).all()
    assert len(providers) >= 6
    assert {"hospital", "clinic", "pharmacy", "laboratory", "specialist"} <= {
        p.provider_type for p in providers
    }
    assert any(p.country != "KE" for p in providers)
    clinic = next(p for p in providers if p.rate_overrides)
    assert sorted(
        (o.claim_type or o.scale_item.code, o.rate_percent) for o in clinic.rate_overrides
    ) == [("DAY_CARE", 100), ("outpatient", 100)]
    assert {s.key for s in db.session.query(Setting)} == {d.key for d in SETTINGS}


def test_the_demo_has_members_in_every_status_with_dependents_their_cover_allows(demo_ctx):
    members = db.session.query(Member).all()
    assert 50 <= len(members) <= 70
    statuses = Counter(m.status for m in members)
    assert set(statuses) == {"active", "pending", "suspended", "lapsed", "terminated"}
    assert statuses["active"] > len(members) / 2
    assert {m.membership_type.key for m in members} == {
        "single",
        "joint",
        "family",
        "vice_patron",
        "patron",
        "life",
    }
    today = fund_today()
    for member in members:
        assert member_errors(member, today) == {}, member
        assert member.phone.startswith("+2547") and len(member.phone) == 13
        assert member.payout_method in ("bank", "mobile_money")
        if member.contribution_receipt_date is not None:
            assert member.valid_from == member.contribution_receipt_date and member.benefits_from
    assert len({m.national_id for m in members}) == len(members)
    dependents = db.session.query(Dependent).all()
    assert {d.status for d in dependents} >= {"active", "pending"}
    for dependent in dependents:
        assert dependent_errors(dependent, today) == {}, dependent
    requests = db.session.query(ChronicRequest).all()
    assert requests and all(r.medicines for r in requests)
    assert Counter(r.status for r in requests) == {"approved": 3, "pending": len(requests) - 3}
    for request in (r for r in requests if r.status == "approved"):
        assert 0 < request.approved_monthly_amount < request.requested_monthly_amount
        assert request.valid_from < request.valid_to and request.decided_by.username == "committee2"


def test_the_demo_claims_are_in_every_state_and_their_totals_add_up(demo_ctx):
    claims = db.session.query(Claim).all()
    assert 360 <= len(claims) <= 440
    assert len({c.claim_number for c in claims}) == len(claims)
    statuses = Counter(c.status for c in claims)
    assert set(statuses) == {
        "draft", "submitted", "under_review", "info_requested", "approved",
        "partially_approved", "rejected", "appealed", "trustee_review", "paid",
    }
    assert statuses["appealed"] == statuses["trustee_review"] == 1
    assert statuses["submitted"] > statuses["approved"] > statuses["partially_approved"]
    types = Counter(c.claim_type for c in claims)
    assert set(types) == {"outpatient", "inpatient", "chronic", "dental", "optical"}
    assert types.most_common(1)[0][0] == "outpatient"
    assert any(c.treated_abroad for c in claims)
    today = fund_today()
    for claim in claims:
        assert 1 <= len(claim.items) <= 4, claim
        assert claim.total_claimed == sum(i.quantity * i.unit_cost for i in claim.items), claim
        assert all(
            i.claimed_amount == i.quantity * i.unit_cost and i.receipt_number for i in claim.items
        )
        assert all(i.scale_item.applies_to(claim.claim_type) for i in claim.items), claim
        assert claim_errors(claim, today) == {}, claim
        patient = claim.dependent or claim.member
        assert patient.date_of_birth <= claim.treatment_date, claim
        if claim.dependent is not None:
            assert claim.dependent.status == "active", claim
        if claim.status != "draft":
            assert claim.received_on and claim.submitted_at and claim.declaration_accepted_at
            assert claim.declaration_source in ("online", "paper")
            assert claim.recommended_outcome and claim.adjudicated_at, claim
        if claim.claim_type == "inpatient":
            assert claim.admission_date and claim.discharge_date and claim.admission_notified_at
        if claim.claim_type == "chronic":
            assert claim.chronic_request is not None
    submitted = [c for c in claims if c.status != "draft"]
    on_time = [
        c
        for c in submitted
        if (c.received_on - (c.discharge_date or c.first_visit_date)).days <= 90
    ]
    assert len(on_time) > 0.9 * len(submitted)
    dates = [c.treatment_date for c in claims]
    assert (today - min(dates)).days >= 300 and max(dates) <= today


DECIDED = ("approved", "partially_approved", "rejected")


def transitions(claim: Claim) -> list[tuple[str, str, str, str]]:
    """(action, actor, from, to) of the claim's transition events, in order."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.resource_type == "claim", AuditEvent.resource_id == str(claim.id),
               workflow_events(), AuditEvent.action.notlike("%.update"))  # the demo's own edits
        .order_by(AuditEvent.id)
    )
    rows = []
    for event in events:
        details = json.loads(event.details)
        rows.append((event.action, event.actor_name, details["from"], details["to"]))
    return rows


def test_decided_demo_claims_went_through_the_transitions(demo_ctx):
    moved = db.session.scalars(
        sa.select(Claim).where(Claim.status.not_in(("draft", "submitted")))
    ).all()
    assert {c.status for c in moved} >= set(DECIDED)
    for claim in moved:
        chain = transitions(claim)
        assert chain and chain[0][:3] == ("claim.start_review", "committee1", "submitted"), claim
        assert all(a[3] == b[2] for a, b in zip(chain[:-1], chain[1:], strict=True)), claim
        assert chain[-1][3] == claim.status, claim
        if claim.status in ("approved", "partially_approved"):
            decision = [(action, actor) for action, actor, _, _ in chain
                        if action != "claim.ratify"]
            assert decision[-2:] == [
                ("claim.recommend", "committee1"), ("claim.approve", "committee2")]
            assert claim.decided_by.username == "committee2"
            # Every decision awaits ratification until the demo's meeting ratifies it.
            assert claim.awaiting_ratification is (claim.ratified_meeting_id is None)
        if claim.status == "rejected":
            assert claim.decision_reason and claim.reason_codes and claim.total_approved == 0
    trustees = next(c for c in moved if c.status == "trustee_review")
    assert [a for a, *_ in transitions(trustees)][-4:] == [
        "claim.appeal", "claim.start_review", "claim.reject", "claim.appeal"]
    appellants = {c.member.user.username for c in moved if c.appeal_count}
    assert appellants <= {"member1", "member2"} and appellants


def test_the_demo_committee_met_ratified_and_planned_its_next_meeting(demo_ctx):
    held, upcoming = db.session.scalars(
        sa.select(CommitteeMeeting).order_by(CommitteeMeeting.meeting_date)).all()
    assert (held.status, held.meeting_type, held.quorum, len(held.attendees)) == (
        "closed", "special", 4, 4)
    outcomes = Counter(item.outcome for item in held.agenda)
    assert outcomes["ratified"] > 0 and outcomes["sent_back"] == 1
    for item in held.agenda:
        if item.outcome == "ratified":
            assert item.claim.ratified_meeting_id == held.id
            assert not item.claim.awaiting_ratification
        else:
            assert item.claim.status == "under_review" and item.outcome_reason
    assert (upcoming.status, upcoming.meeting_type) == ("draft", "monthly")
    assert upcoming.agenda and all(i.outcome == "pending" for i in upcoming.agenda)
    assert all(i.claim.awaiting_ratification for i in upcoming.agenda)
    _, pdf = minutes_pdf(db.session, held.id)
    words = " ".join(" ".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf)).pages).split())
    assert all(item.claim.claim_number in words for item in held.agenda)


def test_the_demo_paid_and_reconciled_its_ratified_decisions(demo_ctx):
    batches = db.session.scalars(sa.select(PaymentBatch).order_by(PaymentBatch.id)).all()
    assert [(b.method, b.status) for b in batches] == [("bank", "paid"), ("mobile_money", "paid")]
    for batch in batches:
        assert (batch.created_by.username, batch.approved_by.username) == ("finance", "finance2")
        assert batch.payments and batch.bank_reference
        assert batch.total_amount == sum(p.amount for p in batch.payments)
        for payment in batch.payments:
            claim = payment.claim
            assert claim.status == "paid" and claim.ratified_meeting_id is not None
            assert claim.total_paid == claim.total_approved == payment.amount
            assert claim.member.payout_method == batch.method
            assert transitions(claim)[-1][:2] == ("claim.pay", "finance")
    bank, mobile = batches
    assert all(p.reconciled_at is not None for p in bank.payments)
    assert unreconciled_payments(db.session) == [mobile.payments[-1]]
    assert [line.reference for line in unmatched_lines(db.session)] == ["B2C-CHARGES"]
    paid = db.session.scalar(sa.select(sa.func.count()).select_from(Payment))
    assert paid == db.session.scalar(sa.select(sa.func.count()).where(Claim.status == "paid"))


def test_the_reports_settle_the_demo_payments_only_once_reconciled(demo_ctx):
    """The demo's batches went through the payment services: the bank one fully reconciled, the
    mobile-money one but its last payment. The reports count exactly that."""
    today = fund_today()
    period = {"date_from": date(today.year - 5, 1, 1).isoformat(), "date_to": today.isoformat()}
    bank, mobile = db.session.scalars(sa.select(PaymentBatch).order_by(PaymentBatch.id)).all()
    waiting = mobile.payments[-1]
    assert waiting.reconciled_at is None and waiting.status == "paid"
    summary = reports.run(db.session, "financial_summary", period).totals
    assert summary["paid"] == bank.total_amount + mobile.total_amount
    assert summary["unreconciled"] == waiting.amount
    assert summary["settled"] == bank.total_amount + mobile.total_amount - waiting.amount
    assert summary["approved"] == (summary["settled"] + summary["unreconciled"]
                                   + summary["outstanding"])
    assert reports.run(db.session, "claims_by_status", period).totals["settled"] == (
        summary["settled"])
    turnaround = reports.run(db.session, "turnaround", period).totals
    assert turnaround["settled"] == len(bank.payments) + len(mobile.payments) - 1


def test_decided_demo_claims_carry_the_amounts_the_engine_computes(demo_ctx):
    decided = db.session.scalars(sa.select(Claim).where(Claim.status.in_(DECIDED))).all()
    outcomes = Counter(c.status for c in decided)
    assert outcomes["approved"] > outcomes["rejected"] > 0 and outcomes["partially_approved"] > 0
    for claim in decided:
        stored = [
            (i.eligible_amount, i.chronic_cut, i.limit_cut, i.approved_amount, i.reason_codes)
            for i in claim.items
        ]
        totals = (claim.total_eligible, claim.total_approved, claim.reason_codes)
        working = adjudicate_claim(db.session, claim)
        assert stored == [
            (i.eligible_amount, i.chronic_cut, i.limit_cut, i.approved_amount, i.reason_codes)
            for i in claim.items
        ], claim
        assert (claim.total_eligible, claim.total_approved, claim.reason_codes) == totals, claim
        assert working.outcome == claim.status, claim
        if claim.status == "partially_approved":
            assert 0 < claim.total_approved < claim.total_eligible
    db.session.rollback()


def test_demo_chronic_claims_draw_on_the_approved_requests(demo_ctx):
    chronic = db.session.scalars(
        sa.select(Claim).where(Claim.claim_type == "chronic", Claim.status != "draft")
    ).all()
    for claim in chronic:
        approved = claim.chronic_request.status == "approved"
        assert ("NO_CHRONIC_APPROVAL" in (claim.reason_codes or "")) is not approved, claim
    lines = [i for c in chronic for i in c.items]
    assert any("CHRONIC_CAP" in (i.reason_codes or "") for i in lines)


def test_demo_checklists_follow_the_processing_form_and_decisions_answered_them(demo_ctx):
    from app.models import ChecklistAnswer, ChecklistItem, ReviewTemplate
    from app.services.checklists import unanswered_mandatory

    items = db.session.scalars(sa.select(ChecklistItem)).all()
    assert {i.claim_type for i in items} == {"outpatient", "inpatient", "chronic", "dental",
                                             "optical"}
    texts = {i.text for i in items}
    assert "Statutory insurer (SHIF) rebate deducted for the days of admission" in texts
    assert "Claim received within 90 days of the first visit" in texts
    assert {t.kind for t in db.session.scalars(sa.select(ReviewTemplate))} == {
        "rejection", "info_request", "note"}
    decided = db.session.scalars(sa.select(Claim).where(Claim.decided_at.is_not(None))).all()
    assert decided
    for claim in decided:
        assert unanswered_mandatory(db.session, claim) == [], claim
    late = [c for c in decided if "LATE_SUBMISSION" in (c.reason_codes or "")]
    assert late
    for claim in late:  # the answers say what the processing form says
        answers = db.session.scalars(sa.select(ChecklistAnswer).where(
            ChecklistAnswer.claim_id == claim.id)).all()
        assert any("90 days" in a.item.text and a.answer == "no" for a in answers), claim


def test_the_demo_committee_has_queues_flagged_claims_and_clocks(demo_ctx):
    settings = {s.user.username: s for s in db.session.scalars(sa.select(ReviewerSetting))}
    assert set(settings) == {"committee1", "committee2", "committee3", "committee4"}
    assert not settings["committee4"].active
    open_claims = db.session.scalars(sa.select(Claim).where(Claim.status.in_(OPEN_REVIEW))).all()
    queues = Counter(c.assigned_reviewer.username for c in open_claims if c.assigned_reviewer)
    for username, setting in settings.items():
        if setting.active:
            assert 0 < queues[username] <= setting.capacity, username
    flagged = [c for c in open_claims if c.assigned_reviewer is None]
    assert flagged and all(c.assignment_flagged for c in flagged)
    # Every open claim runs (or, asked for information, stopped) a clock, in every state.
    assert all(c.sla_due_at and c.sla_status for c in open_claims)
    assert {"on_track", "breached"} <= {c.sla_status for c in open_claims}
    breached = [c for c in open_claims if c.sla_status == "breached"]
    assert all(c.sla_breached_at for c in breached)
    notified = set(db.session.scalars(sa.select(Notification.claim_id).where(
        Notification.kind == "sla_breached")))
    assert {c.id for c in breached} <= notified


def test_a_second_run_adds_and_changes_nothing(demo_app):
    with demo_app.app_context():
        before = counts()
        last_change = db.session.execute(sa.select(sa.func.max(Claim.updated_at))).scalar_one()
        db.session.remove()
    output = run(demo_app, "demo")
    assert "claims: 0 added" in output and "members: 0 added" in output
    with demo_app.app_context():
        assert counts() == before
        assert (
            db.session.execute(sa.select(sa.func.max(Claim.updated_at))).scalar_one() == last_change
        )
        db.session.remove()
    assert "claims: 0 added" not in demo_app.config["DEMO_OUTPUT"]


def test_demo_logins_prints_the_address_every_login_and_the_password(demo_app):
    output = run(demo_app, "demo-logins")
    assert "http://127.0.0.1:5000" in output
    for username, role in DEMO_LOGINS:
        assert any(line.split() == [username, role] for line in output.splitlines()), username
    assert demo_password(demo_app) in output
    assert "not created yet" not in output


def test_each_demo_login_signs_in_and_reaches_its_screens(demo_app):
    password = demo_password(demo_app)
    with demo_app.test_request_context():
        claims_list = url_for("ClaimView.list")
    clients = {}
    for username, _ in DEMO_LOGINS:
        clients[username] = demo_app.test_client()
        response = login(clients[username], username, password)
        assert response.status_code in (302, 303), f"{username} could not log in"
    assert clients["admin"].get("/users/list/").status_code == 200
    for username in ("committee1", "committee2", "finance", "auditor"):
        assert clients[username].get(claims_list).status_code == 200, username
    assert clients["committee1"].get("/users/list/").status_code == 403
    with demo_app.app_context():
        member1 = db.session.query(Member).filter(Member.user.has(username="member1")).one()
        mine = [c.claim_number for c in db.session.query(Claim).filter_by(member_id=member1.id)]
        others = [
            c.claim_number for c in db.session.query(Claim).filter(Claim.member_id != member1.id)
        ]
        assert member1.dependents and mine
        db.session.remove()
    page = clients["member1"].get(claims_list).get_data(as_text=True)
    assert all(number in page for number in mine)
    assert not any(number in page for number in others)


@pytest.fixture(scope="module")
def second_demo_app(tmp_path_factory) -> Flask:
    """Another fresh database, loaded with the password given in the configuration."""
    tmp = tmp_path_factory.mktemp("second_demo")
    application = fresh_app(tmp, "demo_second", DEMO_PASSWORD="Demo-Password-2026xy")
    run(application, "demo")
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def fund_fingerprint(application: Flask) -> tuple:
    with application.app_context():
        members = sorted(
            (m.national_id, m.full_name, m.status, m.contribution_receipt_date, len(m.dependents))
            for m in db.session.query(Member)
        )
        claims = sorted(
            (c.member.national_id, c.claim_type, c.treatment_date, c.status, c.total_claimed)
            for c in db.session.query(Claim)
        )
        db.session.remove()
    return members, claims


def test_the_same_fund_is_loaded_into_every_fresh_database(demo_app, second_demo_app):
    assert fund_fingerprint(demo_app) == fund_fingerprint(second_demo_app)


def test_the_configured_demo_password_is_used_and_none_is_generated(second_demo_app):
    client = second_demo_app.test_client()
    assert login(client, "finance", "Demo-Password-2026xy").status_code in (302, 303)
    instance = Path(second_demo_app.config["INSTANCE_PATH"])
    assert not (instance / "demo_password").exists()


@pytest.mark.slow
def test_the_demo_password_comes_from_CLAIMDESK_DEMO_PASSWORD(second_demo_app):
    env = {
        **os.environ,
        "CLAIMDESK_DEMO_PASSWORD": "From-The-Environment-9",
        "CLAIMDESK_DATABASE_URL": second_demo_app.config["SQLALCHEMY_DATABASE_URI"],
        "CLAIMDESK_INSTANCE_PATH": second_demo_app.config["INSTANCE_PATH"],
    }
    printed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run", "claimdesk", "demo-logins"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    assert "Password of every demo login: From-The-Environment-9" in printed.stdout
    assert "member2" in printed.stdout and "not created yet" not in printed.stdout
