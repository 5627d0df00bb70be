"""Roles synced from app.security by `flask claimdesk sync-roles`, and only by it."""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder import ModelView
from flask_appbuilder.views import MasterDetailView

from app import create_app
from app.auth import SafeModelViewMixin
from app.extensions import db
from app.services.roles import sync_roles
from tests.conftest import _TMP, test_config


def role_grants(app) -> dict[str, set[str]]:
    with app.app_context():
        return {
            role.name: {str(pvm) for pvm in role.permissions}
            for role in app.appbuilder.sm.get_all_roles()
        }


def test_sync_roles_is_idempotent_and_public_gets_nothing(app):
    before = role_grants(app)
    with app.app_context():
        sync_roles()
        sync_roles()
        pvm_count = db.session.query(app.appbuilder.sm.permissionview_model).count()
        sync_roles()
        assert db.session.query(app.appbuilder.sm.permissionview_model).count() == pvm_count
    assert role_grants(app) == before
    assert before["Public"] == set()


def test_the_cli_command_syncs_the_roles(app):
    result = app.test_cli_runner().invoke(args=["claimdesk", "sync-roles"])
    assert result.exit_code == 0
    assert "Member:" in result.output and "Admin:" in result.output


def test_creating_the_app_writes_no_permissions():
    url = f"sqlite:///{_TMP / 'no-permissions.db'}"
    first = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with first.app_context():
        db.create_all()
    second = create_app(test_config(SQLALCHEMY_DATABASE_URI=url))
    with second.app_context():
        second.test_client().get("/login/")
        for table in ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_role"):
            count = db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            assert count == 0, table
        db.session.remove()


def test_no_screen_has_a_download_route_or_is_a_master_detail_view(app):
    assert not [r.rule for r in app.url_map.iter_rules() if "/download/" in r.rule]
    for view in app.appbuilder.baseviews:
        assert not isinstance(view, MasterDetailView), view
        if isinstance(view, ModelView):
            assert isinstance(view, SafeModelViewMixin), view


def test_every_role_sees_his_own_account_and_changes_his_own_password(client_for):
    for username in ("committee1", "finance", "auditor", "member1"):
        client = client_for(username)
        page = client.get("/users/userinfo/")
        assert page.status_code == 200 and username in page.get_data(as_text=True)
        assert client.get("/resetmypassword/form").status_code == 200
        assert client.get("/resetpassword/form?pk=1").status_code == 403


def test_the_auditor_reads_users_and_roles_and_changes_nothing(auditor_client):
    assert auditor_client.get("/users/list/").status_code == 200
    assert auditor_client.get("/roles/list/").status_code == 200
    assert auditor_client.get("/users/add").status_code == 403
    assert auditor_client.get("/roles/edit/1").status_code == 403


def test_only_the_admin_manages_users(admin_client, member_client, client_for):
    assert admin_client.get("/users/add").status_code == 200
    assert admin_client.get("/roles/add").status_code == 200
    for client in (member_client, client_for("committee1"), client_for("finance")):
        assert client.get("/users/list/").status_code == 403
        assert client.get("/roles/list/").status_code == 403
