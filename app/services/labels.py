"""The words people read for the claim's states: the pages, lists, filters and the dashboard
show these; REST and the audit trail keep the stored values."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

CLAIM_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "under_review": _l("Under review"),
    "info_requested": _l("Info requested"),
    "approved": _l("Approved"),
    "partially_approved": _l("Partially approved"),
    "rejected": _l("Rejected"),
    "appealed": _l("Appealed"),
    "trustee_review": _l("Trustee review"),
    "paid": _l("Paid"),
    "withdrawn": _l("Withdrawn"),
}


def status_label(status: Any) -> str:
    """The label of a claim's status (in the interface's language); "" for none."""
    if status is None or status == "":
        return ""
    label = CLAIM_STATUS_LABELS.get(str(status))
    return str(label) if label is not None else str(status).replace("_", " ").capitalize()


def status_choices() -> list[tuple[str, Any]]:
    """The statuses as a select's choices: stored value, label."""
    return list(CLAIM_STATUS_LABELS.items())
