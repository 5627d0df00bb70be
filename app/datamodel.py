"""What FAB's data layer needs beyond itself: an interface for models with computed (read-only
SQL expression) columns, which FAB lists like stored ones but then asks for a stored column's
nullability and uniqueness; and the filter of the users a reviewer's settings may name."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.sqla.models import User

from app.services.reviewers import committee_members


class ComputedColumnsInterface(SQLAInterface):
    def _stored(self, col_name: str) -> bool:
        return isinstance(self.list_columns.get(col_name), sa.Column)

    def is_nullable(self, col_name: str) -> bool:
        # A computed column is optional in FAB's search form, never required.
        return super().is_nullable(col_name) if self._stored(col_name) else True

    def is_unique(self, col_name: str) -> bool:
        return self._stored(col_name) and super().is_unique(col_name)

    def is_pk(self, col_name: str) -> bool:
        return self._stored(col_name) and super().is_pk(col_name)


class CommitteeMembersOnly(BaseFilter):
    """The users a reviewer's settings may name: active committee members (pick lists and the
    API's _info values)."""

    name = "Committee members"
    arg_name = "committee"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(User.id.in_(committee_members()))
