"""The claim's transitions as pages: one claim from its page, many from the claims list.

Both call the lifecycle service (app.services.lifecycle), which checks the row rule, version,
role, separation of duties and state in its own transaction. What the user sees of a refusal is
decided in one place, :func:`app.views.refusals.refusal_page`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name

from app import security as perms
from app.access import scope_query
from app.extensions import db
from app.models import Claim
from app.services.disclosure import decision_shown
from app.services.errors import DomainError
from app.services.lifecycle import TRANSITIONS, BulkOutcome, perform, perform_bulk
from app.services.lifecycle.rules import check_allowed
from app.views.common import money
from app.views.forms.claim_transitions import (
    BULK_ACTIONS,
    BULK_FORMS,
    WITHOUT_INPUT,
    BulkForm,
    TransitionForm,
    form_for,
)
from app.views.refusals import refusal_page


def claim_page(claim_id: int) -> str:
    return url_for("ClaimView.show", pk=claim_id)




def flash_form_problems(form: TransitionForm) -> None:
    for message in form.hidden_field_errors():
        flash(message, "danger")


def done_message(claim: Claim, action: str) -> str:
    label = TRANSITIONS[action].label
    return f"{label}: claim {claim.claim_number} is now {claim.status.replace('_', ' ')}."


class ClaimTransitionView(BaseView):
    """Every transition of one claim (``/claims/transition/<id>/<action>``) and of several
    (``/claims/transition/bulk/<action>?ids=1,2,3``); permission ``can_review`` on Claim."""

    route_base = "/claims/transition"
    class_permission_name = perms.CLAIM

    @expose("/<int:pk>/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.TRANSITION)
    def transition(self, pk: int, action: str) -> Any:
        transition = TRANSITIONS.get(action)
        if transition is None or transition.internal:  # "pay": only inside a payment batch
            abort(404)
        claim = self._visible_claim(pk)
        form = form_for(action, claim, g.user)

        def render_form() -> Any:
            return self.render_template(
                "claims/transition.html", title=f"{transition.label}: {claim.claim_number}",
                claim=claim, form=form, action=action, transition=transition, money=money,
                decision_shown=decision_shown(claim.status, g.user),
            )

        try:
            if request.method == "POST" and form.validate():
                # The service checks the version first, then who and what state.
                changed = perform(pk, action, g.user, form.version.data, **form.params())
                flash(done_message(changed, action), "success")
                return redirect(claim_page(pk))
            check_allowed(db.session, transition, claim, g.user)
        except DomainError as error:
            asks = action not in WITHOUT_INPUT
            return refusal_page(self, error, claim_page(pk), form,
                                render_form if asks else None)
        flash_form_problems(form)
        if request.method == "POST" and action in WITHOUT_INPUT:
            return redirect(claim_page(pk))
        return render_form()

    @expose("/bulk/<action>", methods=["GET", "POST"])
    @has_access
    @permission_name(perms.REVIEW)
    def bulk(self, action: str) -> Any:
        if action not in BULK_ACTIONS:
            abort(404)
        form = BULK_FORMS.get(action, BulkForm)(data={"ids": request.args.get("ids", "")})
        if request.method == "POST" and form.validate():
            return bulk_result_page(self, action, form.claim_ids(), **form.params())
        flash_form_problems(form)
        claims = db.session.scalars(
            scope_query(sa.select(Claim).where(Claim.id.in_(form.claim_ids())), Claim)
            .order_by(Claim.id)
        ).all()
        if not claims:
            flash("Select the claims in the list first.", "warning")
            return redirect(url_for("ClaimView.list"))
        return self.render_template(
            "claims/bulk.html", title=f"{TRANSITIONS[action].label}: {len(claims)} claims",
            claims=claims, form=form, action=action, transition=TRANSITIONS[action],
        )

    @staticmethod
    def _visible_claim(pk: int) -> Claim:
        query = scope_query(sa.select(Claim).where(Claim.id == pk), Claim)
        claim = db.session.scalars(query).first()
        if claim is None:
            abort(404)
        return claim


def bulk_result_page(view: BaseView, action: str, claim_ids: list[int], **params: Any) -> str:
    """Run ``action`` on each claim (its own transaction each) and show what happened to each."""
    outcomes: list[BulkOutcome] = perform_bulk(claim_ids, action, g.user, **params)
    done = sum(1 for outcome in outcomes if outcome.ok)
    return view.render_template(
        "claims/bulk_result.html", title=f"{TRANSITIONS[action].label}: results",
        outcomes=outcomes, done=done, refused=len(outcomes) - done,
    )
