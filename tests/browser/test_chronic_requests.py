"""A chronic-illness request in a real browser: the member files one with its medicine, a
committee member approves it from its page with an amount and a validity, and rejects an older
one from the list with a reason; the member sees both decisions."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app.extensions import db
from app.services.calendar import fund_today
from tests import factories
from tests.browser.screens import choose, detail, flash, type_date


@pytest.fixture
def household(app: Flask) -> SimpleNamespace:
    """member1's record, with a request for asthma medicine he filed earlier."""
    with app.app_context():
        today = fund_today()
        member = factories.member(first_name="Achieng", last_name="Odhiambo",
                                  user_id=factories.user_id("member1"))
        factories.chronic_request(member, condition="Asthma", doctor_name="Dr. Peter Njoroge",
                                  requested_monthly_amount="4000.00")
        db.session.commit()
        return SimpleNamespace(valid_from=today.isoformat(),
                               valid_to=(today + timedelta(days=180)).isoformat())


def files_request(member: Page) -> str:
    member.goto("/chronic-requests/add")
    choose(member, "member", "Achieng Odhiambo")
    member.get_by_label("Condition").fill("Type 2 diabetes")
    member.locator("#doctor_name").fill("Dr. Wanjiru Kamau")
    member.get_by_label("Doctor's registration").fill("KMPDC-4411")
    member.get_by_label("Requested per month").fill("6000.00")
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Added Row")
    member.goto("/chronic-requests/list/")
    member.locator("tbody tr", has_text="Type 2 diabetes").locator("a[href*='/show/']").click()
    expect(detail(member, "Status")).to_have_text("pending")
    request_url = member.url

    member.get_by_role("link", name="Chronic medicines").click()
    member.locator("a[href^='/chronic-medicines/add']").click()
    member.get_by_label("Medicine").fill("Metformin")
    member.get_by_label("Strength").fill("500 mg")
    member.get_by_label("Dosage").fill("Twice a day")
    member.get_by_label("Duration").fill("6 months")
    member.get_by_role("button", name="Save").click()
    expect(flash(member)).to_contain_text("Added Row")
    return request_url


def test_committee_approves_one_request_and_rejects_another(household, browser_as):
    member = browser_as("member1")
    request_url = files_request(member)

    committee = browser_as("committee1")
    committee.goto(request_url)
    expect(committee.locator("body")).to_contain_text("Metformin")
    committee.get_by_role("link", name="Approve").click()
    committee.get_by_label("Approved per month").fill("5000.00")
    type_date(committee, "valid_from", household.valid_from)
    type_date(committee, "valid_to", household.valid_to)
    committee.get_by_role("button", name="Approve").click()
    expect(flash(committee)).to_contain_text("approved")

    committee.goto("/chronic-requests/list/")
    committee.locator("tbody tr", has_text="Asthma").locator("input[type=checkbox]").check()
    committee.get_by_role("button", name="Actions").click()
    committee.get_by_role("link", name="Reject").click()
    committee.get_by_label("Reason").fill("No specialist's report with the request.")
    committee.get_by_role("button", name="Reject").click()
    outcome = committee.locator("tbody tr", has_text="Asthma")
    expect(outcome).to_contain_text("Done")
    expect(outcome).to_contain_text("rejected")

    member.goto("/chronic-requests/list/")
    approved = member.locator("tbody tr", has_text="Type 2 diabetes")
    expect(approved).to_contain_text("approved")
    expect(approved).to_contain_text("5,000.00")
    expect(approved).to_contain_text(household.valid_to)
    member.locator("tbody tr", has_text="Asthma").locator("a[href*='/show/']").click()
    expect(detail(member, "Status")).to_have_text("rejected")
    expect(detail(member, "Reason")).to_have_text("No specialist's report with the request.")
