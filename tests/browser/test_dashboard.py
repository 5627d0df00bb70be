"""The dashboard in a real browser: a committee member opens it from the menu, Chart.js (served
by the app) draws every chart from the page's numbers, and each table shows the same numbers."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app.extensions import db
from tests.integration.dashboard_support import build_fund


@pytest.fixture
def fund(app: Flask):
    with app.app_context():
        built = build_fund()
        db.session.remove()
        return built


def test_a_committee_member_reads_the_charts_and_their_tables(fund, browser_as):
    page: Page = browser_as("committee1")
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    # The page's scripts draw the charts after the heading shows: wait until every one is drawn.
    page.wait_for_function("""() => window.Chart && Array.from(
        document.querySelectorAll('canvas[data-chart]')).every(c => window.Chart.getChart(c))""")

    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => [c.dataset.chart, window.Chart.getChart(c) ? window.Chart.getChart(c).config.type
                                                             : null])""")
    assert dict(drawn) == {"open_claims": "doughnut", "monthly": "line", "sla": "bar",
                           "decision_time": "line", "categories": "bar",
                           "top_claimants": "bar", "reviewers": "bar"}
    open_total = page.evaluate("""() => window.Chart.getChart(
        document.querySelector('canvas[data-chart=open_claims]')).data.datasets[0].data
        .reduce((a, b) => a + b, 0)""")
    assert open_total == 13

    section = page.locator("#chart-top_claimants")
    table = section.locator("table")
    expect(table).to_be_hidden()
    section.get_by_text("Show the numbers as a table").click()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first).to_contain_text("Achieng Mutua")
    expect(table.locator("tbody tr").first).to_contain_text("35,000.00")
