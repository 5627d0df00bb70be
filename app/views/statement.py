"""A claim's statement as PDF, from the claim's page: for the member (his own claims, by the
row rule) and the staff who read claims. One service call (app.services.statement)."""

from __future__ import annotations

from typing import Any

from flask import abort, g
from flask_appbuilder import BaseView, expose, has_access

from app import security as perms
from app.downloads import send
from app.extensions import db
from app.services.errors import NotFound
from app.services.statement import claim_statement


class ClaimStatementView(BaseView):
    route_base = "/claims/statement"
    class_permission_name = perms.CLAIM
    method_permission_name = {"statement": perms.READ}

    @expose("/<int:pk>")
    @has_access
    def statement(self, pk: int) -> Any:
        try:
            return send(claim_statement(db.session, pk, g.user))
        except NotFound:
            abort(404)
