"""Transitions for the claims selected in the claims list (FAB actions of ClaimView).

FAB hands an action only the selected rows (loaded through the row rule by the base class), so
a transition that needs input sends the ids on to its form page. Each claim is then handled by
``lifecycle.perform_bulk`` in its own transaction, and the results are shown claim by claim.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_appbuilder.actions import action

from app.security import REVIEW
from app.views.claim_actions import bulk_result_page

# Every bulk action is the Claim resource's "review" permission (Committee and Admin).
BULK_PERMISSIONS = {
    "bulk_start_review": REVIEW,
    "bulk_recommend": REVIEW,
    "bulk_approve": REVIEW,
    "bulk_reject": REVIEW,
    "bulk_request_info": REVIEW,
    "bulk_add_to_agenda": REVIEW,
    "bulk_reassign": REVIEW,
}


def _ids(claims: Any) -> list[int]:
    return [claim.id for claim in (claims if isinstance(claims, list) else [claims])]


class ClaimBulkActions:
    """Mixed into ClaimView; ``method_permission_name`` there maps these to BULK_PERMISSIONS."""

    @action("bulk_start_review", "Start review", "Start the review of the selected claims?",
            "fa-play", single=False)
    def bulk_start_review(self, claims: Any) -> Any:
        return bulk_result_page(self, "start_review", _ids(claims))

    @action("bulk_recommend", "Recommend (first signature)",
            "Recommend the selected claims with their computed amounts?", "fa-pen", single=False)
    def bulk_recommend(self, claims: Any) -> Any:
        return bulk_result_page(self, "recommend", _ids(claims))

    @action("bulk_approve", "Approve (second signature)",
            "Approve the selected claims with their computed amounts?", "fa-check", single=False)
    def bulk_approve(self, claims: Any) -> Any:
        return bulk_result_page(self, "approve", _ids(claims))

    @action("bulk_reject", "Reject", None, "fa-times", single=False)
    def bulk_reject(self, claims: Any) -> Any:
        # The reason is asked once, on the form page, for every selected claim.
        ids = ",".join(str(i) for i in _ids(claims))
        return redirect(url_for("ClaimTransitionView.bulk", action="reject", ids=ids))

    @action("bulk_request_info", "Request information", None, "fa-question", single=False)
    def bulk_request_info(self, claims: Any) -> Any:
        # The question is asked once, on the form page, for every selected claim.
        ids = ",".join(str(i) for i in _ids(claims))
        return redirect(url_for("ClaimTransitionView.bulk", action="request_info", ids=ids))

    @action("bulk_reassign", "Reassign", None, "fa-user-friends", single=False)
    def bulk_reassign(self, claims: Any) -> Any:
        # The reviewer is chosen once, on the form page, for every selected claim.
        ids = ",".join(str(i) for i in _ids(claims))
        return redirect(url_for("ClaimTransitionView.bulk", action="reassign", ids=ids))

    @action("bulk_add_to_agenda", "Put on a meeting's agenda", None, "fa-gavel", single=False)
    def bulk_add_to_agenda(self, claims: Any) -> Any:
        # The meeting is chosen on the next page (app.views.meeting_sitting).
        ids = ",".join(str(i) for i in _ids(claims))
        return redirect(url_for("MeetingSittingView.choose", ids=ids))
