"""Shared set-up of the assignment and SLA tests: a fund with one scale item, reviewers, claims
taken through the real transitions."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import current_app

from app.extensions import db
from app.models import ClaimItem, Member, ReviewerSetting, ScaleItem
from app.services.lifecycle import perform
from tests import factories
from tests.helpers import TEST_PASSWORD

TODAY = date.today()


def user(username: str):
    return current_app.appbuilder.sm.find_user(username=username)


def add_reviewer(username: str, role: str = "Committee"):
    """Another login (removed after the test, as every non-baseline login is)."""
    sm = current_app.appbuilder.sm
    sm.add_user(username=username, first_name=username.capitalize(), last_name="Reviewer",
                email=f"{username}@example.org", role=sm.find_role(role), password=TEST_PASSWORD)
    return user(username)


def settings_for(username: str, **values) -> ReviewerSetting:
    row = ReviewerSetting(user_id=user(username).id, **values)
    db.session.add(row)
    db.session.commit()
    return row


def consult() -> ScaleItem:
    existing = db.session.query(ScaleItem).filter_by(code="GP_CONSULT").first()
    return existing or factories.scale_item("GP_CONSULT", fee_cap=Decimal("1800.00"))


def new_member(**kw) -> Member:
    return factories.member(contribution_receipt_date=TODAY - timedelta(days=400), **kw)


def draft(member: Member | None = None, unit_cost: str = "1500.00", **fields) -> int:
    """A claim for one GP consultation, still a draft (committed)."""
    member = member or new_member()
    claim = factories.claim(of=member, items=0, **fields)
    claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                 unit_cost=Decimal(unit_cost), receipt_number=f"R-{claim.id}",
                                 scale_item=consult()))
    db.session.commit()
    return claim.id


def submitted(member: Member | None = None, received_on: date | None = None, **fields) -> int:
    """A claim keyed in and submitted by the claims officer (committee1) as a paper form."""
    claim_id = draft(member, **fields)
    perform(claim_id, "submit", user("committee1"), received_on=received_on or TODAY,
            declaration=True)
    return claim_id
