from app.extensions import db
from tests import factories


def test_member_lists_only_his_own_claims(app, client_for):
    with app.app_context():
        mine = factories.member(first_name="Own", user_id=factories.user_id("member1"))
        other = factories.member(first_name="Sentinelxq")
        own_claim = factories.claim(of=mine)
        other_claim = factories.claim(of=other)
        db.session.commit()
        own_number, other_number, other_id = (
            own_claim.claim_number, other_claim.claim_number, other_claim.id
        )
    c = client_for("member1")
    page = c.get("/claims/list/").get_data(as_text=True)
    assert own_number in page and other_number not in page
    assert c.get(f"/claims/show/{other_id}").status_code in (302, 404)
