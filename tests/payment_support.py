"""Payments for tests: members with payout details, claims decided through the real lifecycle
and payable (ratified, or under the fund's ratification threshold), a second Finance login for
the four eyes (inside an app context)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Claim, Member, ScaleItem
from app.services.settings import set_setting
from tests import factories
from tests.helpers import TEST_PASSWORD
from tests.meeting_support import decided_claim, user

BANK = {"payout_method": "bank", "bank_name": "KCB Bank", "bank_branch_code": "01-091",
        "bank_account_number": "1234567890", "bank_account_name": "Amina W. Otieno"}
MOBILE = {"payout_method": "mobile_money", "mobile_money_number": "0712 345 678"}


def second_finance():
    """finance2, made for this test: the batch's second pair of eyes."""
    sm = current_app.appbuilder.sm
    if sm.find_user(username="finance2") is None:
        sm.add_user(username="finance2", first_name="Halima", last_name="Said",
                    email="finance2@example.org", role=sm.find_role("Finance"),
                    password=TEST_PASSWORD)
    return user("finance2")


def payee(**payout) -> Member:
    member = factories.member(contribution_receipt_date=date.today() - timedelta(days=400),
                              **(payout if payout else BANK))
    db.session.commit()
    return member


def consult() -> ScaleItem:
    existing = db.session.scalars(sa.select(ScaleItem).where(ScaleItem.code == "GP_CONSULT"))
    found = existing.first()
    if found is not None:
        return found
    factories.benefit_category("general", "250000.00")
    return factories.scale_item("GP_CONSULT", fee_cap=Decimal("1800.00"))


def payable_claim(member: Member, unit_cost: str = "1500.00", ratified: bool = True) -> Claim:
    """Approved by committee1 and committee2; payable at once when ``ratified`` (the fund's
    threshold set above it), else awaiting ratification (threshold 0)."""
    set_setting("ratification_threshold", "1000000.00" if ratified else "0")
    db.session.commit()
    claim = decided_claim({"consult": consult(), "member": member}, unit_cost=unit_cost)
    set_setting("ratification_threshold", "0")
    db.session.commit()
    return db.session.get(Claim, claim.id)
