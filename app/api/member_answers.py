"""What a member's REST answers leave out: columns only the fund's staff read, and the
decision's columns of a claim still undecided (app.services.disclosure). Mixed into the REST
base, so every resource declares its columns and nothing more."""

from __future__ import annotations

from typing import Any

from flask_appbuilder.const import (
    API_LABEL_COLUMNS_RIS_KEY,
    API_LIST_COLUMNS_RIS_KEY,
    API_ORDER_COLUMNS_RIS_KEY,
    API_SHOW_COLUMNS_RIS_KEY,
)

from app.access import current_user, is_restricted


class MemberAnswers:
    # Columns only the fund's staff may read: a member's answers never carry them, and he can
    # neither filter nor order by them (e.g. a file flagged as the same as another member's).
    staff_only_read_columns: tuple[str, ...] = ()
    # Columns a member reads only once his claim is decided (app.services.disclosure): null
    # in his answers before, and never a filter or an order for him.
    decision_columns: tuple[str, ...] = ()

    @staticmethod
    def _restricted() -> bool:
        user = current_user()
        return user is not None and is_restricted(user)

    def member_unqueryable(self) -> set[str]:
        """The columns a member may not filter or order by."""
        return {*self.staff_only_read_columns, *self.decision_columns}

    def pre_get(self, data: dict[str, Any]) -> None:
        if self._restricted():
            self.hide_from_member(data, [data.get("id")], [data.get("result") or {}])

    def pre_get_list(self, data: dict[str, Any]) -> None:
        if self._restricted():
            self.hide_from_member(data, list(data.get("ids") or []), data.get("result") or [])

    def hide_from_member(self, data: dict[str, Any], ids: list[Any],
                         rows: list[dict[str, Any]]) -> None:
        """Take out of a member's answer what only the staff read, and blank the decision's
        columns of the rows whose claim is undecided; ``ids`` are the rows' ids."""
        if self.decision_columns:
            undecided = self.undecided_ids(ids)
            for row_id, row in zip(ids, rows, strict=True):
                if row_id in undecided:
                    row.update({c: None for c in self.decision_columns if c in row})
        hidden = set(self.staff_only_read_columns)
        if not hidden:
            return
        for row in rows:
            for column in hidden:
                row.pop(column, None)
        for key in (API_LIST_COLUMNS_RIS_KEY, API_SHOW_COLUMNS_RIS_KEY,
                    API_ORDER_COLUMNS_RIS_KEY):
            if isinstance(data.get(key), list):
                data[key] = [c for c in data[key] if c not in hidden]
        if isinstance(data.get(API_LABEL_COLUMNS_RIS_KEY), dict):
            for column in hidden:
                data[API_LABEL_COLUMNS_RIS_KEY].pop(column, None)

    def undecided_ids(self, ids: list[Any]) -> set[Any]:
        """The ids among ``ids`` whose decision columns a member does not see yet."""
        return set()

