"""Payment batches over REST (issue 7, point 7): build with its exclusions, four eyes, release,
payout file, paid, cancel; a member reads only his own payments."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest

from app.extensions import db
from app.models import Claim
from tests.meeting_support import user
from tests.payment_support import payable_claim, payee, second_finance


@pytest.fixture
def fund(app):
    with app.app_context():
        second_finance()
        own = payee()
        own.user_id = user("member1").id
        db.session.commit()
        mine = payable_claim(own, "1500.00").id
        theirs = payable_claim(payee(), "2000.00").id
        waiting = payable_claim(payee(), ratified=False).claim_number
        db.session.remove()
    return {"mine": mine, "theirs": theirs, "waiting": waiting}


def _step(client, headers, batch: dict, action: str, **params):
    return client.post(f"/api/v1/paymentbatch/{batch['id']}/transition", headers=headers,
                       json={"action": action, "version": batch["version"], **params})


def test_build_approve_release_file_and_pay_over_rest(app, client, api_headers, fund):
    finance, second = api_headers("finance"), api_headers("finance2")
    built = client.post("/api/v1/paymentbatch/build", headers=finance,
                        json={"method": "bank"})
    assert built.status_code == 201, built.get_json()
    body = built.get_json()
    batch = body["result"]
    assert (batch["status"], batch["payment_count"], batch["total_amount"]) == (
        "draft", 2, "2800.00")
    assert [(e["claim_number"], e["reason"]) for e in body["excluded"]] == [
        (fund["waiting"], "not_ratified")]

    refused = _step(client, finance, batch, "approve")
    assert refused.status_code == 403 and "Four eyes" in refused.get_json()["message"]
    assert client.get(f"/api/v1/paymentbatch/{batch['id']}/payout_file",
                      headers=finance).status_code == 409
    batch = _step(client, second, batch, "approve").get_json()["result"]
    batch = _step(client, second, batch, "release").get_json()["result"]
    stale = _step(client, finance, {**batch, "version": batch["version"] - 1}, "mark_paid",
                  paid_on=date.today().isoformat(), bank_reference="FT1")
    assert stale.status_code == 409

    answer = client.get(f"/api/v1/paymentbatch/{batch['id']}/payout_file", headers=finance)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[-1][0] == "CONTROL TOTAL" and D(rows[-1][4]) == D(batch["total_amount"])
    assert sum(D(r[4]) for r in rows[1:-1]) == D(batch["total_amount"])

    bad = _step(client, finance, batch, "mark_paid", paid_on="2999-01-01")
    assert bad.status_code == 422 and "paid_on" in bad.get_json()["message"]
    missing = _step(client, finance, batch, "mark_paid", paid_on=date.today().isoformat())
    assert missing.status_code == 422 and "bank_reference" in missing.get_json()["message"]
    paid = _step(client, finance, batch, "mark_paid", paid_on=date.today().isoformat(),
                 bank_reference="FT26340ABC")
    assert paid.status_code == 200 and paid.get_json()["result"]["status"] == "paid"
    with app.app_context():
        assert {db.session.get(Claim, fund[k]).status for k in ("mine", "theirs")} == {"paid"}


def test_nothing_to_pay_answers_409_with_the_reasons(client, api_headers, fund):
    answer = client.post("/api/v1/paymentbatch/build", headers=api_headers("finance"),
                         json={"method": "mobile_money"})
    assert answer.status_code == 409
    assert answer.get_json()["excluded"] == []
    bad = client.post("/api/v1/paymentbatch/build", headers=api_headers("finance"),
                      json={"method": "gold", "min_amount": "x"})
    assert bad.status_code == 400


def test_only_finance_builds_and_pays(client, api_headers, fund):
    for who in ("admin", "committee1", "auditor", "member1"):
        answer = client.post("/api/v1/paymentbatch/build", headers=api_headers(who),
                             json={"method": "bank"})
        assert answer.status_code == 403, who
    assert client.get("/api/v1/paymentbatch/", headers=api_headers("auditor")).status_code == 200
    assert client.get("/api/v1/paymentbatch/", headers=api_headers("member1")).status_code == 403


def test_a_member_reads_only_his_own_payments(client, api_headers, fund):
    built = client.post("/api/v1/paymentbatch/build", headers=api_headers("finance"),
                        json={"method": "bank"}).get_json()
    assert built["result"]["payment_count"] == 2
    mine = client.get("/api/v1/payment/", headers=api_headers("member1")).get_json()
    assert [p["claim"]["id"] for p in mine["result"]] == [fund["mine"]]
    others = client.get("/api/v1/payment/", headers=api_headers("finance")).get_json()
    theirs = next(p["id"] for p in others["result"] if p["claim"]["id"] == fund["theirs"])
    assert client.get(f"/api/v1/payment/{theirs}",
                      headers=api_headers("member1")).status_code == 404
    assert client.get("/api/v1/payment/", headers=api_headers("member2")).get_json()[
        "count"] == 0


def test_cheque_numbers_and_cancel_over_rest(app, client, api_headers):
    with app.app_context():
        second_finance()
        payable_claim(payee(payout_method="cheque"))
        db.session.remove()
    finance, second = api_headers("finance"), api_headers("finance2")
    batch = client.post("/api/v1/paymentbatch/build", headers=finance,
                        json={"method": "cheque"}).get_json()["result"]
    batch = _step(client, second, batch, "approve").get_json()["result"]
    payments = client.get("/api/v1/payment/", headers=finance).get_json()["result"]
    answer = client.post(f"/api/v1/paymentbatch/{batch['id']}/cheques", headers=finance,
                         json={"cheques": [{"payment_id": payments[0]["id"],
                                            "cheque_number": "004711"}],
                               "version": batch["version"]})
    assert answer.status_code == 200
    batch = answer.get_json()["result"]
    assert client.get(f"/api/v1/payment/{payments[0]['id']}", headers=finance).get_json()[
        "result"]["cheque_number"] == "004711"
    no_reason = _step(client, finance, batch, "cancel")
    assert no_reason.status_code == 422
    cancelled = _step(client, finance, batch, "cancel", reason="Cheque book lost.")
    assert cancelled.get_json()["result"]["status"] == "cancelled"
