"""The committee's meetings: planned (draft), opened, held and closed; the meeting's page records
who is present, holds the agenda of decisions to ratify and exports the minutes once closed.

The form edits only the meeting's date, type and minutes (app.services.changes refuses every
change once it is closed); opening and closing are its steps (app.services.meetings), attendance
and the agenda its sitting (app.views.meeting_sitting)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextAreaFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.widgets import RenderTemplateWidget
from wtforms import TextAreaField
from wtforms.validators import Optional

from app import security as perms
from app.extensions import db
from app.models import CommitteeMeeting
from app.services import agenda, meetings
from app.services.ratification import present_count, sitting_refusal
from app.services.settings import get_setting
from app.views.common import FundModelView, money
from app.views.fund import RECORD_COLUMNS, RECORD_LABELS
from app.views.record_actions import RecordStepsView, StepButtonsWidget


class MeetingTransitionView(RecordStepsView):
    """``/meetings/transition/<id>/<action>``: open or close a meeting (can_write)."""

    route_base = "/meetings/transition"
    class_permission_name = perms.COMMITTEE_MEETING
    workflow = meetings.WORKFLOW
    show_endpoint = "CommitteeMeetingView.show"
    list_endpoint = "CommitteeMeetingView.list"
    forms: dict = {}
    bulk_forms: dict = {}
    noun_plural = "meetings"
    without_input = frozenset({"open", "close"})

    @expose("/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.WRITE)
    def transition(self, pk: int, action: str) -> Any:
        return self.one(pk, action)


class SittingWidget(RenderTemplateWidget):
    """Attendance against the quorum, the agenda with what became of each decision, and the
    decisions still waiting for an agenda."""

    template = "meetings/sitting.html"

    def __init__(self, meeting: CommitteeMeeting, can_write: bool) -> None:
        session = db.session
        present = present_count(session, meeting.id)
        is_closed = meeting.status == "closed"
        super().__init__(
            meeting=meeting, present=present, can_write=can_write and not is_closed,
            quorum=meeting.quorum or int(get_setting(meetings.QUORUM_SETTING)),
            refusal=sitting_refusal(meeting, present) if meeting.status == "open" else None,
            members=[] if is_closed else meetings.committee_members(session),
            attending={u.id for u in meeting.attendees},
            items=agenda.agenda_items(session, meeting.id),
            waiting=[] if is_closed else agenda.waiting_claims(session),
            money=money,
        )


class CommitteeMeetingView(FundModelView):
    datamodel = SQLAInterface(CommitteeMeeting)
    class_permission_name = perms.COMMITTEE_MEETING
    route_base = "/meetings"
    list_title = "Committee meetings"
    show_template = "meetings/show.html"
    exclude_route_methods = {"delete"}  # meetings are kept, even one that never sat
    list_columns = ["meeting_date", "meeting_type", "status", "quorum", "present", "agenda_size"]
    order_columns = ["meeting_date", "meeting_type", "status"]
    search_columns = ["meeting_date", "meeting_type", "status"]
    add_columns = ["meeting_date", "meeting_type", "minutes"]
    edit_columns = add_columns
    show_fieldsets = [
        ("Meeting", {"fields": ["meeting_date", "meeting_type", "status", "quorum", "opened_at",
                                "closed_at"]}),
        ("Minutes", {"fields": ["minutes"]}),
        ("Record", {"fields": ["version", *RECORD_COLUMNS], "expanded": False}),
    ]
    base_order = ("meeting_date", "desc")
    label_columns = {
        "meeting_date": "Date", "meeting_type": "Type", "status": "Status",
        "quorum": "Quorum", "present": "Present", "agenda_size": "Decisions on the agenda",
        "minutes": "Minutes", "opened_at": "Opened at", "closed_at": "Closed at",
        "version": "Version", **RECORD_LABELS,
    }
    description_columns = {
        "minutes": "What the committee discussed and resolved; required to close the meeting, "
                   "and printed in the minutes with every decision put to it.",
    }
    add_form_extra_fields = {
        "minutes": TextAreaField("Minutes", validators=[Optional()],
                                 widget=BS3TextAreaFieldWidget(),
                                 filters=[lambda text: (text or "").strip() or None]),
    }
    edit_form_extra_fields = add_form_extra_fields
    domain_rule = staticmethod(meetings.meeting_errors)
    show_title = "Committee meeting"
    add_title = "Plan a committee meeting"
    edit_title = "Edit the committee meeting"
    formatters_columns = {
        "opened_at": lambda moment: f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "",
        "closed_at": lambda moment: f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "",
        "minutes": lambda text: text or "",
        "quorum": lambda quorum: "" if quorum is None else quorum,
    }

    def pre_add(self, item: CommitteeMeeting) -> None:
        super().pre_add(item)
        meetings.prepare_new(item)

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["steps"] = StepButtonsWidget("MeetingTransitionView", meetings.WORKFLOW, item,
                                             g.user, MeetingTransitionView.without_input)
        can_write = self.appbuilder.sm.has_access(f"can_{perms.WRITE}", perms.COMMITTEE_MEETING)
        widgets["sitting"] = SittingWidget(item, can_write)
        return widgets
