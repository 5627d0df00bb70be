"""What a member sees of his claim on its page: the status history (time, from, to), the working
line by line with the reasons in plain words, none of the review's internals, and the names of
the fund's reviewers only when the setting show_reviewer_names is on."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from flask import Flask, current_app

from app.extensions import db
from app.models import ClaimItem, ScaleItem
from app.services.lifecycle import perform
from app.services.settings import set_setting
from tests import factories

TODAY = date.today()
STEPS = (("submit", "member1", {"declaration": True}), ("start_review", "committee1", {}),
         ("recommend", "committee1", {}), ("approve", "committee2", {}))
INTERNALS = ("Computed outcome", "Priority", "Decision due", "Awaiting ratification",
             "Keyed in by", "Excluded cause", "Version")
NAMES = ("Committee1", "Committee2")


@pytest.fixture
def approved_claim(app: Flask) -> int:
    """member1's claim for a GP consultation of 2,500.00, capped at the scale's 1,800.00 and
    approved by two committee members."""
    with app.app_context():
        factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", fee_cap=D("1800.00"))
        member = factories.member(user_id=factories.user_id("member1"),
                                  contribution_receipt_date=TODAY - timedelta(days=400))
        claim = factories.claim(of=member, items=0)
        claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                     unit_cost=D("2500.00"), receipt_number="R-77",
                                     scale_item=db.session.get(ScaleItem, consult.id)))
        db.session.commit()
        sm = current_app.appbuilder.sm
        for action, username, params in STEPS:
            perform(claim.id, action, sm.find_user(username=username), **params)
        return claim.id


def _history(page: str) -> list[tuple[str, str]]:
    table = page.split("claimdesk-status-history", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<td>[^<]*EAT</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>", table)
    return [(before.strip(), after.strip()) for before, after in rows]


def test_the_member_sees_history_and_working_without_internals_or_names(client_for,
                                                                         approved_claim):
    page = client_for("member1").get(f"/claims/show/{approved_claim}").get_data(as_text=True)
    assert _history(page) == [("Draft", "Submitted"), ("Submitted", "Under review"),
                              ("Under review", "Approved")]
    assert "The fund pays up to its scale fee for this item." in page
    assert "1,800.00" in page and "2,500.00" in page
    for internal in INTERNALS:
        assert internal not in page, internal
    for name in NAMES:
        assert name not in page, name
    assert "Recommended by" not in page and "Decided by" not in page


def test_reviewer_names_show_when_the_fund_says_so(app, client_for, approved_claim):
    with app.app_context():
        set_setting("show_reviewer_names", True)
        db.session.commit()
    page = client_for("member1").get(f"/claims/show/{approved_claim}").get_data(as_text=True)
    assert "Recommended by" in page and "Decided by" in page
    for name in NAMES:
        assert name in page, name
    for internal in INTERNALS:
        assert internal not in page, internal


def test_the_committee_still_sees_the_whole_review(client_for, approved_claim):
    page = client_for("committee1").get(f"/claims/show/{approved_claim}").get_data(as_text=True)
    for label in ("Computed outcome", "Priority", "Recommended by", "Decided by"):
        assert label in page, label
    assert _history(page)[-1] == ("Under review", "Approved")


def test_a_draft_has_no_history_yet(app, client_for):
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        claim_id = factories.claim(of=member).id
        db.session.commit()
    page = client_for("member1").get(f"/claims/show/{claim_id}").get_data(as_text=True)
    assert _history(page) == [] and "Not submitted yet." in page
