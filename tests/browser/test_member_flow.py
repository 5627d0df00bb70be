"""A member's whole first claim, in a real browser: Admin gives him a login from his member
record, he sets his own password, adds a dependent, makes a claim with two items and a receipt
and submits it; two committee members approve it; he sees the approved amount and the limit
that is left. Everything is asserted on what the pages show."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.calendar import fund_today
from tests import factories
from tests.browser.screens import (
    balance,
    choose,
    detail,
    flash,
    offered,
    table_row,
    tiny_png,
    type_date,
)

OWN_PASSWORD = "Juma-Own-Secret-2026xy"
LIMIT = "250,000.00"
# GP consultation: 2,500.00 at 80 % is 2,000.00, capped at the scale's 1,800.00.
# Full blood count: 1,200.00 at 80 % is 960.00, under its cap. Approved: 2,760.00.
ITEMS = [("GP_CONSULT", "GP consultation", "2500.00", "NWH-R-7731"),
         ("LAB_FBC", "Full blood count", "1200.00", "NWH-R-7732")]
CLAIMED, APPROVED = "3,700.00", "2,760.00"


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    """The general benefit with two scale items, a provider, and Juma Mwangi: a member for over
    a year (past the waiting period), with an e-mail address and no login yet."""
    with app.app_context():
        today = fund_today()
        general = factories.benefit_category("general", "250000.00")
        factories.scale_item("GP_CONSULT", description="GP consultation",
                             benefit_category=general, fee_cap=Decimal("1800.00"))
        factories.scale_item("LAB_FBC", description="Full blood count", unit="item",
                             benefit_category=general, fee_cap=Decimal("3000.00"))
        factories.provider("Nairobi West Hospital")
        member = factories.member(first_name="Juma", last_name="Mwangi",
                                  email="juma.mwangi@example.org",
                                  contribution_receipt_date=today - timedelta(days=400))
        db.session.commit()
        return SimpleNamespace(member_id=member.id, number=member.member_number,
                               today=today.isoformat())


def admin_creates_login(admin: Page, fund: SimpleNamespace) -> tuple[str, str]:
    admin.goto(f"/members/show/{fund.member_id}")
    admin.get_by_text("Create login").click()
    admin.locator("#modal-confirm-ok:visible").click()
    expect(admin.locator(".alert-warning")).to_contain_text("it is not shown again")
    login = table_row(admin.locator("table.claimdesk-new-logins"), fund.number)
    assert login["Name"] == "Juma Mwangi"
    return login["Username"], login["One-time password"]


def sets_own_password(member: Page) -> None:
    expect(member).to_have_url(re.compile(r"/resetmypassword/form$"))
    expect(flash(member)).to_contain_text("Set your own password before you go on.")
    member.locator("#password").fill(OWN_PASSWORD)
    member.locator("#conf_password").fill(OWN_PASSWORD)
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Password Changed")
    expect(member.locator("body")).to_contain_text("Welcome, Juma Mwangi")


def adds_dependent(member: Page, fund: SimpleNamespace) -> None:
    member.goto("/dependents/add")
    assert offered(member, "member") == [f"{fund.number} Juma Mwangi"]  # only himself
    choose(member, "member", "Juma Mwangi")
    member.get_by_label("First name").fill("Neema")
    member.get_by_label("Last name").fill("Mwangi")
    choose(member, "relationship_type", "child")
    type_date(member, "date_of_birth", "2016-03-09")
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Added Row")
    member.goto("/dependents/list/")
    row = member.locator("table tbody tr", has_text="Neema")
    expect(row).to_contain_text("child")
    expect(row).to_contain_text("pending")  # until the committee confirms her


def creates_draft_claim(member: Page, fund: SimpleNamespace) -> None:
    member.goto("/")
    member.get_by_role("link", name="New claim").click()
    choose(member, "member", "Juma Mwangi")
    # Neema waits for the committee's confirmation: she is no patient to choose yet.
    assert not [o for o in offered(member, "dependent") if "Neema" in o]
    choose(member, "provider", "Nairobi West Hospital", search="Nairobi")
    type_date(member, "first_visit_date", fund.today)
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Added Row")
    expect(detail(member, "Status")).to_have_text("Draft")  # Save opens the claim's page
    claim_page = member.url
    member.goto("/")  # his claims are on his home page too
    recent = member.locator("table.claimdesk-recent-claims")
    expect(recent).to_contain_text("Draft")
    recent.get_by_role("link", name=re.compile(r"^CLM-")).click()
    assert member.url == claim_page


def adds_items_and_receipt(member: Page) -> None:
    for code, description, unit_cost, receipt in ITEMS:
        member.get_by_role("link", name="Claim items").click()
        member.locator("a[href^='/claim-items/add']").click()
        choose(member, "scale_item", code)
        member.get_by_role("textbox", name="Item").fill(description)
        member.get_by_label("Quantity").fill("1")
        member.get_by_label("Unit cost").fill(unit_cost)
        member.get_by_label("Receipt number").fill(receipt)
        member.get_by_role("button", name="Save").click()
        expect(flash(member)).to_contain_text("Added Row")
    member.get_by_role("link", name="Detail").click()
    expect(detail(member, "Claimed")).to_have_text(CLAIMED)
    member.locator(".claimdesk-upload input[type=file]").set_input_files(
        files=[{"name": "receipt-7731.png", "mimeType": "image/png", "buffer": tiny_png()}])
    member.get_by_label("Receipt for").select_option(label="Receipt for line 1: GP consultation")
    member.locator(".claimdesk-upload").get_by_role("button", name="Upload").click()
    files = member.locator(".claimdesk-attachments")
    expect(files).to_contain_text("Files (1)")
    expect(files).to_contain_text("receipt-7731.png")


def submits(member: Page) -> None:
    member.get_by_role("link", name="Submit", exact=True).click()
    member.get_by_role("button", name="Submit").click()  # the declaration not accepted yet
    expect(member.locator("body")).to_contain_text("Accept the declaration and consent to submit.")
    member.get_by_label("I accept the declaration and consent").check()
    member.get_by_role("button", name="Submit").click()
    expect(flash(member)).to_contain_text("is now submitted")
    expect(detail(member, "Status")).to_have_text("Submitted")
    expect(detail(member, "Declaration accepted at")).not_to_have_text("None")


def committee_decides(committee1: Page, committee2: Page, claim_url: str) -> None:
    committee1.goto(claim_url)
    committee1.get_by_role("button", name="Start review").click()
    expect(flash(committee1)).to_contain_text("is now under review")
    committee1.get_by_role("button", name="Recommend (first signature)").click()
    expect(flash(committee1)).to_contain_text("Recommend (first signature)")
    committee2.goto(claim_url)
    committee2.get_by_role("button", name="Approve (second signature)").click()
    expect(flash(committee2)).to_contain_text("is now approved")


def test_member_claims_online_and_sees_the_committees_approval(fund, browser_as):
    admin = browser_as("admin")
    username, one_time_password = admin_creates_login(admin, fund)

    member = browser_as(username, one_time_password)
    sets_own_password(member)
    adds_dependent(member, fund)
    creates_draft_claim(member, fund)
    claim_url = member.url
    claim_number = detail(member, "Claim number").inner_text().strip()
    adds_items_and_receipt(member)
    submits(member)

    member.goto("/")
    recent = table_row(member.locator("table.claimdesk-recent-claims"), claim_number)
    assert recent["Status"] == "Submitted" and recent["Claimed"] == CLAIMED
    assert recent["Approved"] == ""  # the fund has not decided yet
    before = balance(member, "Juma Mwangi (member)", "General")
    assert before == {"Benefit": "General", "Annual limit": LIMIT, "Approved so far": "0.00",
                      "Remaining": LIMIT, "Claims in progress": CLAIMED}

    committee_decides(browser_as("committee1"), browser_as("committee2"), claim_url)

    member.goto(claim_url)
    expect(detail(member, "Status")).to_have_text("Approved")
    expect(detail(member, "Approved")).to_have_text(APPROVED)
    member.goto("/")
    recent = table_row(member.locator("table.claimdesk-recent-claims"), claim_number)
    assert recent["Status"] == "Approved" and recent["Approved"] == APPROVED
    after = balance(member, "Juma Mwangi (member)", "General")
    assert after == {"Benefit": "General", "Annual limit": LIMIT, "Approved so far": APPROVED,
                     "Remaining": "247,240.00", "Claims in progress": "0.00"}
    assert _money(before["Remaining"]) - _money(after["Remaining"]) == _money(APPROVED)


def _money(shown: str) -> Decimal:
    return Decimal(shown.replace(",", ""))
