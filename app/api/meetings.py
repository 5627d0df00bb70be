"""REST resource of committee meetings: the record (date, type, minutes) through the usual
routes, and the meeting's own: its steps (``POST /committeemeeting/<id>/transition``: open,
close), its attendance, its agenda (read it; add, remove, ratify, send back) and the minutes PDF.
Status, quorum and times are set by the steps only; a closed meeting changes no more."""

from __future__ import annotations

from flask import Response, g
from flask_appbuilder.api import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import ValidationError

from app import security as perms
from app.api import meeting_schemas as schemas
from app.api.base import ClaimdeskModelRestApi
from app.api.transitions import ClaimBulkOutcomeSchema
from app.api.writes import BadBody, answers_bad_input, json_body, load_step_request, parse_pk
from app.extensions import db
from app.models import CommitteeMeeting
from app.services import agenda, meetings
from app.services.minutes import minutes_pdf


class CommitteeMeetingApi(ClaimdeskModelRestApi):
    resource_name = "committeemeeting"
    class_permission_name = perms.COMMITTEE_MEETING
    datamodel = SQLAInterface(CommitteeMeeting)
    # No role deletes a meeting (SPEC: rw): the fund keeps them.
    exclude_route_methods = {"delete"}
    add_columns = ["meeting_date", "meeting_type", "minutes"]
    edit_columns = add_columns
    list_columns = ["id", "meeting_date", "meeting_type", "status", "quorum", "version"]
    show_columns = [*list_columns, "minutes", "opened_at", "closed_at", "attendees.id",
                    "attendees.username", "attendees.first_name", "attendees.last_name",
                    "created_at", "updated_at"]
    search_columns = ["meeting_date", "meeting_type", "status"]
    order_columns = ["id", "meeting_date", "meeting_type", "status"]
    base_order = ("meeting_date", "desc")
    record_rules = (meetings.meeting_errors,)

    method_permission_name = {
        **ClaimdeskModelRestApi.method_permission_name,
        "transition": perms.WRITE,
        "attendance": perms.WRITE,
        "agenda": perms.READ,
        "agenda_step": perms.WRITE,
        "minutes": perms.READ,
    }
    openapi_spec_component_schemas = schemas.COMPONENT_SCHEMAS
    route_operations = schemas.OPERATIONS

    def pre_add(self, item: CommitteeMeeting) -> None:
        meetings.prepare_new(item)

    def _meeting_id(self, pk: str) -> int | None:
        meeting_id = parse_pk(pk)
        if meeting_id is None or db.session.get(CommitteeMeeting, meeting_id) is None:
            return None
        return meeting_id

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def transition(self, pk: str) -> Response:
        """Open or close a meeting (OpenAPI text: app.api.meeting_schemas)."""
        return schemas.ROUTES.transition(self, pk, meetings.perform)

    @expose("/<pk>/attendance", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def attendance(self, pk: str) -> Response:
        """Record who is present."""
        meeting_id = self._meeting_id(pk)
        if meeting_id is None:
            return self.response_404()
        try:
            values = schemas.AttendanceRequestSchema().load(json_body())
        except ValidationError as error:
            raise BadBody(error.messages) from None
        meeting = meetings.set_attendees(meeting_id, values["attendees"], g.user,
                                         values.get("version"))
        return self.response(200, id=meeting.id, result=self.show_model_schema.dump(meeting))

    @expose("/<pk>/agenda", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def agenda(self, pk: str) -> Response:
        """The decisions on the agenda."""
        meeting_id = self._meeting_id(pk)
        if meeting_id is None:
            return self.response_404()
        items = agenda.agenda_items(db.session, meeting_id)
        return self.response(200, **schemas.AgendaSchema().dump(
            {"id": meeting_id, "result": items}))

    @expose("/<pk>/agenda", methods=["POST"])
    @protect()
    @answers_bad_input
    @permission_name(perms.WRITE)
    def agenda_step(self, pk: str) -> Response:
        """Put decisions on the agenda, take them off, ratify or send them back."""
        meeting_id = self._meeting_id(pk)
        if meeting_id is None:
            return self.response_404()
        action, values = load_step_request(schemas.AGENDA_REQUESTS, json_body())
        if action == "send_back":
            outcomes = agenda.send_back(meeting_id, values["ids"], g.user, values["reason"])
        else:
            outcomes = agenda.run(meeting_id, action, values["ids"], g.user)
        done = sum(1 for outcome in outcomes if outcome.ok)
        return self.response(200, result=ClaimBulkOutcomeSchema(many=True).dump(outcomes),
                             done=done, refused=len(outcomes) - done)

    @expose("/<pk>/minutes", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name(perms.READ)
    def minutes(self, pk: str) -> Response:
        """The minutes of a closed meeting, as PDF."""
        meeting_id = parse_pk(pk)
        if meeting_id is None:
            return self.response_404()
        name, pdf = minutes_pdf(db.session, meeting_id)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff"})
