"""Pick lists load by search: a fund of 5,000 members never lands in a form's HTML."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import Member
from tests import factories


def _many_members(app, n=5000):
    with app.app_context():
        type_id = factories.membership_type().id
        rows = [{"member_number": f"M-9{i:05d}", "first_name": "Zawadi",
                 "last_name": f"Mwangi{i:04d}x",
                 "date_of_birth": date(1980, 1, 1), "membership_type_id": type_id,
                 "status": "active"} for i in range(n)]
        db.session.execute(sa.insert(Member), rows)
        db.session.commit()


def test_claim_form_carries_none_of_5000_members(app, admin_client):
    _many_members(app)
    form = admin_client.get("/claims/add").get_data(as_text=True)
    assert "Mwangi" not in form and "M-9" not in form
    response = admin_client.get("/lookup/members/?q=mwangi0042")
    assert response.status_code == 200
    assert response.get_json() == {"results": [
        {"id": response.get_json()["results"][0]["id"], "text": "M-900042 Zawadi Mwangi0042x"}]}
    broad = admin_client.get("/lookup/members/?q=zawadi").get_json()["results"]
    assert len(broad) == 20


def test_patient_list_follows_the_member(app, admin_client):
    with app.app_context():
        mine = factories.member()
        factories.dependent(mine, first_name="Imani")
        factories.dependent(factories.member(), first_name="Imara")
        db.session.commit()
        member_id = mine.id
    names = [r["text"] for r in admin_client.get(
        f"/lookup/dependents/?q=ima&member={member_id}").get_json()["results"]]
    assert names == [n for n in names if n.startswith("Imani")] and len(names) == 1


def test_lookup_applies_the_row_rule_and_permissions(app, client, client_for):
    with app.app_context():
        own = factories.member(first_name="Selfie", user_id=factories.user_id("member1"))
        factories.member(first_name="Selfish")
        db.session.commit()
        own_id = own.id
    member = client_for("member1")
    results = member.get("/lookup/members/?q=self").get_json()["results"]
    assert [r["id"] for r in results] == [own_id]
    assert client.get("/lookup/members/?q=self").status_code in (302, 401)
    assert client_for("finance").get("/lookup/claims/?q=CLM").status_code == 200


def test_lookup_treats_wildcards_as_text(app, admin_client):
    with app.app_context():
        factories.provider("Mater 100% Hospital")
        factories.provider("Nairobi Hospital")
        db.session.commit()
    results = admin_client.get("/lookup/providers/?q=100%25").get_json()["results"]
    assert [r["text"].split(" (")[0] for r in results] == ["Mater 100% Hospital"]
    assert admin_client.get("/lookup/providers/?q=%25").get_json()["results"] == [
        results[0]]


def test_patient_list_offers_only_dependents_covered_now(app, admin_client):
    with app.app_context():
        mine = factories.member()
        factories.dependent(mine, first_name="Imani")
        factories.dependent(mine, first_name="Imara", status="pending")
        factories.dependent(mine, first_name="Imelda", status="removed")
        db.session.commit()
        member_id = mine.id
    names = [r["text"] for r in admin_client.get(
        f"/lookup/dependents/?member={member_id}").get_json()["results"]]
    assert [n.split()[0] for n in names] == ["Imani"]
