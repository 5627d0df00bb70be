"""What member A tries against member B, derived from what the app registers: every rule of the
URL map (web and REST), the OpenAPI document's operations and request bodies, and each view's
own search columns, order columns, relations and actions. Nothing here names a route.

Each Probe is one request. ``targets_b`` marks a request whose URL names one of B's records: it
must be refused. Of a route A's role has no permission for (FAB checks that before it reads
anything) one probe is sent, and it must be refused.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterator
from urllib.parse import quote

import prison

from tests.integration.leak_context import (
    ARG_VALUES,
    PDF,
    Context,
    api_value,
    form_value,
    satisfying,
)

MAX_COMBINATIONS = 60
GENERIC_QUERY_KEYS = ("ids", "id", "pk", "member", "member_id", "claim", "claim_id",
                      "dependent", "chronic_request", "user", "user_id")


@dataclass
class Probe:
    method: str
    url: str
    api: bool
    targets_b: bool = False
    form: dict[str, Any] | None = None  # web: posted with the CSRF token
    json: Any = None  # REST body
    multipart: dict[str, Any] | None = None  # REST upload
    sent: set[str] = field(default_factory=set)  # values A sent: their echo is not a leak
    needs_a_form: str | None = None  # fill ``form`` from the form A is shown at this URL
    defaults: dict[str, Any] = field(default_factory=dict)  # A's values for its empty fields
    action: str | None = None  # the FAB action run, whose permission may differ
    permitted: bool | None = None  # A's role has the route's permission (None: none guards it)

    def describe(self) -> str:
        return f"{self.method} {self.url}" + (f" [{self.action}]" if self.action else "")


def probes_for_rule(ctx: Context, rule: Any, method: str) -> list[Probe]:
    """Every probe of one rule and method; one only for each action A's role may not run."""
    kept, refused = [], set()
    for probe in _all_probes(ctx, rule, method):
        probe.permitted = ctx.a_may(rule, method, probe.action)
        if probe.permitted is False:
            if probe.action in refused:
                continue
            refused.add(probe.action)
        kept.append(probe)
    return kept


def _all_probes(ctx: Context, rule: Any, method: str) -> Iterator[Probe]:
    api = rule.rule.startswith("/api/")
    model, view = ctx.model_of(rule), ctx.view_of(rule)
    args = list(rule.arguments)
    id_args = [a for a in args if _names_a_record(a)]
    for values in _arg_combinations(ctx, view, model, args):
        url = _build(rule, values)
        sent = {str(v) for k, v in values.items() if k not in id_args}
        build = _api_probes if api else _web_probes
        for probe in build(ctx, rule, method, url, model, view, bool(id_args), not args, sent):
            probe.action = probe.action or values.get("name")
            yield probe
    # A's own record: its page with its related lists, and with one of B's records put in one
    # of its relations.
    a_ids = ctx.fund.a_ids.get(model) if model is not None else None
    if a_ids and args == id_args and len(args) == 1:
        url = _build(rule, {args[0]: a_ids[0]})
        if method == "GET":
            yield Probe("GET", url, api)
            yield from _related_list_probes(url, view)
        if api and method == "PUT":
            yield from _api_bodies_with_b_relations(ctx, rule, method, url, model, view)
        elif not api and ctx.is_crud_form(rule, view):
            yield from _form_with_b_relations(ctx, method, url, model)


# --- Web ---------------------------------------------------------------------------------------


def _web_probes(ctx: Context, rule: Any, method: str, url: str, model: type | None, view: Any,
                targets: bool, no_args: bool, sent: set[str]) -> Iterator[Probe]:
    crud_form = ctx.is_crud_form(rule, view)
    if method == "GET":
        yield Probe("GET", url, False, targets, sent=sent)
        if targets:
            return
        if crud_form:
            for name, ref in ctx.b_relations(model):
                yield Probe("GET", f"{url}?_flt_0_{name}={ref}", False, sent={str(ref)})
        elif no_args and ctx.owns_model(view) and "POST" not in rule.methods:
            yield from _web_list_probes(ctx, url, model, view)
        else:
            yield from _query_probes(ctx, url, model, no_args)
        return
    data = ctx.generic_form(model)
    if targets:
        yield Probe(method, url, False, True, form={**data, "files": PDF}, sent=sent)
    elif crud_form and ctx.b_relations(model):
        yield from _form_with_b_relations(ctx, method, url, model)
    else:
        for action in sorted(getattr(view, "actions", None) or {}) or [None]:
            form = data if action is None else {**data, "action": action}
            yield Probe(method, url, False, form=form, sent=sent, action=action)


def _web_list_probes(ctx: Context, url: str, model: type, view: Any) -> Iterator[Probe]:
    """List, search, filter, order and page through a list screen, with B's values."""
    cls = type(view).__name__
    yield Probe("GET", url, False)
    yield Probe("GET", f"{url}?psize_{cls}=100&page_{cls}=0", False)
    yield Probe("GET", f"{url}?psize_{cls}=many&page_{cls}=last", False)
    for column in view.order_columns:
        yield Probe("GET", f"{url}?_oc_{cls}={column}&_od_{cls}=desc", False)
    search = view._filters.get_search_filters()
    record = ctx.b_record(model)
    for column, filters in search.items():
        value = ctx.column_value(record, model, column) if record is not None else None
        if value is None:
            continue
        # Every filter of the column at once, each with a value B's record passes.
        params = []
        for index, flt in enumerate(filters):
            wanted = satisfying(flt.arg_name, value, ctx.other_value(model, column, value))
            if isinstance(wanted, list):
                wanted = wanted[0]
            if wanted is not None:
                params.append((f"_flt_{index}_{column}", form_value(wanted)))
        if params:
            yield Probe("GET", url + "?" + "&".join(f"{k}={_q(v)}" for k, v in params), False,
                        sent={v for _, v in params})
    # Relations that are no search column: a related view's link filters by them.
    for name, ref in ctx.b_relations(model):
        yield Probe("GET", f"{url}?_flt_0_{name}={ref}", False, sent={str(ref)})
    if search:
        # Filter values no column of their type holds, and a filter number none has.
        junk = "&".join(f"_flt_0_{column}=qq%20x" for column in search)
        yield Probe("GET", f"{url}?{junk}", False)
        fewest = min(search, key=lambda column: len(search[column]))
        if len(search[fewest]) < 10:
            yield Probe("GET", f"{url}?_flt_9_{fewest}=1", False)


def _related_list_probes(url: str, view: Any) -> Iterator[Probe]:
    """A record's page orders and pages the lists of its related records (master-detail)."""
    for related in getattr(view, "_related_views", None) or []:
        cls = type(related).__name__
        order = next(iter(related.order_columns), "id")
        yield Probe("GET", f"{url}?_oc_{cls}={order}&_od_{cls}=desc&psize_{cls}=100&page_{cls}=0",
                    False)


def _form_with_b_relations(ctx: Context, method: str, url: str, model: type | None
                           ) -> Iterator[Probe]:
    """A's own form (as he is shown it) with one of B's records put in a relation: in the field,
    or through the related view's ``_flt_`` prefill that FAB applies to add and edit forms."""
    defaults = ctx.a_form_values(model)
    for name, ref in ctx.b_relations(model):
        flt = f"{url}{'&' if '?' in url else '?'}_flt_0_{name}={ref}"
        if method == "GET":
            yield Probe("GET", flt, False, sent={str(ref)})
            continue
        yield Probe(method, url, False, form={name: str(ref)}, needs_a_form=url,
                    defaults=defaults, sent={str(ref)})
        yield Probe(method, flt, False, form={}, needs_a_form=url, defaults=defaults,
                    sent={str(ref)})


def _query_probes(ctx: Context, url: str, model: type | None, no_args: bool
                  ) -> Iterator[Probe]:
    """Pages that take their input from the query string: searches, pick lists, bulk pages."""
    ids = ",".join(str(i) for i in ctx.b_ids_for(model))
    yield Probe("GET", f"{url}?{'&'.join(f'{k}={ids}' for k in GENERIC_QUERY_KEYS)}", False,
                sent={ids})
    if no_args:
        for term in ctx.search_terms():
            yield Probe("GET", f"{url}?q={_q(term)}&member={ctx.fund.b_member}", False,
                        sent={term})


# --- REST --------------------------------------------------------------------------------------


def _api_probes(ctx: Context, rule: Any, method: str, url: str, model: type | None, view: Any,
                targets: bool, no_args: bool, sent: set[str]) -> Iterator[Probe]:
    operation = ctx.operation(rule, method)
    if method in ("GET", "DELETE"):
        yield Probe(method, url, True, targets, sent=sent)
        if method == "GET" and not targets:
            yield from _api_query_probes(ctx, url, operation, model, view, no_args)
        return
    if ctx.is_multipart(operation):
        for name in ctx.multipart_id_fields(operation, view):
            for ref in ctx.b_ids_for(ctx.related_model(view, name))[:2]:
                yield Probe(method, url, True, targets, multipart={name: str(ref), "file": PDF},
                            sent=sent)
        return
    variants = ctx.body_variants(operation) or [None]
    for variant in variants:
        if not targets and ctx.relation_properties(variant, view):
            yield from _api_bodies_with_b_relations(ctx, rule, method, url, model, view,
                                                    variant)
        else:
            yield Probe(method, url, True, targets, json=ctx.body(variant, model, view, True),
                        sent=sent)


def _api_bodies_with_b_relations(ctx: Context, rule: Any, method: str, url: str,
                                 model: type | None, view: Any, variant: Any = None
                                 ) -> Iterator[Probe]:
    """A body of A's own values with one relation set to B's record, relation by relation."""
    if variant is None:
        variant = (ctx.body_variants(ctx.operation(rule, method)) or [None])[0]
    for name in ctx.relation_properties(variant, view):
        for ref in ctx.fund.b_ids.get(ctx.related_model(view, name), [])[:2]:
            body = {**ctx.body(variant, model, view, False), name: ref}
            yield Probe(method, url, True, json=body, sent={str(ref)})


def _api_query_probes(ctx: Context, url: str, operation: dict | None, model: type | None,
                      view: Any, no_args: bool) -> Iterator[Probe]:
    kind = ctx.q_kind(operation)
    if kind == "list" and model is not None:
        yield from _api_list_probes(ctx, url, model, view)
    elif kind == "info":
        paging = {"page": 0, "page_size": 100}
        q = {key: {col: paging for col in columns}
             for key, columns in ctx.info_columns(operation).items()}
        yield Probe("GET", f"{url}?q={_q(prison.dumps(q))}", True)
    elif any(p.get("in") == "query" for p in (operation or {}).get("parameters", [])):
        yield from _query_probes(ctx, url, model, no_args)


def _api_list_probes(ctx: Context, url: str, model: type, view: Any) -> Iterator[Probe]:
    yield Probe("GET", f"{url}?q={_q(prison.dumps({'page_size': 100}))}", True)
    for column in view.order_columns:
        q = {"order_column": column, "order_direction": "desc", "page_size": 100}
        yield Probe("GET", f"{url}?q={_q(prison.dumps(q))}", True)
    record = ctx.b_record(model)
    for column, filters in view._filters.get_search_filters().items():
        value = ctx.column_value(record, model, column) if record is not None else None
        if value is None:
            continue
        other = ctx.other_value(model, column, value)
        rules = [{"col": column, "opr": flt.arg_name,
                  "value": api_value(satisfying(flt.arg_name, value, other))}
                 for flt in filters if satisfying(flt.arg_name, value, other) is not None]
        if rules:
            q = prison.dumps({"filters": rules, "page_size": 100})
            yield Probe("GET", f"{url}?q={_q(q)}", True, sent={str(r["value"]) for r in rules})


# --- Filling a rule's arguments ------------------------------------------------------------------


def _names_a_record(arg: str) -> bool:
    return arg in ("pk", "id") or arg.endswith("_id")


def _arg_combinations(ctx: Context, view: Any, model: type | None, args: list[str]
                      ) -> list[dict[str, Any]]:
    choices = []
    for arg in args:
        if _names_a_record(arg):
            choices.append(ctx.b_ids_for(model))
        elif arg == "name":  # a FAB action
            choices.append(sorted(getattr(view, "actions", None) or {}) or ["no-such-action"])
        elif arg == "action":  # a named step of the record's lifecycle
            choices.append(ctx.step_names(model))
        elif arg in ARG_VALUES:
            choices.append(ARG_VALUES[arg](ctx))
        else:
            choices.append([ctx.fund.b_member, "M-987123", "CLM-2026-987101"])
    combos = [dict(zip(args, values, strict=True)) for values in itertools.product(*choices)]
    return combos[:MAX_COMBINATIONS]


def _build(rule: Any, values: dict[str, Any]) -> str:
    return re.sub(r"<([^>]+)>", lambda m: str(values[m.group(1).split(":")[-1]]), rule.rule)


def _q(value: Any) -> str:
    return quote(str(value), safe="")
