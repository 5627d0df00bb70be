"""Every total of every report against SQL written here, over the dashboard's fixture fund."""

from __future__ import annotations

import math
import statistics
from datetime import datetime
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.services import reports
from app.services.errors import NotFound, ValidationFailed
from tests.integration.report_support import build_report_fund, period_args

PAYABLE = "('approved', 'partially_approved', 'paid')"
# Each claim with its paid payment, if any (written here, independently of the reports).
WITH_PAYMENT = ("claim c LEFT JOIN payment p ON p.claim_id = c.id AND p.status = 'paid'")
SETTLED = "CASE WHEN p.reconciled_at IS NOT NULL THEN p.amount ELSE 0 END"


def sql(query: str, **params):
    return db.session.execute(sa.text(query), params).all()


def dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@pytest.fixture
def fund(ctx):
    return build_report_fund()


def window(fund) -> dict:
    return {"lo": fund.bounds[0], "hi": fund.bounds[12]}


def test_claims_by_status_and_type(fund):
    got = reports.run(db.session, "claims_by_status", period_args(fund))
    expected = {(kind, status): (n, D(c), D(a), D(p)) for kind, status, n, c, a, p in sql(
        "SELECT c.claim_type, c.status, COUNT(*), SUM(c.total_claimed), SUM(c.total_approved), "
        f"SUM({SETTLED}) FROM {WITH_PAYMENT} "
        "WHERE c.submitted_at >= :lo AND c.submitted_at < :hi GROUP BY c.claim_type, c.status",
        **window(fund))}
    summed: dict = {}
    for row in got.rows:
        key = (row["claim_type"], row["status"])
        n, c, a, p = summed.get(key, (0, D(0), D(0), D(0)))
        summed[key] = (n + row["claims"], c + row["claimed"], a + row["approved"],
                       p + row["settled"])
    assert summed == expected
    # paid1 is reconciled; paid_child is paid, not reconciled: not settled
    assert got.totals["settled"] == D("4800.00")
    for i in range(12):  # each month's count, by the fund's month bounds
        month = fund.bounds[i]
        (n,), = sql("SELECT COUNT(*) FROM claim WHERE submitted_at >= :lo AND submitted_at < :hi",
                    lo=fund.bounds[i], hi=fund.bounds[i + 1])
        label = (month + (fund.bounds[i + 1] - month) / 2).strftime("%Y-%m")
        assert sum(r["claims"] for r in got.rows if r["month"] == label) == n, label
    totals = sql("SELECT COUNT(*), SUM(total_claimed), SUM(total_approved) FROM claim "
                 "WHERE submitted_at >= :lo AND submitted_at < :hi", **window(fund))[0]
    assert (got.totals["claims"], got.totals["claimed"], got.totals["approved"]) == (
        totals[0], D(totals[1]), D(totals[2]))
    assert got.totals["claims"] == 17  # all 20 but the draft and the two before the period


def test_filters_narrow_the_claims(fund):
    args = period_args(fund, claim_type="outpatient", status="paid",
                       provider_id=str(fund.provider_id))
    got = reports.run(db.session, "claims_by_status", args)
    (n,), = sql("SELECT COUNT(*) FROM claim WHERE submitted_at >= :lo AND submitted_at < :hi "
                "AND claim_type = 'outpatient' AND status = 'paid' AND provider_id = :p",
                p=fund.provider_id, **window(fund))
    assert got.totals["claims"] == n == 1
    assert got.filters.provider_name == "Nairobi Hospital"


def test_bad_filters_are_named(fund):
    with pytest.raises(ValidationFailed) as refused:
        reports.run(db.session, "turnaround", {"date_from": "2026-13-01", "claim_type": "x",
                                               "status": "nope", "provider_id": "999999"})
    assert set(refused.value.errors) == {"date_from", "claim_type", "status", "provider_id"}
    with pytest.raises(ValidationFailed):
        reports.run(db.session, "turnaround", {"date_from": "2026-05-02",
                                               "date_to": "2026-05-01"})
    with pytest.raises(ValidationFailed) as refused:  # the calendar's last day has no next
        reports.run(db.session, "turnaround", {"date_from": "9999-12-30",
                                               "date_to": "9999-12-31"})
    assert set(refused.value.errors) == {"date_from", "date_to"}
    with pytest.raises(NotFound):
        reports.run(db.session, "no_such_report", {})


def _days(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    ordered = sorted(values)
    return (round(statistics.median(ordered) / 86400, 1),
            round(ordered[math.ceil(len(ordered) * 0.9) - 1] / 86400, 1))


def test_turnaround_medians_and_90th_percentiles(fund):
    got = reports.run(db.session, "turnaround", period_args(fund))
    settled_at = {claim_id: dt(at) for claim_id, at in sql(
        "SELECT claim_id, reconciled_at FROM payment WHERE status = 'paid' "
        "AND reconciled_at IS NOT NULL")}
    stages: dict = {}
    for claim_id, kind, submitted, decided in sql(
            "SELECT id, claim_type, submitted_at, decided_at FROM claim "
            "WHERE submitted_at >= :lo AND submitted_at < :hi", **window(fund)):
        for key in (kind, "Total"):
            decision, payment, overall = stages.setdefault(key, ([], [], []))
            if decided is not None:
                decision.append((dt(decided) - dt(submitted)).total_seconds())
            if claim_id in settled_at:
                payment.append((settled_at[claim_id] - dt(decided)).total_seconds())
                overall.append((settled_at[claim_id] - dt(submitted)).total_seconds())
    rows = {r["claim_type"]: r for r in got.rows} | {"Total": got.totals}
    assert set(rows) == set(stages)
    for key, (decision, payment, overall) in stages.items():
        row = rows[key]
        assert (row["decided"], row["settled"]) == (len(decision), len(payment)), key
        assert (row["decision_median"], row["decision_p90"]) == _days(decision), key
        assert (row["payment_median"], row["payment_p90"]) == _days(payment), key
        assert (row["overall_median"], row["overall_p90"]) == _days(overall), key
    # paid1 only: paid_child is not reconciled, the others were submitted before the period
    assert got.totals["settled"] == 1
    assert got.totals["payment_median"] == 3.0


FINANCIAL = (
    "SELECT COUNT(*), COALESCE(SUM(c.total_approved), 0), "
    "COALESCE(SUM(CASE WHEN p.id IS NOT NULL THEN p.amount ELSE 0 END), 0), "
    f"COALESCE(SUM({SETTLED}), 0), "
    "COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND p.reconciled_at IS NULL THEN p.amount "
    "ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN p.id IS NULL THEN c.total_approved ELSE 0 END), 0) "
    f"FROM {WITH_PAYMENT} WHERE c.status IN {PAYABLE} "
    "AND c.decided_at >= :lo AND c.decided_at < :hi")
AMOUNTS = ("approved", "paid", "settled", "unreconciled", "outstanding")


def test_financial_summary_per_month_of_decision(fund):
    got = reports.run(db.session, "financial_summary", period_args(fund))
    for i in range(12):
        (n, *amounts), = sql(FINANCIAL, lo=fund.bounds[i], hi=fund.bounds[i + 1])
        label = (fund.bounds[i] + (fund.bounds[i + 1] - fund.bounds[i]) / 2).strftime("%Y-%m")
        row = next((r for r in got.rows if r["month"] == label), None)
        if n == 0:
            assert row is None, label
            continue
        assert (row["decided"], *(row[k] for k in AMOUNTS)) == (
            n, *(D(a) for a in amounts)), label
    (n, *amounts), = sql(FINANCIAL, **window(fund))
    assert (got.totals["decided"], *(got.totals[k] for k in AMOUNTS)) == (
        n, *(D(a) for a in amounts))
    t = got.totals
    assert t["approved"] == t["settled"] + t["unreconciled"] + t["outstanding"]
    assert t["paid"] == t["settled"] + t["unreconciled"]
    # paid1 and paid_old reconciled; paid_child paid, not reconciled; appr1 (in an open batch)
    # and appr2 (its batch cancelled) outstanding like the other approved claims
    assert (t["settled"], t["unreconciled"]) == (D("12000.00"), D("500.00"))
    (owed,), = sql("SELECT SUM(total_approved) FROM claim WHERE status IN "
                   "('approved', 'partially_approved') AND decided_at >= :lo "
                   "AND decided_at < :hi", **window(fund))
    assert t["outstanding"] == D(owed)


def test_top_claimants_and_providers(fund):
    got = reports.run(db.session, "top_claimants", period_args(fund))
    expected = [(number, n, D(a)) for number, n, a in sql(
        "SELECT m.member_number, COUNT(*), SUM(c.total_approved) FROM claim c "
        "JOIN member m ON m.id = c.member_id WHERE c.submitted_at >= :lo "
        "AND c.submitted_at < :hi GROUP BY m.member_number "
        "ORDER BY SUM(c.total_approved) DESC, SUM(c.total_claimed) DESC, m.member_number",
        **window(fund))]
    assert [(r["member_number"], r["claims"], r["approved"]) for r in got.rows] == expected
    providers = reports.run(db.session, "top_providers", period_args(fund))
    top = providers.rows[0]
    (n, claimed), = sql("SELECT COUNT(*), SUM(total_claimed) FROM claim WHERE provider_id = :p "
                        "AND submitted_at >= :lo AND submitted_at < :hi",
                        p=fund.provider_id, **window(fund))
    assert (top["provider"], top["claims"], top["claimed"]) == ("Nairobi Hospital", n,
                                                                D(claimed))
    assert providers.totals["claims"] == got.totals["claims"] == 17


def test_membership_by_type_and_status(fund):
    got = reports.run(db.session, "membership", period_args(fund))
    counts = sql("SELECT t.name, m.status, COUNT(*) FROM member m JOIN membership_type t "
                 "ON t.id = m.membership_type_id GROUP BY t.name, m.status")
    for name, status, n in counts:
        row = next(r for r in got.rows if r["membership_type"] == name)
        assert row[status] == n, (name, status)
    (total,), = sql("SELECT COUNT(*) FROM member")
    assert got.totals["total"] == total == 6
    assert (got.totals["active"], got.totals["lapsed"], got.totals["pending"]) == (4, 1, 1)
    (joined,), = sql("SELECT COUNT(*) FROM member WHERE contribution_receipt_date "
                     "BETWEEN :a AND :b", a=got.filters.date_from, b=got.filters.date_to)
    assert got.totals["joined"] == joined


def test_utilisation_per_person_and_category_against_limits(fund):
    got = reports.run(db.session, "utilisation", period_args(fund))
    expected = {}
    for number, dependent_id, category, limit, approved in sql(
            "SELECT m.member_number, c.dependent_id, b.name, b.annual_limit, "
            "SUM(i.approved_amount) FROM claim_item i JOIN claim c ON c.id = i.claim_id "
            "JOIN member m ON m.id = c.member_id "
            "JOIN benefit_category b ON b.id = i.benefit_category_id "
            f"WHERE c.status IN {PAYABLE} AND c.treatment_date BETWEEN :a AND :b "
            "GROUP BY m.member_number, c.dependent_id, b.name, b.annual_limit "
            "HAVING SUM(i.approved_amount) > 0",
            a=fund.year_start, b=fund.year_end):
        expected[(number, dependent_id is not None, category)] = (
            D(approved), None if limit is None else D(limit) - D(approved))
    rows = {(r["member_number"], r["relationship"] != "member", r["category"]):
            (r["approved"], r["remaining"]) for r in got.rows}
    assert rows == expected
    assert got.totals["approved"] == sum(a for a, _ in expected.values()) == D("58300.00")
    categories = reports.run(db.session, "category_utilisation", period_args(fund))
    general = next(r for r in categories.rows if r["category"] == "General")
    assert (general["persons"], general["approved"]) == (3, D("47800.00"))
    assert general["limit_total"] == D("750000.00")
    assert categories.totals["approved"] == got.totals["approved"]
