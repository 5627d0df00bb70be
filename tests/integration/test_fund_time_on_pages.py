"""Stored moments are shown on pages in the fund's time zone (CLAIMDESK_FUND_TIMEZONE,
Africa/Nairobi: UTC+3), to the minute, the same way everywhere; REST keeps ISO values."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.extensions import db
from app.models import Claim
from app.services.lifecycle import perform
from tests import factories
from tests.integration.web_support import text

# 21:30:15.123456 UTC on 1 March is half past midnight on 2 March in Nairobi.
STORED = datetime(2026, 3, 1, 21, 30, 15, 123456)
SHOWN = "02 Mar 2026 00:30 EAT"
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{6}")


@pytest.fixture
def claim_id(app) -> int:
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        claim = factories.claim(of=member)
        db.session.commit()
        from flask import current_app

        perform(claim.id, "submit", current_app.appbuilder.sm.find_user(username="member1"),
                declaration=True)
        stored = db.session.get(Claim, claim.id)
        stored.submitted_at = stored.declaration_accepted_at = STORED
        db.session.commit()
        return claim.id


@pytest.mark.parametrize("username", ["member1", "committee1"])
def test_the_claim_page_shows_moments_in_the_funds_time_to_the_minute(
        client_for, username, claim_id):
    page = text(client_for(username).get(f"/claims/show/{claim_id}"))
    assert page.count(SHOWN) >= 2  # submitted at, declaration accepted at
    assert not MICROSECONDS.search(page)
    assert "21:30" not in page
    # The status history, in the same form.
    history = page.split("claimdesk-status-history", 1)[1].split("</table>", 1)[0]
    assert re.search(r"<td>\d{2} \w{3} \d{4} \d{2}:\d{2} EAT</td>", history)


def test_rest_keeps_the_iso_value(client, api_headers, claim_id):
    claim = client.get(f"/api/v1/claim/{claim_id}", headers=api_headers("member1"))
    assert claim.get_json()["result"]["submitted_at"].startswith("2026-03-01T21:30:15")
