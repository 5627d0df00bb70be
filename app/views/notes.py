"""Screens for notes on claims: the notes list and a note's page with its files, the notes panel
of the claim's page, and "My follow-ups due" for the committee member who wrote them."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import ListWidget, RenderTemplateWidget
from wtforms.validators import DataRequired

from app import security as perms
from app.access import is_restricted, member_scope_base_filters, reviewer_names_visible
from app.extensions import db
from app.models import Claim, ClaimNote
from app.services import notes
from app.services.attachments import Owner
from app.views.attachments import AttachmentsWidget
from app.views.base import ClaimdeskModelView
from app.views.common import FundModelView
from app.views.fund import RECORD_LABELS
from app.views.template_picker import TemplatePickerField
from app.views.widgets import LookupField, LookupWidget

LABELS = {
    "claim": "Claim", "claim.claim_number": "Claim", "author": "Written by",
    "category": "Category", "priority": "Priority", "body": "Note", "summary": "Note",
    "follow_up_on": "Follow up on", "follow_up_done": "Follow-up done",
    "follow_up_done_at": "Follow-up done at", "tags": "Tags",
    "visible_to_member": "Visible to the member", "template": "Template", **RECORD_LABELS,
}
NOTE_FIELDS = ["category", "priority", "body", "follow_up_on", "tags", "visible_to_member"]


def yes_no(value: Any) -> str:
    return "Yes" if value else "No"


class ClaimNoteView(FundModelView):
    datamodel = SQLAInterface(ClaimNote)
    class_permission_name = perms.CLAIM_NOTE
    route_base = "/claim-notes"
    list_title = "Notes on claims"
    show_template = "notes/show.html"
    # Nobody deletes a note (SPEC: rw): it is part of the claim's record.
    exclude_route_methods = {"delete"}
    list_columns = ["claim.claim_number", "created_at", "category", "priority", "summary",
                    "follow_up_on", "follow_up_done", "tags", "visible_to_member"]
    order_columns = ["created_at", "category", "priority", "follow_up_on"]
    search_columns = ["body", "category", "priority", "tags", "follow_up_on", "follow_up_done",
                      "visible_to_member"]
    add_columns = ["claim", "template", *NOTE_FIELDS]
    edit_columns = [*NOTE_FIELDS, "follow_up_done"]
    show_columns = ["claim", "author", "created_at", *NOTE_FIELDS, "follow_up_done",
                    "follow_up_done_at"]
    base_order = ("created_at", "desc")
    label_columns = LABELS
    description_columns = {
        "tags": "Words separated by commas, e.g. referral, shif.",
        "follow_up_on": "The note appears in your \u201cMy follow-ups due\u201d from this day.",
        "visible_to_member": "Internal unless ticked: the member reads it on his claim.",
    }
    add_form_extra_fields = {
        "claim": LookupField("Claim", Claim, LookupWidget("/lookup/claims/"),
                             validators=[DataRequired()]),
        "template": TemplatePickerField("note", fills="body"),
    }
    domain_rule = staticmethod(notes.note_errors)
    formatters_columns = {"follow_up_done": yes_no, "visible_to_member": yes_no}

    def _get_show_widget(self, pk: Any, item: Any, widgets: Any = None, **kwargs: Any) -> Any:
        if not reviewer_names_visible(g.user):
            # A member reads the committee's names only when the fund shows them.
            kwargs["show_fieldsets"] = [
                ("Note", {"fields": [c for c in self.show_columns if c != "author"]})]
        widgets = super()._get_show_widget(pk, item, widgets=widgets, **kwargs)
        widgets["attachments"] = AttachmentsWidget(Owner(claim_note=item), g.user)
        return widgets

    def pre_add(self, item: ClaimNote) -> None:
        super().pre_add(item)
        notes.record_new(db.session, item, g.user)

    def pre_update(self, item: ClaimNote) -> None:
        super().pre_update(item)
        notes.record_change(db.session, item, g.user)


class FollowUpsDueFilter(BaseFilter):
    """The logged-in user's own notes whose follow-up date has come, not done yet."""

    name = "My follow-ups due"
    arg_name = "follow_ups_due"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(notes.follow_ups_due_clause(g.user))


class FollowUpListWidget(ListWidget):
    """The follow-ups list, each row opening the note it belongs to."""

    template = "notes/follow_ups_list.html"


class FollowUpView(ClaimdeskModelView):
    """My follow-ups due, oldest first; several are marked done at once from the list."""

    datamodel = SQLAInterface(ClaimNote)
    class_permission_name = perms.FOLLOW_UPS
    method_permission_name = {**ClaimdeskModelView.method_permission_name,
                              "mark_done": perms.WRITE}
    route_base = "/follow-ups"
    list_title = "My follow-ups due"
    list_widget = FollowUpListWidget
    # A row opens the note's own page: this list has no pages of its own.
    exclude_route_methods = {"add", "edit", "delete", "show"}
    base_filters = [*member_scope_base_filters(), ["id", FollowUpsDueFilter, None]]
    list_columns = ["follow_up_on", "claim.claim_number", "priority", "category", "summary",
                    "tags"]
    order_columns = ["follow_up_on", "priority", "category"]
    search_columns = ["body", "category", "priority", "tags", "follow_up_on"]
    base_order = ("follow_up_on", "asc")
    label_columns = LABELS

    @action("mark_done", "Mark done", "Mark the selected follow-ups done?", "fa-check",
            single=False)
    def mark_done(self, note_ids: list[int]) -> Any:
        done = notes.mark_done(db.session, note_ids, g.user)
        flash(f"{done} follow-up(s) marked done.", "success")
        return redirect(url_for("FollowUpView.list"))

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        # The service closes only the user's own open follow-ups among the ids: a row that is
        # no longer in the list (done meanwhile) is skipped rather than refusing the rest.
        chosen = self._permitted_action(request.form.get("action", ""), several=True)
        ids = [int(pk) for pk in request.form.getlist("rowid") if pk.isdigit() and len(pk) < 19]
        return chosen.func(ids)


class NotesWidget(RenderTemplateWidget):
    """The claim's notes on its page: a member's view holds only those visible to him."""

    template = "notes/claim_notes.html"

    def __init__(self, claim: Claim, user: Any) -> None:
        sm = current_app.appbuilder.sm
        super().__init__(
            claim=claim, notes=notes.notes_of(db.session, claim, user),
            staff=not is_restricted(user), show_author=reviewer_names_visible(user),
            may_write=sm.has_access(f"can_{perms.WRITE}", perms.CLAIM_NOTE),
        )
