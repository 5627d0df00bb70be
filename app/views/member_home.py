"""A member's home: his benefit balance and his recent claims. The fund's front page shows it
to a login linked to a member record who may use it; everyone else gets FAB's front page."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder import IndexView as FabIndexView
from flask_appbuilder.widgets import RenderTemplateWidget

from app import security as perms
from app.extensions import db
from app.models import Member
from app.services.balance import balance_of, member_of_login, recent_claims
from app.services.disclosure import decision_shown
from app.views.common import money


class BalanceWidget(RenderTemplateWidget):
    """The balance panel, on the member's home page and on a member's page for the staff."""

    template = "member/balance_panel.html"

    def __init__(self, member: Member) -> None:
        super().__init__(balance=balance_of(db.session, member), money=money)


def _home_page(view: BaseView, member: Member | None) -> Any:
    if member is None:
        return view.render_template("member/home.html", member=None, balance=None, claims=[],
                                    money=money)
    return view.render_template(
        "member/home.html", member=member, balance=BalanceWidget(member),
        claims=recent_claims(db.session, member), money=money,
        decision_shown=lambda status: decision_shown(status, g.user),
    )


class MemberHomeView(BaseView):
    class_permission_name = perms.MEMBER_HOME
    method_permission_name = {"home": perms.READ}
    route_base = "/my"
    default_view = "home"

    @expose("/")
    @has_access
    def home(self) -> Any:
        return _home_page(self, member_of_login(db.session, g.user))


class IndexView(FabIndexView):
    """FAB's front page (same class name: its endpoint stays ``IndexView.index``), which is
    the member's home for a login that has one."""

    @expose("/")
    def index(self) -> Any:
        user = g.get("user")
        member = member_of_login(db.session, user)
        if member is not None and self.appbuilder.sm.has_access(
            f"can_{perms.READ}", perms.MEMBER_HOME
        ):
            return _home_page(self, member)
        return super().index()
