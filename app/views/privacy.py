"""Privacy tools (Kenya's Data Protection Act): a member's subject-access export (Admin for any
member, from the member's page; a member his own, under My account → My data) and the
anonymisation of a member who left (Admin), confirmed by typing the member number. Each posts
to one service function (app.services.privacy)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.forms import DynamicForm
from wtforms import StringField
from wtforms.validators import DataRequired

from app import security as perms
from app.downloads import send
from app.extensions import db
from app.services.balance import member_of_login
from app.services.errors import DomainError, NotFound
from app.services.privacy import ANONYMISABLE, anonymise_member, subject_access_file
from app.services.privacy.subject_access import load_member


class AnonymiseForm(DynamicForm):
    member_number = StringField(
        "Member number", widget=BS3TextFieldWidget(),
        validators=[DataRequired(message="Type the member number to confirm.")],
        description="Type the member's number to confirm: this cannot be undone.")

    def visible_fields(self) -> list[Any]:  # what the shared step form shows
        return [self.member_number]


class PrivacyView(BaseView):
    route_base = "/privacy"
    class_permission_name = perms.PRIVACY
    method_permission_name = {"export": perms.READ, "mine": perms.READ,
                              "my_export": perms.READ, "anonymise": perms.WRITE}
    default_view = "mine"

    def _export(self, member_id: int, back: str) -> Any:
        try:
            return send(subject_access_file(db.session, member_id, request.args.get("format"),
                                            g.user))
        except NotFound:
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return redirect(back)

    @expose("/<int:pk>/export")
    @has_access
    def export(self, pk: int) -> Any:
        return self._export(pk, url_for("MemberView.show", pk=pk))

    @expose("/mine/")
    @has_access
    def mine(self) -> Any:
        return self.render_template("privacy/mine.html",
                                    member=member_of_login(db.session, g.user))

    @expose("/mine/export")
    @has_access
    def my_export(self) -> Any:
        member = member_of_login(db.session, g.user)
        if member is None:
            flash("Your login is not linked to a member record.", "warning")
            return redirect(url_for("PrivacyView.mine"))
        return self._export(member.id, url_for("PrivacyView.mine"))

    @expose("/<int:pk>/anonymise", methods=["GET", "POST"])
    @has_access
    def anonymise(self, pk: int) -> Any:
        member = load_member(db.session, pk)
        if member is None:
            abort(404)
        form = AnonymiseForm()
        if form.validate_on_submit():
            if form.member_number.data.strip() != member.member_number:
                form.member_number.errors = ["This is not the member's number."]
            else:
                try:
                    anonymise_member(db.session, pk, g.user)
                except DomainError as error:
                    db.session.rollback()
                    flash(error.message, "danger")
                else:
                    flash(f"{member.member_number} was anonymised.", "success")
                    return redirect(url_for("MemberView.show", pk=pk))
        status = 422 if request.method == "POST" else 200
        return self.render_template("privacy/anonymise.html", form=form, member=member,
                                    allowed=ANONYMISABLE), status
