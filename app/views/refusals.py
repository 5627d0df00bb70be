"""What a user sees when a step (a claim's transition, a chronic request's or a dependent's step)
is refused: decided here once for every step page."""

from __future__ import annotations

from typing import Any, Callable

from flask import abort, flash, redirect
from flask_appbuilder import BaseView
from flask_wtf import FlaskForm

from app.services.errors import DomainError, Forbidden, NotFound, ValidationFailed


def refusal_page(view: BaseView, error: DomainError, back: str, form: FlaskForm | None = None,
                 render_form: Callable[[], Any] | None = None) -> Any:
    """Not found (another member's record): 404. Not allowed: 403 with the reason. Input the
    rules refuse: the form again (when there is one) with each message at its field. Anything
    else (wrong state, a version changed by someone else): back to the record's page (``back``)
    with the message. In every case the service has changed nothing.
    """
    if isinstance(error, NotFound):
        abort(404)
    if isinstance(error, ValidationFailed):
        shown = {f.name: f for f in form.visible_fields()} if form and render_form else {}
        for field_name, message in error.errors.items():
            field = shown.get(field_name)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                flash(message, "danger")
        return render_form() if render_form is not None else redirect(back)
    flash(error.message, "danger")
    if isinstance(error, Forbidden):
        return view.render_template("claims/refused.html", title="Not allowed", back=back), 403
    return redirect(back)
