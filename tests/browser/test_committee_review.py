"""The committee's review in a real browser: a reviewer opens his queue from the menu, takes the
claim assigned to him into review, answers its checklist (a recommendation is refused before
the mandatory items are answered) and recommends it; a second committee member approves it; the
dashboard's tables show the change. Everything is asserted on what the pages show."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import Flask, current_app
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Claim, ClaimItem
from app.services.calendar import fund_today
from app.services.lifecycle import perform
from tests import factories
from tests.browser.screens import chart_table, detail, flash

RECEIPTS, NINETY_DAYS, REBATE = ("Original receipts attached",
                                 "Claim within 90 days of treatment",
                                 "Statutory rebate deducted")
REVIEWERS = ("Committee1 Test", "Committee2 Test")


@pytest.fixture
def claims(app: Flask) -> SimpleNamespace:
    """The outpatient checklist (two mandatory items, one optional), and two claims their
    members submitted: the first is assigned to committee1, the second to committee2 (no
    reviewer has settings, so each takes the claim while he has fewer open ones)."""
    with app.app_context():
        today = fund_today()
        general = factories.benefit_category("general", "250000.00")
        consult = factories.scale_item("GP_CONSULT", description="GP consultation",
                                       benefit_category=general, fee_cap=Decimal("1800.00"))
        hospital = factories.provider("Nairobi West Hospital")
        factories.checklist("outpatient", ((RECEIPTS, True), (NINETY_DAYS, True),
                                           (REBATE, False)))
        sm = current_app.appbuilder.sm
        ids = []
        for (first, last), login in ((("Wanjiru", "Kamau"), "member1"),
                                     (("Otieno", "Odhiambo"), "member2")):
            member = factories.member(first, last, user_id=factories.user_id(login),
                                      contribution_receipt_date=today - timedelta(days=400))
            claim = factories.claim(of=member, items=0, provider=hospital,
                                    first_visit_date=today)
            # 2,500.00 at 80 % is 2,000.00, capped at the scale's 1,800.00.
            claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                         unit_cost=Decimal("2500.00"), scale_item=consult,
                                         receipt_number=f"NWH-{login}"))
            db.session.commit()
            perform(claim.id, "submit", sm.find_user(username=login), declaration=True)
            ids.append(claim.id)
        mine, others = (db.session.get(Claim, claim_id) for claim_id in ids)
        assert (mine.assigned_reviewer.username, others.assigned_reviewer.username) == (
            "committee1", "committee2")
        numbers = SimpleNamespace(mine=mine.claim_number, others=others.claim_number)
        db.session.remove()
        return numbers


def dashboard(page: Page) -> dict[str, dict[str, dict[str, str]]]:
    """The tables of the charts this test follows, read from the dashboard opened by its menu."""
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    return {chart: chart_table(page, chart)
            for chart in ("open_claims", "monthly", "reviewers", "top_claimants")}


def opens_queue(reviewer: Page) -> None:
    reviewer.locator(".navbar .dropdown-toggle", has_text="Claims").click()
    reviewer.get_by_role("link", name="My queue").click()
    expect(reviewer.get_by_role("heading", name="My queue")).to_be_visible()


def answer(reviewer: Page, item: str, choice: str, comment: str | None = None) -> None:
    row = reviewer.locator(".claimdesk-checklist tbody tr", has_text=item)
    row.get_by_label(choice, exact=True).check()
    if comment is not None:
        row.get_by_label(f"Comment on: {item}").fill(comment)


def reviews_and_recommends(reviewer: Page, claims: SimpleNamespace) -> str:
    opens_queue(reviewer)
    queue = reviewer.locator("table tbody tr")
    # Only the claim assigned to him, not the one waiting for his colleague.
    expect(queue).to_have_count(1)
    expect(queue).to_contain_text(claims.mine)
    expect(queue).to_contain_text("Submitted")
    queue.locator("a[href*='/show/']").click()
    expect(detail(reviewer, "Claim number")).to_have_text(claims.mine)
    claim_url = reviewer.url

    reviewer.get_by_role("button", name="Start review").click()
    expect(flash(reviewer)).to_contain_text("is now under review")
    checklist = reviewer.locator(".claimdesk-checklist")
    expect(checklist).to_contain_text("0 of 3 answered (0%)")
    expect(checklist).to_contain_text("2 mandatory unanswered")

    # Not before the mandatory items are answered.
    reviewer.get_by_role("button", name="Recommend (first signature)").click()
    expect(flash(reviewer)).to_contain_text(
        f"Answer the checklist's mandatory items first: {RECEIPTS}; {NINETY_DAYS}.")
    expect(detail(reviewer, "Status")).to_have_text("Under review")

    answer(reviewer, RECEIPTS, "Yes", "Receipt NWH-member1 seen")
    answer(reviewer, NINETY_DAYS, "Yes")
    answer(reviewer, REBATE, "Not applicable")
    checklist.get_by_role("button", name="Save the checklist").click()
    expect(flash(reviewer)).to_contain_text(f"Checklist of claim {claims.mine} saved: 3 answers.")
    expect(checklist).to_contain_text("3 of 3 answered (100%)")
    expect(checklist).not_to_contain_text("mandatory unanswered")
    receipts = checklist.locator("tbody tr", has_text=RECEIPTS)
    expect(receipts.get_by_label("Yes", exact=True)).to_be_checked()
    expect(receipts.get_by_label(f"Comment on: {RECEIPTS}")).to_have_value(
        "Receipt NWH-member1 seen")

    reviewer.get_by_role("button", name="Recommend (first signature)").click()
    expect(flash(reviewer)).to_contain_text("Recommend (first signature)")
    expect(detail(reviewer, "Status")).to_have_text("Under review")
    return claim_url


def approves(approver: Page, claim_url: str) -> None:
    approver.goto(claim_url)
    approver.get_by_role("button", name="Approve (second signature)").click()
    expect(flash(approver)).to_contain_text("is now approved")
    expect(detail(approver, "Status")).to_have_text("Approved")
    expect(detail(approver, "Approved")).to_have_text("1,800.00")


def test_reviewer_recommends_from_his_queue_a_colleague_approves_the_dashboard_follows(
        claims, browser_as):
    approver = browser_as("committee2")
    before = dashboard(approver)

    reviewer = browser_as("committee1")
    claim_url = reviews_and_recommends(reviewer, claims)
    approves(approver, claim_url)
    after = dashboard(approver)

    # The claim leaves the undecided ones for those awaiting payment: still open.
    assert before["open_claims"]["Submitted"]["Claims"] == "2"
    assert before["open_claims"]["Approved"]["Claims"] == "0"
    assert before["open_claims"]["All open claims"]["Claims"] == "2"
    expected = copy.deepcopy(before)
    expected["open_claims"]["Submitted"]["Claims"] = "1"
    expected["open_claims"]["Approved"]["Claims"] = "1"
    assert after["open_claims"] == expected["open_claims"]

    # This month: two submitted, and now one decided.
    month = list(before["monthly"])[-1]
    assert before["monthly"][month] == {"Submitted": "2", "Decided": "0"}
    expected["monthly"][month]["Decided"] = "1"
    assert after["monthly"] == expected["monthly"]

    # The reviewer's open claim is gone from his workload; the approver decided one, just now.
    assert {name: (row["Open assigned"], row["Decided"])
            for name, row in before["reviewers"].items()} == {
        "Committee1 Test": ("1", "0"), "Committee2 Test": ("1", "0")}
    assert after["reviewers"] == {
        "Committee1 Test": {**before["reviewers"]["Committee1 Test"], "Open assigned": "0"},
        "Committee2 Test": {**before["reviewers"]["Committee2 Test"], "Decided": "1",
                            "Median days": "0.0"},
    }

    assert before["top_claimants"] == {"No approved claims this benefit year.": {}}
    assert list(after["top_claimants"].values()) == [
        {"Name": "Wanjiru Kamau", "Claims": "1", "Approved": "1,800.00"}]

    # Decided, it has left the reviewer's queue.
    opens_queue(reviewer)
    expect(reviewer.locator("table")).not_to_contain_text(claims.mine)
    expect(reviewer.locator("body")).not_to_contain_text(re.compile(r"CLM-\d{4}-\d+"))
