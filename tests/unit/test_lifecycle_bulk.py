"""Bulk runs read claims a chunk at a time and write them with plain statements: they must end
exactly where one transition at a time ends, and judge each claim as it is when its turn comes."""

from __future__ import annotations

from decimal import Decimal as D

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, ClaimItem
from app.services.lifecycle import bulk, perform, perform_bulk
from tests.unit.test_lifecycle import draft, fund, user  # noqa: F401 (fixture)

PHASES = (("start_review", "committee1"), ("recommend", "committee1"),
          ("approve", "committee2"))
# What a transition may legitimately set differently on two claims: identity and clock.
VOLATILE = {"id", "claim_number", "created_at", "updated_at", "submitted_at", "recommended_at",
            "decided_at", "adjudicated_at", "declaration_accepted_at", "version", "sla_due_at",
            "payment_due_at", "received_on", "claim_id",
            # the factory gives each claim its own provider; assignment spreads the work
            "provider_id", "assigned_reviewer_id"}


def _state(claim_id: int) -> tuple[dict, list[dict]]:
    claim = db.session.execute(sa.select(Claim.__table__).where(
        Claim.__table__.c.id == claim_id)).mappings().one()
    lines = db.session.execute(sa.select(ClaimItem.__table__).where(
        ClaimItem.__table__.c.claim_id == claim_id).order_by(
        ClaimItem.__table__.c.line_no)).mappings().all()
    keep = lambda row: {k: v for k, v in row.items() if k not in VOLATILE}  # noqa: E731
    return keep(claim), [{k: v for k, v in keep(line).items() if k != "receipt_number"}
                         for line in lines]


def _submitted(fund, count: int, **kw) -> list[int]:  # noqa: F811
    ids = []
    for n in range(count):
        claim = draft(fund, unit_cost=f"{1500 + 37 * n}.55", **kw)
        perform(claim.id, "submit", user("member1"), declaration=True)
        ids.append(claim.id)
    return ids


def test_a_bulk_run_ends_where_single_transitions_end(fund):  # noqa: F811
    one_by_one, in_bulk = _submitted(fund, 3), _submitted(fund, 3)
    for action, username in PHASES:
        for claim_id in one_by_one:
            perform(claim_id, action, user(username))
        outcomes = perform_bulk(in_bulk, action, user(username))
        assert all(o.ok for o in outcomes), outcomes
    db.session.expire_all()
    for single, bulked in zip(one_by_one, in_bulk, strict=True):
        a, b = _state(single), _state(bulked)
        assert {k: (v, b[0][k]) for k, v in a[0].items() if b[0][k] != v} == {}
        assert a == b
        assert _state(bulked)[0]["status"] in ("approved", "partially_approved")
    # One event per transition per claim, as from single transitions.
    counts = db.session.execute(
        sa.select(AuditEvent.resource_id, sa.func.count()).where(
            AuditEvent.action.in_([f"claim.{a}" for a, _ in PHASES]))
        .group_by(AuditEvent.resource_id)).all()
    assert {int(rid): n for rid, n in counts} == {i: 3 for i in one_by_one + in_bulk}


def test_a_bulk_rejection_ends_where_single_rejections_end(fund):  # noqa: F811
    """Rejection sets every line's approved amount: the lines' writes of a bulk run too."""
    one_by_one, in_bulk = _submitted(fund, 2), _submitted(fund, 2)
    reason = {"reason": "Not medically necessary.", "reason_codes": ["EXCLUDED"]}
    for claim_id in one_by_one:
        perform(claim_id, "start_review", user("committee1"))
        perform(claim_id, "reject", user("committee2"), **reason)
    for action, params in (("start_review", {}), ("reject", reason)):
        outcomes = perform_bulk(in_bulk, action, user("committee2" if params else "committee1"),
                                **params)
        assert all(o.ok for o in outcomes), outcomes
    db.session.expire_all()
    for single, bulked in zip(one_by_one, in_bulk, strict=True):
        assert _state(single) == _state(bulked)
        claim, lines = _state(bulked)
        assert claim["status"] == "rejected" and claim["total_approved"] == D("0.00")
        assert [line["approved_amount"] for line in lines] == [D("0.00")]
        assert claim["reason_codes"].endswith("EXCLUDED")


def _change_after_chunk_read(monkeypatch, claim_id: int, **values) -> None:
    """Another user changes the claim right after the bulk run read its chunk."""
    read_chunk = bulk._load_chunk

    def read_then_change(*args, **kwargs):
        loaded = read_chunk(*args, **kwargs)
        table = Claim.__table__
        with db.engine.begin() as other_user:
            other_user.execute(sa.update(table).where(table.c.id == claim_id)
                               .values(version=table.c.version + 1, **values))
        return loaded

    monkeypatch.setattr(bulk, "_load_chunk", read_then_change)


def test_a_claim_changed_after_its_chunk_was_read_is_judged_as_it_is_now(fund, monkeypatch):  # noqa: F811
    first, changed = _submitted(fund, 2)
    _change_after_chunk_read(monkeypatch, changed, status="under_review")
    outcomes = perform_bulk([first, changed], "start_review", user("committee1"))
    assert outcomes[0].ok
    assert not outcomes[1].ok and "is under review" in outcomes[1].message
    db.session.expire_all()
    assert db.session.get(Claim, changed).status == "under_review"
    assert "claim.start_review" not in [e.action for e in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.resource_id == str(changed)))]


def test_a_refusal_on_an_outdated_read_is_checked_again(fund, monkeypatch):  # noqa: F811
    [claim_id] = _submitted(fund, 1)
    perform(claim_id, "start_review", user("committee1"))
    perform(claim_id, "request_info", user("committee1"), reason="Send the discharge summary.")
    # Read as info_requested (cannot be recommended); answered just after the read.
    _change_after_chunk_read(monkeypatch, claim_id, status="under_review")
    outcomes = perform_bulk([claim_id], "recommend", user("committee1"))
    assert outcomes[0].ok, outcomes[0].message
    db.session.expire_all()
    claim = db.session.get(Claim, claim_id)
    assert claim.recommended_by_id == user("committee1").id
    assert claim.total_approved == D("1200.44")  # 80% of 1500.55
