"""The SLA clock's arithmetic (app.services.sla): due dates, the clock stopped while information
is requested (across month ends), at risk and breached, and what each transition does to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from app.services.sla import (
    AT_RISK,
    BREACHED,
    ON_TRACK,
    SlaRules,
    claim_sla_status,
    clock_status,
    due_after,
    refresh_claim,
    resumed_due,
)

RULES = SlaRules(decision_days=30, payment_days=30, at_risk_percent=25)
DAY = timedelta(days=1)


def claim(status: str = "submitted", **fields) -> SimpleNamespace:
    values = dict(status=status, submitted_at=datetime(2026, 1, 20, 9, 0), sla_due_at=None,
                  sla_paused_at=None, sla_status=None, sla_breached_at=None,
                  payment_due_at=None, payment_breached_at=None, decided_at=None)
    return SimpleNamespace(**{**values, **fields})


def test_the_decision_is_due_thirty_days_after_submission_across_a_month_end():
    assert due_after(datetime(2026, 1, 20, 9, 0), 30) == datetime(2026, 2, 19, 9, 0)
    assert due_after(datetime(2028, 2, 10, 9, 0), 30) == datetime(2028, 3, 11, 9, 0)  # leap


@pytest.mark.parametrize(("paused", "resumed", "due"), [
    # Stopped on 30 January, running again on 5 February: 6 days later than 19 February.
    (datetime(2026, 1, 30, 12), datetime(2026, 2, 5, 12), datetime(2026, 2, 25, 9)),
    # Stopped over the end of February in a common year (28 days) ...
    (datetime(2026, 2, 26), datetime(2026, 3, 3), datetime(2026, 2, 24, 9)),
    # ... and over a year end.
    (datetime(2026, 12, 30, 8), datetime(2027, 1, 2, 8), datetime(2026, 2, 22, 9)),
    # Running again before it stopped (clocks set wrong) never moves the date back.
    (datetime(2026, 2, 5), datetime(2026, 2, 1), datetime(2026, 2, 19, 9)),
])
def test_a_stopped_clock_moves_the_due_date_by_the_time_it_stood_still(paused, resumed, due):
    assert resumed_due(datetime(2026, 2, 19, 9), paused, resumed) == due


def test_at_risk_under_a_quarter_of_the_time_left_and_breached_once_past_due():
    due = datetime(2026, 2, 19, 9, 0)
    length = 30 * DAY  # a quarter is 7 days 12 hours
    assert clock_status(due, due - 8 * DAY, length, 25) == ON_TRACK
    assert clock_status(due, due - 7.5 * DAY, length, 25) == ON_TRACK  # exactly a quarter left
    assert clock_status(due, due - 7 * DAY, length, 25) == AT_RISK
    assert clock_status(due, due, length, 25) == AT_RISK  # due now: not yet past
    assert clock_status(due, due + timedelta(seconds=1), length, 25) == BREACHED


def test_submission_starts_the_clock_from_the_submission_date():
    c = claim("submitted")
    refresh_claim(c, "draft", now=datetime(2026, 1, 21), rules=RULES)
    assert c.sla_due_at == datetime(2026, 2, 19, 9, 0) and c.sla_status == ON_TRACK


def test_a_paper_claim_received_long_ago_is_breached_as_soon_as_it_is_keyed_in():
    c = claim("submitted", submitted_at=datetime(2025, 11, 1))
    refresh_claim(c, "draft", now=datetime(2026, 1, 21), rules=RULES)
    assert c.sla_status == BREACHED
    assert c.sla_breached_at is None  # flagged and notified by the tick, once


def test_information_requested_stops_the_clock_and_keeps_its_status_until_answered():
    c = claim("under_review", sla_due_at=datetime(2026, 2, 19, 9, 0))
    c.status = "info_requested"
    refresh_claim(c, "under_review", now=datetime(2026, 1, 30, 12), rules=RULES)
    assert c.sla_paused_at == datetime(2026, 1, 30, 12) and c.sla_status == ON_TRACK
    # Weeks later the stopped clock still shows what it showed when it stopped.
    assert claim_sla_status(c, datetime(2026, 3, 30), RULES) == ON_TRACK
    c.status = "under_review"
    refresh_claim(c, "info_requested", now=datetime(2026, 2, 5, 12), rules=RULES)
    assert c.sla_due_at == datetime(2026, 2, 25, 9, 0) and c.sla_paused_at is None
    assert c.sla_status == ON_TRACK


def test_two_stops_add_up():
    c = claim("under_review", sla_due_at=datetime(2026, 2, 19, 9, 0))
    for stopped, resumed in ((datetime(2026, 1, 25), datetime(2026, 1, 28)),
                             (datetime(2026, 2, 10), datetime(2026, 2, 14))):
        c.status = "info_requested"
        refresh_claim(c, "under_review", now=stopped, rules=RULES)
        c.status = "under_review"
        refresh_claim(c, "info_requested", now=resumed, rules=RULES)
    assert c.sla_due_at == datetime(2026, 2, 26, 9, 0)


def test_a_decision_ends_the_decision_clock_and_an_approval_starts_the_payment_clock():
    decided = datetime(2026, 2, 10, 15)
    c = claim("approved", sla_due_at=datetime(2026, 2, 19, 9), decided_at=decided)
    refresh_claim(c, "under_review", now=decided, rules=RULES)
    assert c.payment_due_at == datetime(2026, 3, 12, 15) and c.sla_status == ON_TRACK
    assert claim_sla_status(c, datetime(2026, 3, 6), RULES) == AT_RISK
    assert claim_sla_status(c, datetime(2026, 3, 13), RULES) == BREACHED
    rejected = claim("rejected", sla_due_at=datetime(2026, 2, 19, 9), decided_at=decided)
    refresh_claim(rejected, "under_review", now=decided, rules=RULES)
    assert rejected.payment_due_at is None and rejected.sla_status is None


def test_a_first_appeal_is_a_new_review_with_its_own_promise():
    c = claim("appealed", sla_due_at=datetime(2026, 2, 19, 9),
              sla_breached_at=datetime(2026, 2, 20), payment_due_at=datetime(2026, 3, 12))
    refresh_claim(c, "partially_approved", now=datetime(2026, 3, 1, 10), rules=RULES)
    assert c.sla_due_at == datetime(2026, 3, 31, 10) and c.sla_breached_at is None
    assert c.payment_due_at is None and c.sla_status == ON_TRACK
    c.status = "trustee_review"
    refresh_claim(c, "rejected", now=datetime(2026, 4, 1), rules=RULES)
    assert c.sla_status is None  # the trustees keep no clock


def test_a_claim_from_before_the_clock_gets_one_on_its_next_transition():
    c = claim("under_review", submitted_at=datetime(2026, 1, 1))
    refresh_claim(c, "submitted", now=datetime(2026, 1, 28), rules=RULES)
    assert c.sla_due_at == datetime(2026, 1, 31) and c.sla_status == AT_RISK
