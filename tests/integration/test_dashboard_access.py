"""Who sees the dashboard (Admin, Committee and the read-only Auditor; not Finance, not
members), over the web and REST; Chart.js served by the app itself; the document; and the
numbers following the real lifecycle."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import ClaimItem
from app.services import dashboard
from app.services.lifecycle import perform
from tests import factories

CHART_URLS = [f"/api/v1/dashboard/{name}" for name in dashboard.CHARTS]
READERS = ("admin", "committee1", "auditor")
REFUSED = ("finance", "member1")


@pytest.mark.parametrize("username", READERS)
def test_the_oversight_roles_open_the_dashboard_from_their_menu(client_for, username):
    web = client_for(username)
    home = web.get("/").get_data(as_text=True)
    assert 'href="/dashboard/"' in home  # the menu entry
    page = web.get("/dashboard/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h2>Dashboard</h2>" in html
    assert html.count('<canvas data-chart="') == len(dashboard.CHARTS)
    assert html.count("<summary>Show the numbers as a table</summary>") == len(dashboard.CHARTS)


@pytest.mark.parametrize("username", REFUSED)
def test_finance_and_members_are_refused_the_dashboard(client_for, username):
    web = client_for(username)
    assert 'href="/dashboard/"' not in web.get("/").get_data(as_text=True)
    assert web.get("/dashboard/").status_code == 403


def test_a_visitor_is_sent_to_the_login(client):
    answer = client.get("/dashboard/")
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]
    for url in CHART_URLS:
        assert client.get(url).status_code == 401


@pytest.mark.parametrize("username", READERS + REFUSED)
def test_rest_charts_answer_the_readers_only(app, api_headers, username):
    headers = api_headers(username)
    client = app.test_client()
    for url in CHART_URLS:
        answer = client.get(url, headers=headers)
        if username in READERS:
            assert answer.status_code == 200, url
            assert answer.get_json()["result"]["period"]["today"]
        else:
            assert answer.status_code == 403, url
            assert answer.get_json()["message"]


def test_an_empty_fund_shows_zeros_and_no_medians(committee_client, app, api_headers):
    assert committee_client.get("/dashboard/").status_code == 200
    answer = app.test_client().get("/api/v1/dashboard/decision_time",
                                   headers=api_headers("committee1")).get_json()["result"]
    assert answer["decided"] == 0 and answer["median_days"] is None
    categories = app.test_client().get("/api/v1/dashboard/categories",
                                       headers=api_headers("admin")).get_json()["result"]
    assert categories["categories"] == []


def test_chart_js_is_served_by_the_app_never_from_a_cdn(committee_client):
    html = committee_client.get("/dashboard/").get_data(as_text=True)
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert "/static/vendor/chartjs/chart.umd.min.js" in sources
    assert "/static/js/dashboard.js" in sources
    assert not [src for src in sources if "//" in src]  # nothing from another host
    library = committee_client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert library.status_code == 200
    assert library.get_data(as_text=True).startswith("/*!\n * Chart.js v4.6.1")
    ours = committee_client.get("/static/js/dashboard.js").get_data(as_text=True)
    assert "claimdesk-dashboard-data" in ours and "new window.Chart(" in ours
    # the numbers travel as JSON data, not as a script the browser runs
    assert '<script type="application/json" id="claimdesk-dashboard-data">' in html


def test_the_document_describes_every_chart(app, api_headers):
    document = app.test_client().get("/api/v1/_openapi",
                                     headers=api_headers("admin")).get_json()
    for name in dashboard.CHARTS:
        operation = document["paths"][f"/api/v1/dashboard/{name}"]["get"]
        assert operation["tags"] == ["Dashboard"] and operation["security"] == [{"jwt": []}]
        result = operation["responses"]["200"]["content"]["application/json"]["schema"][
            "properties"]["result"]
        assert "period" in result["required"]
        assert {"401", "403", "500"} <= set(operation["responses"])


def _user(name: str):
    return current_app.appbuilder.sm.find_user(username=name)


def test_a_decision_changed_on_appeal_counts_against_its_reviewer(ctx, app, api_headers):
    general = factories.benefit_category("general", "250000.00")
    consult = factories.scale_item("GP_CONSULT", benefit_category=general, fee_cap=D("1800.00"))
    member = factories.member(user_id=factories.user_id("member1"),
                              contribution_receipt_date=date.today() - timedelta(days=400))
    claim = factories.claim(of=member, items=0)
    claim.items.append(ClaimItem(description="GP consultation", quantity=1,
                                 unit_cost=D("2000.00"), receipt_number="R-APPEAL-1",
                                 scale_item=consult))
    db.session.commit()
    claim_id = claim.id
    perform(claim_id, "submit", _user("member1"), declaration=True)
    perform(claim_id, "start_review", _user("committee1"))
    perform(claim_id, "reject", _user("committee1"), reason="No referral letter")
    perform(claim_id, "appeal", _user("member1"), reason="The letter is attached now")
    perform(claim_id, "start_review", _user("committee2"))
    perform(claim_id, "recommend", _user("committee2"))
    approved = perform(claim_id, "approve", _user("admin"))
    assert approved.status == "approved"

    answer = app.test_client().get("/api/v1/dashboard/reviewers",
                                   headers=api_headers("committee1")).get_json()["result"]
    rows = {row["username"]: row for row in answer["reviewers"]}
    assert rows["committee1"]["appeals_overturned"] == 1
    assert rows["committee1"]["decided"] == 0  # his decision is no longer the claim's
    assert (rows["admin"]["decided"], rows["admin"]["appeals_overturned"]) == (1, 0)
    assert rows["committee2"]["appeals_overturned"] == 0


def _statements(app, run) -> int:
    seen = []
    with app.app_context():
        engine = db.engine

        def count(*_args):
            seen.append(1)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            run()
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_number_of_queries_does_not_grow_with_the_claims(app):
    """Set-based: the page costs as many queries for 40 claims as for 8."""
    from tests.integration.dashboard_support import build_fund

    def snapshot():
        dashboard.snapshot(db.session)
        db.session.remove()

    with app.app_context():
        build_fund()
        db.session.remove()
    few = _statements(app, snapshot)
    with app.app_context():
        for _ in range(4):
            build_fund_again()
        db.session.remove()
    assert _statements(app, snapshot) == few


def build_fund_again() -> None:
    """More claims of every kind, for members and reviewers already there."""
    from app.models import Claim

    for claim in db.session.scalars(sa.select(Claim).limit(20)).all():
        copy = Claim(member_id=claim.member_id, dependent_id=claim.dependent_id,
                     claim_type=claim.claim_type, provider_id=claim.provider_id,
                     first_visit_date=claim.first_visit_date, status=claim.status,
                     submitted_at=claim.submitted_at, decided_at=claim.decided_at,
                     decided_by_id=claim.decided_by_id, sla_status=claim.sla_status,
                     assigned_reviewer_id=claim.assigned_reviewer_id,
                     total_approved=claim.total_approved)
        db.session.add(copy)
    db.session.commit()
