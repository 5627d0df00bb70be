"""What the claim's page adds to FAB's show widget: the transitions the user may use now, and
the adjudication's working laid out as the fund's processing form."""

from __future__ import annotations

from typing import Any

from flask_appbuilder.widgets import RenderTemplateWidget

from app.extensions import db
from app.models import Claim
from app.services.adjudication.reasons import reason_text, split_codes
from app.services.claim_history import status_history
from app.services.disclosure import decision_shown
from app.services.errors import DomainError
from app.services.lifecycle.rules import TRANSITIONS, Transition, check_allowed
from app.views.common import money
from app.views.forms.claim_transitions import WITHOUT_INPUT


def available_transitions(claim: Claim, user: Any) -> list[Transition]:
    """The transitions whose role, ownership and state rules let ``user`` act on ``claim`` now.

    The same check the service makes first; the service checks again (and more) when posted.
    """
    available = []
    for transition in TRANSITIONS.values():
        if transition.internal or claim.status not in transition.sources:
            continue  # spares check_allowed's queries for steps this state never allows
        try:
            check_allowed(db.session, transition, claim, user)
        except DomainError:
            continue
        available.append(transition)
    return available


def reasons(codes: str | None) -> list[tuple[str, str]]:
    """Reason codes with the plain words members read (SPEC "Reason codes")."""
    return [(code, reason_text(code)) for code in split_codes(codes)]


class TransitionButtonsWidget(RenderTemplateWidget):
    template = "claims/transition_buttons.html"

    def __init__(self, claim: Claim, user: Any) -> None:
        super().__init__(claim=claim, transitions=available_transitions(claim, user),
                         without_input=WITHOUT_INPUT)


class ProcessingFormWidget(RenderTemplateWidget):
    """Every number of every adjudication step, per line and per claim."""

    template = "claims/processing_form.html"

    def __init__(self, claim: Claim) -> None:
        super().__init__(claim=claim, money=money, reasons=reasons)


class PendingLinesWidget(RenderTemplateWidget):
    """A member's lines before the decision: what he claimed, not the reviewers' working."""

    template = "claims/pending_lines.html"

    def __init__(self, claim: Claim) -> None:
        super().__init__(claim=claim, money=money)


def processing_form_widget(claim: Claim, user: Any) -> RenderTemplateWidget:
    if decision_shown(claim.status, user):
        return ProcessingFormWidget(claim)
    return PendingLinesWidget(claim)


class StatusHistoryWidget(RenderTemplateWidget):
    """When the claim moved from which status to which (from the audit trail)."""

    template = "member/claim_history.html"

    def __init__(self, claim: Claim) -> None:
        super().__init__(history=status_history(db.session, claim.id))
