"""The member screens' account actions: Admin makes a member's login from his record, or for
every selected member with an e-mail address and no login, and sees the one-time passwords
once. Members' pages also show their benefit balance."""

from __future__ import annotations

from typing import Any

from flask import g, make_response
from flask_appbuilder.actions import action

from app import security as perms
from app.extensions import db
from app.services.member_accounts import create_logins
from app.views import members
from app.views.member_home import BalanceWidget


class MemberView(members.MemberView):
    """The members' screens with the account actions and the balance panel (same class name:
    endpoints and permissions stay those of the members' screens)."""

    method_permission_name = {**members.MemberView.method_permission_name,
                              "create_login": perms.ACCOUNTS}
    show_template = "member/show.html"

    @action("create_login", "Create login", "Create a login with a one-time password for "
            "each selected member with an e-mail address and no login yet?", "fa-key")
    def create_login(self, selected: Any) -> Any:
        records = selected if isinstance(selected, list) else [selected]
        created, skipped = create_logins(db.session, records, g.user)
        page = self.render_template("member/logins.html", created=created, skipped=skipped,
                                    title="Member logins", back=self.get_redirect())
        response = make_response(page)
        # The one-time passwords are shown once: no cache may keep them.
        response.headers["Cache-Control"] = "no-store"
        return response

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["balance"] = BalanceWidget(item)
        return widgets
