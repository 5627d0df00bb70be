"""What the leak probes know of the app: its views and APIs (with their models, relations,
search filters and actions) and its OpenAPI document (operations, query schemas, bodies), and
which values to send: B's where a value names a record, A's own elsewhere."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from tests import hostile_files
from tests.integration.leak_support import Fund

PDF = hostile_files.pdf_receipt("A probe of member A")
NONE_TEXT = "qqqq-matches-nothing"
# Values for route arguments that name no record.
ARG_VALUES: dict[str, Callable[[Context], list[Any]]] = {
    "filename": lambda ctx: ctx.fund.b_files,
    "version": lambda ctx: ["v1"],
    "locale": lambda ctx: ["en"],
}


def satisfying(arg_name: str, value: Any, other: Any) -> Any:
    """A value for a filter of kind ``arg_name`` that B's record (holding ``value``) passes."""
    text = str(value)
    if arg_name in ("eq", "rel_o_m", "rel_m_m"):
        return value
    if arg_name in ("neq", "nrel_o_m"):
        return other
    if arg_name == "in":
        return [value]
    if arg_name == "not_in":
        return [other]
    if isinstance(value, str):
        return {"sw": text[:4], "ew": text[-4:], "ct": text[1:-1] or text, "nsw": NONE_TEXT,
                "new": NONE_TEXT, "nct": NONE_TEXT}.get(arg_name)
    if arg_name in ("gt", "lt") and isinstance(value, (int, Decimal, date)):
        step: Any = timedelta(days=1) if isinstance(value, date) else 1
        return value - step if arg_name == "gt" else value + step
    return None


def form_value(value: Any) -> Any:
    if isinstance(value, list):
        return [form_value(v) for v in value]
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def api_value(value: Any) -> Any:
    if isinstance(value, list):
        return [api_value(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Context:
    def __init__(self, app: Flask, doc: dict[str, Any], fund: Fund) -> None:
        self.app, self.doc, self.fund = app, doc, fund
        self.views = {v.endpoint: v for v in app.appbuilder.baseviews}
        self.by_base: list[tuple[str, type]] = []
        self.by_name: dict[str, type] = {}
        for view in app.appbuilder.baseviews:
            model = self._datamodel(view)
            if model is None:
                continue
            base = getattr(view, "route_base", "") or ""
            self.by_base.append((base, model))
            for name in (getattr(view, "resource_name", None), base.rsplit("/", 1)[-1],
                         model.__name__):
                if name:
                    self.by_name.setdefault(_norm(name), model)
        self.by_base.sort(key=lambda pair: -len(pair[0]))
        sm = app.appbuilder.sm
        self.user_model = sm.user_model
        login = sm.find_user(username="member1")
        self.a_permissions = {(pv.permission.name, pv.view_menu.name)
                              for role in login.roles for pv in role.permissions}

    # --- views and models ---------------------------------------------------------------------
    @staticmethod
    def _datamodel(view: Any) -> type | None:
        datamodel = getattr(view, "datamodel", None)
        return getattr(datamodel, "obj", None)

    def view_of(self, rule: Any) -> Any:
        return self.views.get(rule.endpoint.split(".")[0])

    def owns_model(self, view: Any) -> bool:
        return self._datamodel(view) is not None

    def is_crud_form(self, rule: Any, view: Any) -> bool:
        """A model's add or edit form: shown by GET, posted back to the same URL."""
        return (self.owns_model(view) and {"GET", "POST"} <= rule.methods
                and set(rule.arguments) <= {"pk"})

    def a_may(self, rule: Any, method: str, action: str | None) -> bool | None:
        """Whether FAB's permission check lets A use the route (or the action), as
        ``has_access``/``protect`` decide it before reading anything; None when no permission
        guards it."""
        view = self.view_of(rule)
        name = rule.endpoint.split(".")[-1]
        if view is None:
            return None
        if action and action in (getattr(view, "actions", None) or {}):
            permission = view.get_action_permission_name(action)
        elif hasattr(getattr(view, name, None), "_permission_name"):
            permission = "can_" + view.get_method_permission(name)
            if permission not in (view.base_permissions or []):
                return None
        else:
            return None
        return (permission, view.class_permission_name) in self.a_permissions

    def model_of(self, rule: Any) -> type | None:
        """The model a rule's record argument names: its view's, else the resource named just
        before the argument (``/attachments/claim/<pk>``), else the screen it sits under."""
        model = self._datamodel(self.view_of(rule))
        if model is not None:
            return model
        for segment in re.findall(r"/([^/<]+)/<[^>]+>", rule.rule):
            name = _norm(segment)
            found = self.by_name.get(name) or self.by_name.get(name[:-1])
            endings = {m for n, m in self.by_name.items() if n.endswith(name)}
            if found is None and len(endings) == 1:
                found = endings.pop()  # "/note/<pk>": the claim note
            if found is not None:
                return found
        for base, model in self.by_base:
            if base and (rule.rule == base or rule.rule.startswith(base.rstrip("/") + "/")):
                return model
        return None

    def b_ids_for(self, model: type | None) -> list[int]:
        """B's records of ``model``; one id that is none of its records when B has none of them;
        every id of B's when the model is not known."""
        if model is None:
            return self.fund.b_all()
        return self.fund.b_ids.get(model) or [self.fund.b_member]

    def b_record(self, model: type) -> Any:
        ids = self.fund.b_ids.get(model)
        return db.session.get(model, ids[0]) if ids else None

    def a_record(self, model: type | None) -> Any:
        ids = self.fund.a_ids.get(model) if model is not None else None
        return db.session.get(model, ids[0]) if ids else None

    def a_form_values(self, model: type | None) -> dict[str, Any]:
        """A's own record of ``model`` as a form would post it."""
        record = self.a_record(model)
        if record is None:
            return {}
        mapper = sa.inspect(type(record))
        values = {attr.key: form_value(getattr(record, attr.key))
                  for attr in mapper.column_attrs if attr.key != "id"}
        for rel in mapper.relationships:
            if not rel.uselist:
                values[rel.key] = form_value(getattr(getattr(record, rel.key), "id", None))
        return values

    def b_relations(self, model: type | None) -> list[tuple[str, int]]:
        """(relation, B's record) for each many-to-one relation to a model B has records of."""
        if model is None:
            return []
        found = []
        for rel in sa.inspect(model).relationships:
            ids = self.fund.b_ids.get(rel.mapper.class_)
            # A login is no record of B's that a form of the fund lets anyone choose.
            if not rel.uselist and ids and rel.mapper.class_ is not self.user_model:
                found.append((rel.key, ids[0]))
        return found

    def column_value(self, record: Any, model: type, column: str) -> Any:
        value = getattr(record, column, None)
        if column in sa.inspect(model).relationships:
            return getattr(value, "id", None)
        return value

    def other_value(self, model: type, column: str, value: Any) -> Any:
        """A value of the column's type that B's record does not hold."""
        if column in sa.inspect(model).relationships:
            return max(self.fund.b_all()) + 1000
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return value + 1000
        if isinstance(value, (Decimal, date)):
            return satisfying("lt", value, None)
        return NONE_TEXT

    def generic_form(self, model: type | None) -> dict[str, Any]:
        ids = self.b_ids_for(model)
        record = self.b_record(model) if model is not None else None
        return {"rowid": [str(i) for i in ids], "ids": ",".join(str(i) for i in ids),
                "version": str(getattr(record, "version", 1) or 1), "reason": "A's probe"}

    def search_terms(self) -> list[str]:
        return ["Quixotevskizqx", "M-987123", "CLM-2026-987101", "Zqx porphyria", "zqx"]

    # --- the OpenAPI document -----------------------------------------------------------------
    def operation(self, rule: Any, method: str) -> dict[str, Any] | None:
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        return self.doc.get("paths", {}).get(path, {}).get(method.lower())

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def _content(self, operation: dict | None) -> dict[str, Any]:
        return ((operation or {}).get("requestBody") or {}).get("content", {})

    def is_multipart(self, operation: dict | None) -> bool:
        return "multipart/form-data" in self._content(operation)

    def body_variants(self, operation: dict | None) -> list[dict[str, Any]]:
        content = self._content(operation)
        media = content.get("application/json") or content.get("multipart/form-data")
        if not media:
            return []
        schema = self.resolve(media.get("schema", {}))
        options = schema.get("oneOf") or schema.get("anyOf") or [schema]
        return [self.resolve(option) for option in options]

    def step_names(self, model: type | None) -> list[str]:
        """The named steps (``action``) the document offers for the model's records."""
        names: set[str] = set()
        for path, operations in self.doc.get("paths", {}).items():
            resource = path.split("/")[3] if path.count("/") >= 3 else ""
            if model is not None and self.by_name.get(_norm(resource)) is not model:
                continue
            for operation in operations.values():
                for variant in self.body_variants(operation):
                    names.update(variant.get("properties", {}).get("action", {})
                                 .get("enum", []))
        return sorted(names) or (self.step_names(None) if model is not None else ["submit"])

    def related_model(self, view: Any, name: str) -> type | None:
        model = self._datamodel(view)
        rel = sa.inspect(model).relationships.get(name) if model is not None else None
        return rel.mapper.class_ if rel is not None else None

    def relation_properties(self, variant: dict | None, view: Any) -> list[str]:
        return [name for name in (variant or {}).get("properties", {})
                if self.fund.b_ids.get(self.related_model(view, name))]

    def multipart_id_fields(self, operation: dict | None, view: Any) -> list[str]:
        (variant,) = self.body_variants(operation)[:1] or [{}]
        return [name for name, prop in variant.get("properties", {}).items()
                if prop.get("type") == "integer" and self.related_model(view, name)]

    def body(self, variant: dict | None, model: type | None, view: Any, use_b: bool
             ) -> dict[str, Any]:
        """A body for ``variant``: B's records and version where it names records (``use_b``,
        else A's), A's own record's values elsewhere, schema defaults for the rest required."""
        if variant is None:
            return {}
        record = self.a_record(model)
        named = self.b_record(model) if use_b and model else record
        required = set(variant.get("required", []))
        body: dict[str, Any] = {}
        for name, prop in variant.get("properties", {}).items():
            prop = self.resolve(prop)
            related = self.related_model(view, name)
            if name == "ids":
                body[name] = self.b_ids_for(model)
            elif name == "action" and prop.get("enum"):
                body[name] = prop["enum"][0]
            elif name == "version":
                body[name] = getattr(named, "version", 1) or 1
            elif related is not None:
                ids = (self.fund.b_ids if use_b else self.fund.a_ids).get(related)
                if ids:
                    body[name] = ids[0]
            elif record is not None and getattr(record, name, None) is not None:
                body[name] = api_value(getattr(record, name))
            elif name in required:
                body[name] = _default(prop)
        return body

    def q_kind(self, operation: dict | None) -> str | None:
        for param in (operation or {}).get("parameters", []):
            schema = param.get("schema") or param.get("content", {}).get(
                "application/json", {}).get("schema", {})
            ref = schema.get("$ref", "")
            if param.get("name") == "q" and ref:
                return ref.rsplit(".", 2)[-2]
        return None

    def info_columns(self, operation: dict | None) -> dict[str, list[str]]:
        for param in (operation or {}).get("parameters", []):
            if param.get("name") == "q":
                schema = self.resolve(param["content"]["application/json"]["schema"])
                props = schema.get("properties", {})
                return {key: list(props[key].get("properties", {}))
                        for key in ("add_columns", "edit_columns") if key in props}
        return {}


def _default(prop: dict[str, Any]) -> Any:
    kind, fmt = prop.get("type"), prop.get("format")
    if prop.get("enum"):
        return prop["enum"][0]
    if kind == "string":
        return {"date": "2026-01-15", "date-time": "2026-01-15T10:00:00Z",
                "decimal": "12.50"}.get(fmt, "A's probe")
    return {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}.get(kind)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
