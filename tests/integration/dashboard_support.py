"""A small fund for the dashboard tests: several members, categories, months, statuses and
reviewers, with decisions, appeals and SLA states, placed relative to today's 12 months.

Dates are computed here independently of app.services.dashboard: month starts are the fund's
local midnights (Africa/Nairobi), stored as naive UTC like every timestamp of the app."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from app.extensions import db
from app.models import AuditEvent
from app.services.calendar import fund_today
from tests import factories

NAIROBI = ZoneInfo("Africa/Nairobi")


def month_start(today: date, back: int) -> date:
    """The first day of the month ``back`` months before today's."""
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=NAIROBI).astimezone(
        timezone.utc).replace(tzinfo=None)


@dataclass
class Fund:
    today: date
    bounds: list[datetime]  # 13 instants: the start of each of the last 12 months, then the end
    year_start: date
    year_end: date
    users: dict[str, int]
    claims: dict[str, int] = field(default_factory=dict)

    def at(self, month: int, days: int = 2, hours: int = 6) -> datetime:
        """An instant ``days`` and ``hours`` into month ``month`` (0 = the oldest of the 12)."""
        return self.bounds[month] + timedelta(days=days, hours=hours)


def build_fund() -> Fund:
    today = fund_today()
    bounds = [utc_midnight(month_start(today, 11 - i)) for i in range(12)]
    bounds.append(utc_midnight(month_start(today, -1)))
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)  # start month 1
    users = {name: factories.user_id(name)
             for name in ("admin", "committee1", "committee2", "member1")}
    fund = Fund(today, bounds, year_start, year_end, users)

    general = factories.benefit_category("general", "250000.00")
    dental = factories.benefit_category("dental", "50000.00")
    optical = factories.benefit_category("optical", "30000.00")
    factories.benefit_category("chronic", None)
    gp = factories.scale_item("GP_CONSULT", benefit_category=general)
    filling = factories.scale_item("FILLING", benefit_category=dental, claim_types="dental")
    lenses = factories.scale_item("LENSES", benefit_category=optical, claim_types="optical")

    wanjiru = factories.member("Wanjiru", "Kamau")
    child = factories.dependent(of=wanjiru, first_name="Baraka")
    otieno = factories.member("Otieno", "Odhiambo")
    achieng = factories.member("Achieng", "Mutua")
    factories.member("Kiprop", "Rotich")  # no claims at all

    in_year = year_start + timedelta(days=3)
    last_year = year_start - timedelta(days=20)
    c1, c2, adm = users["committee1"], users["committee2"], users["admin"]

    def claim(key, member, status, lines=(), *, submitted=None, decided=None, decided_by=None,
              assigned=None, sla=None, treated=in_year, patient=None, claim_type="outpatient",
              breached=None, payment_breached=None):
        c = factories.scale_claim(member, [(s, 1, cost) for s, cost, _, _ in lines],
                                  status=status, first_visit_date=treated, dependent=patient,
                                  claim_type=claim_type, submitted_at=submitted,
                                  decided_at=decided, decided_by_id=decided_by,
                                  assigned_reviewer_id=assigned, sla_status=sla,
                                  sla_breached_at=breached,
                                  payment_breached_at=payment_breached)
        for item, (_, _, approved, category) in zip(c.items, lines, strict=True):
            item.approved_amount = None if approved is None else D(approved)
            # the adjudication's category, when it ran (None: the scale item's counts)
            item.benefit_category_id = category.id if category is not None else None
        c.total_approved = sum((D(a) for _, _, a, _ in lines if a is not None), D("0.00"))
        fund.claims[key] = c.id
        return c

    # Open claims, undecided
    claim("sub1", wanjiru, "submitted", [(gp, "1500.00", None, None)], submitted=fund.at(11, 0),
          assigned=c1, sla="on_track")
    claim("sub2", otieno, "submitted", [(gp, "900.00", None, None)], submitted=fund.at(10),
          sla=None)
    claim("rev1", otieno, "under_review", [(gp, "2000.00", None, None)], submitted=fund.at(9),
          assigned=c1, sla="at_risk")
    claim("rev2", achieng, "under_review", [(filling, "3000.00", None, None)],
          submitted=fund.at(8), assigned=c2, sla="breached", claim_type="dental",
          breached=fund.at(9, 9))
    claim("info", wanjiru, "info_requested", [(gp, "700.00", None, None)],
          submitted=fund.at(7), assigned=c2, sla="on_track")
    claim("appealed", otieno, "appealed", [(gp, "1200.00", "0.00", general)],
          submitted=fund.at(3), decided=fund.at(3, 20), decided_by=c2, assigned=c1,
          sla="breached", breached=fund.at(11, 0, 1))
    claim("trustees", achieng, "trustee_review", [(gp, "5000.00", "2000.00", general)],
          submitted=fund.at(2), decided=fund.at(6, 1), decided_by=c1, assigned=adm)
    # Decided, not yet paid (open: awaiting payment)
    claim("appr1", wanjiru, "approved", [(gp, "10000.00", "8000.00", general),
                                         (filling, "4000.00", "2000.00", None)],
          submitted=fund.at(4), decided=fund.at(5, 3, 2), decided_by=c2, assigned=c1,
          sla="on_track")
    claim("appr2", wanjiru, "approved", [(lenses, "20000.00", "10000.00", optical)],
          patient=child, submitted=fund.at(9, 1), decided=fund.at(9, 12, 9), decided_by=c1,
          assigned=c2, claim_type="optical")
    claim("part1", achieng, "partially_approved", [(gp, "50000.00", "30000.00", general),
                                                   (gp, "8000.00", "0.00", general)],
          submitted=fund.at(6), decided=fund.at(7, 10), decided_by=c2, assigned=c2,
          sla="at_risk", breached=fund.at(7, 6), payment_breached=fund.at(9, 10))
    # Finished
    claim("paid1", otieno, "paid", [(gp, "6000.00", "4800.00", general)],
          submitted=fund.at(1), decided=fund.at(1, 25), decided_by=c1, assigned=c1)
    claim("paid_old", otieno, "paid", [(gp, "9000.00", "7200.00", general)],
          treated=last_year, submitted=bounds[0] - timedelta(hours=1),
          decided=bounds[0] + timedelta(seconds=1), decided_by=c2, assigned=c2)
    claim("paid_child", wanjiru, "paid", [(filling, "1000.00", "500.00", dental)],
          patient=child, submitted=fund.at(0), decided=fund.at(0, 9), decided_by=c2,
          claim_type="dental")
    claim("final", achieng, "approved", [(gp, "6000.00", "5000.00", general)],
          submitted=fund.at(3, 1), decided=fund.at(7), decided_by=adm, assigned=c1)
    claim("paid_older", wanjiru, "paid", [(gp, "2000.00", "1600.00", general)],
          treated=last_year, submitted=bounds[0] - timedelta(days=70),
          decided=bounds[0] - timedelta(days=51), decided_by=c1, assigned=c1,
          breached=bounds[0] - timedelta(seconds=1), payment_breached=bounds[0] - timedelta(1))
    claim("rejected", achieng, "rejected", [(gp, "3000.00", "0.00", general)],
          submitted=fund.at(5), decided=fund.at(8, 4), decided_by=c1, assigned=c1,
          breached=bounds[0])
    claim("withdrawn", achieng, "withdrawn", [(gp, "100.00", None, None)], submitted=fund.at(5))
    claim("draft", wanjiru, "draft", [(gp, "100.00", None, None)])
    # The fund's local midnight: a claim submitted at midnight counts in the new month, one
    # submitted a second earlier in the month before.
    claim("midnight", otieno, "submitted", [(gp, "100.00", None, None)], submitted=bounds[6],
          sla="on_track", assigned=c2)
    claim("before_midnight", otieno, "submitted", [(gp, "100.00", None, None)],
          submitted=bounds[6] - timedelta(seconds=1), sla="at_risk")
    db.session.flush()
    _appeals(fund)
    db.session.commit()
    return fund


def _event(fund: Fund, action: str, actor: str, claim_key: str, at: datetime, **details) -> None:
    db.session.add(AuditEvent(
        action=action, actor_id=fund.users[actor], actor_name=actor, resource_type="claim",
        resource_id=str(fund.claims[claim_key]), occurred_at=at,
        details=json.dumps(details, sort_keys=True)))
    db.session.flush()  # ids in the order of events, as the lifecycle writes them


def _appeals(fund: Fund) -> None:
    """Decisions and appeals as the lifecycle records them (claim.<action>, from/to/approved)."""
    old = fund.bounds[0] - timedelta(days=60)
    ev = _event
    # committee1 rejected; on appeal committee2 approved: an overturn of committee1's decision
    ev(fund, "claim.reject", "committee1", "appr1", fund.at(4, 10),
       **{"from": "under_review"}, to="rejected", approved="0.00")
    ev(fund, "claim.appeal", "member1", "appr1", fund.at(4, 12),
       **{"from": "rejected"}, to="appealed", appeal=1)
    ev(fund, "claim.approve", "committee2", "appr1", fund.at(5, 3, 2),
       **{"from": "under_review"}, to="approved", approved="10000.00")
    # committee2's partial approval upheld on appeal by committee1 with the same amount (no
    # overturn); the trustees (recorded by admin) then changed committee1's: an overturn
    ev(fund, "claim.approve", "committee2", "final", fund.at(4, 1),
       **{"from": "under_review"}, to="partially_approved", approved="2000.00")
    ev(fund, "claim.appeal", "member1", "final", fund.at(4, 3),
       **{"from": "partially_approved"}, to="appealed", appeal=1)
    ev(fund, "claim.approve", "committee1", "final", fund.at(5, 1),
       **{"from": "under_review"}, to="partially_approved", approved="2000.00")
    ev(fund, "claim.appeal", "member1", "final", fund.at(5, 9),
       **{"from": "partially_approved"}, to="trustee_review", appeal=2)
    ev(fund, "claim.trustee_decision", "admin", "final", fund.at(7),
       **{"from": "trustee_review"}, to="approved", approved="5000.00")
    # Changed on appeal, but before the 12 months: not counted
    ev(fund, "claim.reject", "committee2", "paid_older", old, **{"from": "under_review"},
       to="rejected", approved="0.00")
    ev(fund, "claim.appeal", "member1", "paid_older", old + timedelta(days=1),
       **{"from": "rejected"}, to="appealed", appeal=1)
    ev(fund, "claim.approve", "committee1", "paid_older", old + timedelta(days=9),
       **{"from": "under_review"}, to="approved", approved="1600.00")
    # Appealed, not yet decided again: not counted
    ev(fund, "claim.reject", "committee2", "appealed", fund.at(3, 20),
       **{"from": "under_review"}, to="rejected", approved="0.00")
    ev(fund, "claim.appeal", "member1", "appealed", fund.at(4, 2),
       **{"from": "rejected"}, to="appealed", appeal=1)
    # Sent back by a meeting and decided again, with no appeal: not an appeal overturned
    ev(fund, "claim.reject", "committee2", "paid1", fund.at(1, 1),
       **{"from": "under_review"}, to="rejected", approved="0.00")
    ev(fund, "claim.send_back", "committee1", "paid1", fund.at(1, 5),
       **{"from": "rejected"}, to="under_review")
    ev(fund, "claim.approve", "committee1", "paid1", fund.at(1, 25),
       **{"from": "under_review"}, to="approved", approved="4800.00")
