"""No state change without a POST carrying the CSRF token: forms, deletes, actions."""

from __future__ import annotations

from app.extensions import db
from app.models import Provider
from tests import factories
from tests.helpers import csrf_token


def provider_id(app, **kw) -> int:
    with app.app_context():
        provider = factories.provider(**kw)
        db.session.commit()
        return provider.id


def provider_exists(app, pk: int) -> bool:
    with app.app_context():
        return db.session.get(Provider, pk) is not None


def test_a_form_posted_without_its_token_changes_nothing(app, admin_client):
    response = admin_client.post(
        "/providers/add",
        data={"name": "Forged Clinic", "provider_type": "clinic", "registration_code": "F-1"},
    )
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Provider).filter_by(name="Forged Clinic").count() == 0


def test_a_get_to_a_delete_url_deletes_nothing(app, admin_client):
    pk = provider_id(app)
    assert admin_client.get(f"/providers/delete/{pk}").status_code == 405
    assert provider_exists(app, pk)


def test_a_delete_posted_without_its_token_deletes_nothing(app, admin_client):
    pk = provider_id(app)
    assert admin_client.post(f"/providers/delete/{pk}").status_code == 400
    assert provider_exists(app, pk)


def test_the_list_deletes_through_a_form_with_the_token(app, admin_client):
    pk = provider_id(app)
    page = admin_client.get("/providers/list/").get_data(as_text=True)
    assert 'method="POST"' in page and 'name="csrf_token"' in page
    assert f"/providers/delete/{pk}" in page
    token = csrf_token(admin_client, "/providers/list/")
    response = admin_client.post(f"/providers/delete/{pk}", data={"csrf_token": token})
    assert response.status_code == 302
    assert not provider_exists(app, pk)


def test_an_action_posted_without_its_token_is_refused(app, admin_client):
    with app.app_context():
        role_id = app.appbuilder.sm.find_role("Auditor").id
    response = admin_client.post("/roles/action_post", data={"action": "copyrole",
                                                             "rowid": [str(role_id)]})
    assert response.status_code == 400
    with app.app_context():
        assert app.appbuilder.sm.find_role("Auditor copy") is None


def test_actions_answer_only_posts(admin_client):
    with admin_client.application.app_context():
        role_id = admin_client.application.appbuilder.sm.find_role("Auditor").id
    assert admin_client.get(f"/roles/action/copyrole/{role_id}").status_code == 405


def test_an_unknown_action_is_not_found_rather_than_an_error(admin_client):
    token = csrf_token(admin_client, "/roles/list/")
    for url in ("/roles/action/no-such-action/1", "/providers/action/no-such-action/1"):
        assert admin_client.post(url, data={"csrf_token": token}).status_code == 404
    response = admin_client.post("/groups/action_post",
                                 data={"action": "nothing", "csrf_token": token})
    assert response.status_code == 404
