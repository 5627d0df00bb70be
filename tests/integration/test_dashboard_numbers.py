"""Every number of the dashboard against plain SQL written here over the fixture fund, and the
same numbers over REST and on the page's tables."""

from __future__ import annotations

import json
import statistics
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.services import dashboard
from tests.integration.dashboard_support import build_fund, month_start

OPEN = ("submitted", "under_review", "info_requested", "appealed", "trustee_review", "approved",
        "partially_approved")
UNDECIDED = OPEN[:5]
DECIDED = ("approved", "partially_approved", "paid")


def sql(query: str, **params):
    return db.session.execute(sa.text(query), params).all()


def days(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds) / 86400, 1) if seconds else None


def in_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


@pytest.fixture
def fund(ctx):
    return build_fund()


def test_open_claims_by_status(fund):
    counts = dict(sql(f"SELECT status, COUNT(*) FROM claim WHERE status IN ({in_list(OPEN)}) "
                      "GROUP BY status"))
    got = dashboard.chart(db.session, "open_claims")
    assert {r["status"]: r["count"] for r in got["statuses"]} == {s: counts.get(s, 0)
                                                                  for s in OPEN}
    assert got["total"] == sum(counts.values()) == 13
    assert [r["stage"] for r in got["statuses"]].count("awaiting payment") == 2


def test_submissions_and_decisions_per_month(fund):
    got = dashboard.chart(db.session, "monthly")["months"]
    assert len(got) == 12
    for i, row in enumerate(got):
        lo, hi = fund.bounds[i], fund.bounds[i + 1]
        (submitted,), = sql("SELECT COUNT(*) FROM claim WHERE submitted_at >= :lo "
                            "AND submitted_at < :hi", lo=lo, hi=hi)
        (decided,), = sql("SELECT COUNT(*) FROM claim WHERE decided_at >= :lo "
                          "AND decided_at < :hi", lo=lo, hi=hi)
        assert (row["submitted"], row["decided"]) == (submitted, decided), row["month"]
    assert [row["month"] for row in got] == [
        month_start(fund.today, 11 - i).strftime("%Y-%m") for i in range(12)]
    # the fund's midnight starts a month: the claim submitted then counts in the new month,
    # the one a second earlier in the month before
    assert (got[5]["submitted"], got[6]["submitted"]) == (3, 2)


def test_sla_of_open_claims(fund):
    got = dashboard.chart(db.session, "sla")
    for clock, statuses in (("decision", UNDECIDED), ("payment", OPEN[5:])):
        counts = dict(sql(f"SELECT COALESCE(sla_status, 'none'), COUNT(*) FROM claim "
                          f"WHERE status IN ({in_list(statuses)}) GROUP BY sla_status"))
        assert got[clock] == {"on_track": counts.get("on_track", 0),
                              "at_risk": counts.get("at_risk", 0),
                              "breached": counts.get("breached", 0),
                              "no_clock": counts.get("none", 0)}, clock
    for state in ("on_track", "at_risk", "breached", "no_clock"):
        assert got[state] == got["decision"][state] + got["payment"][state]
    (open_claims,), = sql(f"SELECT COUNT(*) FROM claim WHERE status IN ({in_list(OPEN)})")
    assert got["open"] == open_claims
    window = {"lo": fund.bounds[0], "hi": fund.bounds[12]}
    for key, column in (("decision_breaches_in_period", "sla_breached_at"),
                        ("payment_breaches_in_period", "payment_breached_at")):
        (count,), = sql(f"SELECT COUNT(*) FROM claim WHERE {column} >= :lo AND {column} < :hi",
                        **window)
        assert got[key] == count, key
    assert (got["at_risk"], got["breached"]) == (3, 2)
    # the claim breached at the window's first instant counts, the one a second before not
    assert (got["decision_breaches_in_period"], got["payment_breaches_in_period"]) == (4, 1)


def test_median_decision_time_overall_and_per_month(fund):
    rows = sql("SELECT submitted_at, decided_at FROM claim WHERE decided_at >= :lo "
               "AND decided_at < :hi", lo=fund.bounds[0], hi=fund.bounds[12])
    spent = [(_dt(d) - _dt(s)).total_seconds() for s, d in rows]
    got = dashboard.chart(db.session, "decision_time")
    assert got["decided"] == len(rows) == 10
    assert got["median_days"] == days(spent)
    for i, month in enumerate(got["months"]):
        inside = [(_dt(d) - _dt(s)).total_seconds() for s, d in rows
                  if fund.bounds[i] <= _dt(d) < fund.bounds[i + 1]]
        assert (month["decided"], month["median_days"]) == (len(inside), days(inside))


def _dt(value):
    """SQLite answers text for a timestamp in a raw query, PostgreSQL a datetime."""
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


CATEGORY_LINES = f"""
    FROM claim_item ci JOIN claim c ON c.id = ci.claim_id
    LEFT JOIN scale_item si ON si.id = ci.scale_item_id
    JOIN benefit_category bc ON bc.id = COALESCE(ci.benefit_category_id, si.benefit_category_id)
    WHERE c.status IN ({in_list(DECIDED)}) AND c.treatment_date BETWEEN :start AND :end
      AND ci.approved_amount > 0"""


def test_approved_per_category_against_limits(fund):
    year = {"start": fund.year_start, "end": fund.year_end}
    approved = {k: D(v) for k, v in sql(
        f"SELECT bc.key, SUM(ci.approved_amount) {CATEGORY_LINES} GROUP BY bc.key", **year)}
    persons = dict(sql(
        f"SELECT k, COUNT(*) FROM (SELECT DISTINCT bc.key AS k, c.member_id, "
        f"COALESCE(c.dependent_id, 0) {CATEGORY_LINES}) people GROUP BY k", **year))
    limits = dict(sql("SELECT key, annual_limit FROM benefit_category"))
    got = {r["category"]: r for r in dashboard.chart(db.session, "categories")["categories"]}
    assert set(got) == set(limits)
    for key, row in got.items():
        total = approved.get(key, D("0"))
        assert D(row["approved"]) == total
        assert row["persons"] == persons.get(key, 0)
        limit = limits[key]
        if limit is None:
            assert row["annual_limit"] is row["limit_total"] is row["used_percent"] is None
            continue
        assert D(row["annual_limit"]) == D(limit)
        assert D(row["limit_total"]) == D(limit) * persons.get(key, 0)
        if persons.get(key):
            expected = (total * 100 / (D(limit) * persons[key])).quantize(D("0.1"))
            assert D(row["used_percent"]) == expected
    # by hand: general 8000 + 30000 + 4800 + 5000 (Wanjiru, Achieng, Otieno); dental 2000 on a
    # line whose category the adjudication left empty + 500 for the child; optical 10000
    assert (got["general"]["approved"], got["general"]["persons"]) == ("47800.00", 3)
    assert (got["dental"]["approved"], got["dental"]["persons"]) == ("2500.00", 2)
    assert (got["optical"]["approved"], got["optical"]["used_percent"]) == ("10000.00", "33.3")


def test_top_claimants(fund):
    expected = [(number, D(total)) for number, total in sql(
        f"SELECT m.member_number, SUM(ci.approved_amount) FROM claim_item ci "
        f"JOIN claim c ON c.id = ci.claim_id JOIN member m ON m.id = c.member_id "
        f"WHERE c.status IN ({in_list(DECIDED)}) AND c.treatment_date BETWEEN :start AND :end "
        f"GROUP BY m.member_number HAVING SUM(ci.approved_amount) > 0 "
        f"ORDER BY 2 DESC, 1", start=fund.year_start, end=fund.year_end)]
    got = dashboard.chart(db.session, "top_claimants")["members"]
    assert [(r["member_number"], D(r["approved"])) for r in got] == expected
    assert [r["name"] for r in got] == ["Achieng Mutua", "Wanjiru Kamau", "Otieno Odhiambo"]


def test_reviewers_workload_and_performance(fund):
    window = {"lo": fund.bounds[0], "hi": fund.bounds[12]}
    assigned = dict(sql(f"SELECT u.username, COUNT(*) FROM claim c JOIN ab_user u "
                        f"ON u.id = c.assigned_reviewer_id WHERE c.status IN "
                        f"({in_list(UNDECIDED)}) GROUP BY u.username"))
    decided: dict[str, list[float]] = {}
    for name, s, d in sql("SELECT u.username, c.submitted_at, c.decided_at FROM claim c "
                          "JOIN ab_user u ON u.id = c.decided_by_id WHERE c.decided_at >= :lo "
                          "AND c.decided_at < :hi", **window):
        decided.setdefault(name, []).append((_dt(d) - _dt(s)).total_seconds())
    breaches = dict(sql("SELECT u.username, COUNT(*) FROM claim c JOIN ab_user u "
                        "ON u.id = c.assigned_reviewer_id WHERE c.sla_breached_at >= :lo "
                        "AND c.sla_breached_at < :hi GROUP BY u.username", **window))
    overturned = _overturned_by_window_functions(window)
    got = {r["username"]: r for r in dashboard.chart(db.session, "reviewers")["reviewers"]}
    assert set(got) == {"committee1", "committee2", "admin"}  # admin: he holds a claim
    for name, row in got.items():
        assert row["open_assigned"] == assigned.get(name, 0), name
        assert row["decided"] == len(decided.get(name, [])), name
        assert row["median_days"] == days(decided.get(name, [])), name
        assert row["breaches"] == breaches.get(name, 0), name
        assert row["appeals_overturned"] == overturned.get(name, 0), name
    assert [got[n]["appeals_overturned"] for n in ("committee1", "committee2", "admin")] == [
        2, 0, 0]
    assert [got[n]["breaches"] for n in ("committee1", "committee2", "admin")] == [2, 2, 0]


def _overturned_by_window_functions(window) -> dict[str, int]:
    """Another way to the same definition: the fund's decision and appeal events in order per
    claim; an appeal between two decisions whose outcome or approved total differ."""
    rows = sql("""
        SELECT prev_action, prev_actor, prev_details, action, next_action, next_details, next_at
        FROM (SELECT action,
                     LAG(action) OVER w AS prev_action, LAG(actor_name) OVER w AS prev_actor,
                     LAG(details) OVER w AS prev_details, LEAD(action) OVER w AS next_action,
                     LEAD(details) OVER w AS next_details, LEAD(occurred_at) OVER w AS next_at
              FROM audit_event
              WHERE resource_type = 'claim' AND action IN
                    ('claim.approve', 'claim.reject', 'claim.trustee_decision', 'claim.appeal')
              WINDOW w AS (PARTITION BY resource_id ORDER BY id)) seq
        WHERE action = 'claim.appeal'""")
    counts: dict[str, int] = {}
    for prev_action, actor, before, _, next_action, after, at in rows:
        if next_action in (None, "claim.appeal") or prev_action in (None, "claim.appeal"):
            continue
        if not window["lo"] <= _dt(at) < window["hi"]:
            continue
        before, after = json.loads(before), json.loads(after)
        if (before["to"], before["approved"]) != (after["to"], after["approved"]):
            counts[actor] = counts.get(actor, 0) + 1
    return counts


def test_rest_answers_the_same_numbers_as_the_service_as_documented(fund, app, api_headers):
    import schemathesis

    headers = api_headers("committee1")
    document = app.test_client().get("/api/v1/_openapi", headers=headers).get_json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    for name in dashboard.CHARTS:
        operation = schema[f"/api/v1/dashboard/{name}"]["GET"]
        # checks the status and the body against the document
        answer = operation.Case(headers=headers).call_and_validate()
        assert answer.status_code == 200, name
        assert answer.json()["result"] == json.loads(json.dumps(
            dashboard.chart(db.session, name))), name


def test_the_page_tables_show_the_numbers(fund, committee_client):
    page = committee_client.get("/dashboard/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<tr data-status="under_review"><th scope="row">Under review</th><td>undecided</td>' \
           '<td class="claimdesk-count">2</td></tr>' in html
    assert '<tr data-category="general"><th scope="row">General</th><td><span ' \
           'class="claimdesk-money">47,800.00</span></td><td class="claimdesk-count">3</td>' \
           in html
    reviewer = html[html.index('<tr data-reviewer="committee1">'):]
    reviewer = reviewer[:reviewer.index("</tr>")]
    assert reviewer.endswith('<td class="claimdesk-count">2</td>')  # appeals overturned
    embedded = html[html.index('id="claimdesk-dashboard-data">') + 30:]
    data = json.loads(embedded[:embedded.index("</script>")])
    assert data["open_claims"]["total"] == 13
    assert data["top_claimants"]["members"][0]["name"] == "Achieng Mutua"
