"""REST resource of notes on claims: the fund's staff write them; a member reads only the notes
marked visible on his own claims (app.access). Nobody deletes a note."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app import security as perms
from app.access import current_user
from app.api.base import ClaimdeskModelRestApi
from app.models import ClaimNote
from app.services import notes


class ClaimNoteApi(ClaimdeskModelRestApi):
    resource_name = "claimnote"
    class_permission_name = perms.CLAIM_NOTE
    datamodel = SQLAInterface(ClaimNote)
    exclude_route_methods = {"delete"}
    add_columns = ["claim", "category", "priority", "body", "follow_up_on", "tags",
                   "visible_to_member"]
    # A note stays on its claim; closing its follow-up is a change like any other.
    edit_columns = ["category", "priority", "body", "follow_up_on", "follow_up_done", "tags",
                    "visible_to_member"]
    list_columns = ["id", "claim.id", "claim.claim_number", "author.id", "category",
                    "priority", "body", "follow_up_on", "follow_up_done", "follow_up_done_at",
                    "tags", "visible_to_member", "created_at", "updated_at"]
    show_columns = list_columns
    search_columns = ["claim", "category", "priority", "follow_up_on", "follow_up_done", "tags",
                      "visible_to_member"]
    order_columns = ["id", "category", "priority", "follow_up_on", "created_at"]
    base_order = ("id", "desc")
    record_rules = (notes.note_errors,)

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        # A new note is a general one of normal priority unless the client says otherwise.
        for name in ("category", "priority"):
            self.add_model_schema.fields[name].required = False

    def pre_add(self, item: ClaimNote) -> None:
        notes.record_new(self.datamodel.session, item, current_user())

    def pre_update(self, item: ClaimNote) -> None:
        notes.record_change(self.datamodel.session, item, current_user())
