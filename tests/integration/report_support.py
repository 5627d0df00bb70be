"""The dashboard's fixture fund, made ready for the reports: paid claims carry what was paid
and the audit event of their payment, several claims share one provider, and members have
different types and statuses."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Claim, Member
from tests import factories
from tests.integration.dashboard_support import Fund, build_fund, month_start

PAID_AFTER_DAYS = {"paid1": 3, "paid_old": 10, "paid_child": 1, "paid_older": 40}


def build_report_fund() -> Fund:
    fund = build_fund()
    shared = factories.provider("Nairobi Hospital")
    for key in ("appr1", "part1", "paid1", "rev1"):
        db.session.get(Claim, fund.claims[key]).provider = shared
    fund.provider_id = shared.id  # type: ignore[attr-defined]
    for key, days in PAID_AFTER_DAYS.items():
        claim = db.session.get(Claim, fund.claims[key])
        claim.total_paid = claim.total_approved
        db.session.add(AuditEvent(
            action="claim.pay", actor_name="finance", resource_type="claim",
            resource_id=str(claim.id), occurred_at=claim.decided_at + timedelta(days=days),
            details=json.dumps({"from": "approved", "to": "paid"}, sort_keys=True)))
    single = factories.membership_type("single")
    factories.member("Lapsed", "One", status="lapsed", membership_type=single)
    factories.member("Pending", "Two", status="pending", membership_type=single,
                     contribution_receipt_date=fund.today)
    db.session.commit()
    return fund


def period_args(fund: Fund, **extra: str) -> dict[str, str]:
    return {"date_from": month_start(fund.today, 11).isoformat(),
            "date_to": fund.today.isoformat(), **extra}


def member_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Member.id)))
