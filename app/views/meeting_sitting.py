"""A meeting's sitting, from its page: the attendance, the agenda (put decisions on it, take
them off, ratify, send back) and the minutes as PDF; and, from the claims list, putting the
selected decisions on a meeting's agenda. Each posts to one service function
(app.services.meetings, app.services.agenda, app.services.minutes) and shows each claim's
outcome, as the claims' bulk pages do."""

from __future__ import annotations

from typing import Any, Callable

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget, Select2Widget
from flask_appbuilder.security.decorators import permission_name
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from app import security as perms
from app.access import scope_query
from app.extensions import db
from app.models import Claim, CommitteeMeeting
from app.services import agenda, meetings
from app.services.errors import DomainError, Forbidden, NotFound
from app.services.minutes import minutes_pdf
from app.views.forms.claim_transitions import BulkForm, parse_ids

OPERATIONS = {"add": "Put on the agenda", "remove": "Take off the agenda",
              "ratify": "Ratify"}


class SendBackForm(BulkForm):
    reason = TextAreaField(
        "Why the committee sends them back", widget=BS3TextAreaFieldWidget(),
        validators=[DataRequired(message="Write a reason.")],
        description="The same reason is recorded on every decision, in the minutes.")

    def params(self) -> dict[str, Any]:
        return {"reason": self.reason.data}


class ChooseMeetingForm(BulkForm):
    meeting_id = SelectField("Meeting", coerce=int, widget=Select2Widget(),
                             validators=[InputRequired(message="Choose a meeting.")])


def _meeting_page(pk: int) -> str:
    return url_for("CommitteeMeetingView.show", pk=pk)


def _selected() -> list[int]:
    return parse_ids(",".join(request.form.getlist("claim_ids")))


class MeetingSittingView(BaseView):
    """``/meetings/sitting/...``: writes need can_write on CommitteeMeeting, the minutes can_read;
    the services check the roles, the meeting's state and the quorum again."""

    route_base = "/meetings/sitting"
    class_permission_name = perms.COMMITTEE_MEETING

    def _refused(self, error: DomainError, back: str) -> Any:
        if isinstance(error, NotFound):
            abort(404)
        flash(error.message, "danger")
        if isinstance(error, Forbidden):
            return self.render_template("claims/refused.html", title="Not allowed",
                                        back=back), 403
        return redirect(back)

    def _results(self, meeting_id: int, title: str, run: Callable[[], list]) -> Any:
        try:
            outcomes = run()
        except DomainError as error:
            return self._refused(error, _meeting_page(meeting_id))
        done = sum(1 for outcome in outcomes if outcome.ok)
        return self.render_template(
            "claims/bulk_result.html", title=f"{title}: results", outcomes=outcomes, done=done,
            refused=len(outcomes) - done, back=_meeting_page(meeting_id),
            back_label="Back to the meeting",
        )

    @expose("/<int:pk>/attendance", methods=["POST"])
    @has_access
    @permission_name(perms.WRITE)
    def attendance(self, pk: int) -> Any:
        # The committee members ticked as present, and the meeting's version the page showed.
        present = parse_ids(",".join(request.form.getlist("attendees")))
        version = request.form.get("version", type=int)
        try:
            meeting = meetings.set_attendees(pk, present, g.user, version)
        except DomainError as error:
            return self._refused(error, _meeting_page(pk))
        flash(f"Attendance recorded: {len(meeting.attendees)} present.", "success")
        return redirect(_meeting_page(pk))

    @expose("/<int:pk>/agenda/<operation>", methods=["POST"])
    @has_access
    @permission_name(perms.WRITE)
    def agenda(self, pk: int, operation: str) -> Any:
        if operation not in OPERATIONS:
            abort(404)
        ids = _selected()
        if not ids:
            flash("Tick the claims first.", "warning")
            return redirect(_meeting_page(pk))
        return self._results(pk, OPERATIONS[operation],
                             lambda: agenda.run(pk, operation, ids, g.user))

    @expose("/<int:pk>/send_back", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def send_back(self, pk: int) -> Any:
        meeting = self._meeting(pk)
        if request.method == "POST" and "reason" not in request.form:
            # Ticked on the meeting's page: ask the reason for them.
            form = SendBackForm(formdata=None, data={"ids": ",".join(map(str, _selected()))})
        else:
            form = SendBackForm(data={"ids": request.args.get("ids", "")})
            if request.method == "POST" and form.validate():
                return self._results(pk, "Send back to review", lambda: agenda.send_back(
                    pk, form.claim_ids(), g.user, form.reason.data))
        for message in form.hidden_field_errors():
            flash(message, "danger")
        claims = self._claims(parse_ids(form.ids.data))
        if not claims:
            flash("Tick the claims first.", "warning")
            return redirect(_meeting_page(pk))
        return self.render_template(
            "meetings/step.html", title=f"Send back to review: {len(claims)} claims",
            meeting=meeting, claims=claims, form=form, label="Send back to review",
            target=url_for("MeetingSittingView.send_back", pk=pk), back=_meeting_page(pk),
        )

    @expose("/choose", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def choose(self) -> Any:
        """Put the claims selected in the claims list on the agenda of a meeting chosen here."""
        form = ChooseMeetingForm(data={"ids": request.args.get("ids", "")})
        form.meeting_id.choices = [(m.id, f"{m.title} ({m.status})")
                                   for m in agenda.open_meetings(db.session)]
        if request.method == "POST" and form.validate():
            pk = form.meeting_id.data
            return self._results(pk, "Put on the agenda",
                                 lambda: agenda.run(pk, "add", form.claim_ids(), g.user))
        for message in form.hidden_field_errors():
            flash(message, "danger")
        claims = self._claims(form.claim_ids())
        if not claims:
            flash("Select the claims in the list first.", "warning")
            return redirect(url_for("ClaimView.list"))
        if not form.meeting_id.choices:
            flash("There is no draft or open meeting: plan one first.", "warning")
            return redirect(url_for("CommitteeMeetingView.add"))
        return self.render_template(
            "meetings/step.html", title=f"Put {len(claims)} claims on a meeting's agenda",
            meeting=None, claims=claims, form=form, label="Put on the agenda",
            target=url_for("MeetingSittingView.choose"), back=url_for("ClaimView.list"),
        )

    @expose("/<int:pk>/minutes.pdf", methods=["GET"])
    @has_access
    @permission_name(perms.READ)
    def minutes(self, pk: int) -> Any:
        try:
            name, pdf = minutes_pdf(db.session, pk)
        except DomainError as error:
            return self._refused(error, _meeting_page(pk))
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})

    @staticmethod
    def _meeting(pk: int) -> CommitteeMeeting:
        meeting = db.session.get(CommitteeMeeting, pk)
        if meeting is None:
            abort(404)
        return meeting

    @staticmethod
    def _claims(ids: list[int]) -> list[Claim]:
        return list(db.session.scalars(
            scope_query(sa.select(Claim).where(Claim.id.in_(ids)), Claim).order_by(Claim.id)))
