"""In-app notifications: the login's own and his role's, newest first, marked read from the
list (one or several). Which rows a login sees is app.access's rule."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import flash, g, redirect, url_for
from flask_appbuilder.actions import action
from markupsafe import Markup

from app import security as perms
from app.datamodel import ComputedColumnsInterface
from app.extensions import db
from app.models import Notification
from app.services import notifications
from app.services.errors import NotFound
from app.views.base import ClaimdeskModelView

KIND_LABELS = {
    "sla_breached": "Decision date missed",
    "payment_sla_breached": "Payment date missed",
    "assignment_flagged": "No reviewer free",
    "claim_reassigned": "Claim assigned to you",
}


def _claim_link(number: Any) -> Markup:
    if not number:
        return Markup("")
    target = url_for("ClaimView.list") + "?" + urlencode({"_flt_0_claim_number": number})
    return Markup('<a href="{}">{}</a>').format(target, number)


def _unread(value: Any) -> Markup:
    return Markup('<span class="label label-warning">Unread</span>') if value else Markup("")


def _ids(rows: Any) -> list[int]:
    return [row.id for row in (rows if isinstance(rows, list) else [rows])]


class NotificationView(ClaimdeskModelView):
    datamodel = ComputedColumnsInterface(Notification)
    class_permission_name = perms.NOTIFICATION
    method_permission_name = {**ClaimdeskModelView.method_permission_name,
                              "mark_read": perms.WRITE}
    route_base = "/notifications"
    list_title = "Notifications"
    include_route_methods = {"list", "show", "action", "action_post"}
    add_columns = edit_columns = ["message"]  # no form route: FAB builds them anyway
    list_columns = ["unread", "created_at", "kind", "message", "claim.claim_number"]
    show_columns = ["created_at", "kind", "message", "claim.claim_number", "recipient_role",
                    "recipient_user", "read_at"]
    search_columns = ["unread", "kind", "created_at", "message"]
    order_columns = ["created_at", "kind"]
    base_order = ("created_at", "desc")
    label_columns = {
        "unread": "Unread", "created_at": "When", "kind": "About", "message": "Message",
        "claim.claim_number": "Claim", "recipient_role": "To role",
        "recipient_user": "To", "read_at": "Read at",
    }
    formatters_columns = {"unread": _unread, "kind": lambda kind: KIND_LABELS.get(kind, kind),
                          "claim.claim_number": _claim_link}

    @action("mark_read", "Mark as read", None, "fa-check", multiple=True, single=True)
    def mark_read(self, rows: Any) -> Any:
        # FAB hands the action rows loaded without the row rule: the service loads them again.
        try:
            count = notifications.mark_read(db.session, g.user, _ids(rows))
            db.session.commit()
        except NotFound:
            db.session.rollback()
            flash("No such notification.", "danger")
        else:
            flash(f"{count} notification(s) marked as read.", "success")
        return redirect(url_for("NotificationView.list"))
