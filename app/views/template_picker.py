"""The review-template picker of the reject, request-information and note forms.

Picking a template fills the text box in the browser (static/js/review_templates.js), so the
reviewer can still adapt it; a form posted with a template and no text gets the template's text
from the lifecycle service (app.services.review_templates.fill_reason).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from app.extensions import db
from app.services.review_templates import active_templates

NO_TEMPLATE = ""


def _template_id(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and len(text) < 19 else None


class TemplatePickerWidget:
    """A <select> whose options carry their texts, and the script that copies the chosen text
    into the form's field named by ``fills``."""

    def __init__(self, fills: str) -> None:
        self.fills = fills

    def __call__(self, field: "TemplatePickerField", **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        attrs = html_params(name=field.name, **{"class": "form-control claimdesk-template",
                                                "data-fills": self.fills}, **kwargs)
        options = [f'<option value="">{escape(field.blank)}</option>']
        for template in field.templates():
            selected = " selected" if field.data == template.id else ""
            options.append(f'<option value="{template.id}" data-text="{escape(template.text)}"'
                           f'{selected}>{escape(template.name)}</option>')
        nonce = current_app.jinja_env.globals.get("csp_nonce")
        script = html_params(src=url_for("static", filename="js/review_templates.js"),
                             nonce=nonce() if callable(nonce) else False)
        return Markup(f"<select {attrs}>{''.join(options)}</select><script {script}></script>")


class TemplatePickerField(SelectField):
    """The active templates of one kind (rejection, info_request, note); blank: none."""

    def __init__(self, kind: str, fills: str, label: str = "Template",
                 blank: str = "Write the text yourself", **kwargs: Any) -> None:
        kwargs.setdefault("description", "Picking a template fills in its text, which you can "
                                         "still change.")
        super().__init__(label, coerce=_template_id, widget=TemplatePickerWidget(fills),
                         validate_choice=False, **kwargs)
        self.kind = kind
        self.blank = blank

    def templates(self) -> list[Any]:
        if not hasattr(self, "_templates"):
            self._templates = active_templates(db.session, self.kind)
        return self._templates

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in {t.id for t in self.templates()}:
            raise ValidationError("Choose one of the templates in the list.")

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = _template_id(valuelist[0]) if valuelist else None
        if valuelist and valuelist[0] not in ("", None) and self.data is None:
            self.data = -1  # not an id: pre_validate says so
