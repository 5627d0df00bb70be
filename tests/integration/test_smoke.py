from decimal import Decimal

from app.extensions import db
from tests import factories


def test_login_page_and_health(client):
    assert client.get("/login/").status_code == 200
    assert client.get("/health").get_json() == {"status": "ok", "database": "ok"}


def test_each_role_logs_in_and_lists_claims(client_for):
    for username in ("admin", "committee1", "finance", "auditor"):
        c = client_for(username)
        assert c.get("/claims/list/").status_code == 200


def test_claim_numbers_and_totals_are_derived(ctx):
    claim = factories.claim(items=2)
    db.session.commit()
    assert claim.claim_number.startswith("CLM-")
    assert claim.total_claimed == Decimal("3000.00")
    assert claim.member.member_number.startswith("M-")
