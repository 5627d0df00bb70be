"""Member A tries every route the app registers against member B's records, by web and by REST,
and gets nothing of B's: no sentinel value of B's in any answer, an honest refusal for every URL
that names one of B's records, no server error, and B's data unchanged afterwards.

Routes come from the app's URL map, grouped by the resource they serve (one test each: its
screens, steps, pick list and REST API); REST bodies and queries come from the OpenAPI document;
filters, orders, relations and actions from each view's own declarations (leak_probes.py). A new
route is probed without anyone adding it here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from tests.helpers import api_token, login
from tests.integration.leak_context import Context
from tests.integration.leak_probes import Probe, probes_for_rule
from tests.integration.leak_support import (
    Fund,
    changes,
    csrf_token,
    ids_in_json,
    leaked,
    logged_in,
    seed_fund,
    snapshot,
)

REFUSALS = {400, 401, 403, 404, 405}
_APPS: dict[str, Flask] = {}


def route_group(app: Flask, rule: Any) -> str:
    """The resource a rule serves (its view's permission name: a resource's screens, pick list,
    steps and REST API together), or its endpoint's prefix for routes of no resource."""
    prefix = rule.endpoint.split(".")[0]
    view = next((v for v in app.appbuilder.baseviews if v.endpoint == prefix), None)
    return getattr(view, "class_permission_name", None) or prefix


def route_groups(app: Flask) -> list[str]:
    return sorted({route_group(app, rule) for rule in app.url_map.iter_rules()})


def pytest_generate_tests(metafunc):
    if "resource" in metafunc.fixturenames:
        from app import create_app  # the groups come from the app's own URL map
        from tests.conftest import test_config

        if "routes" not in _APPS:  # an app built only to list routes (no database is touched)
            _APPS["routes"] = create_app(test_config())
        metafunc.parametrize("resource", route_groups(_APPS["routes"]))


@dataclass
class MemberA:
    app: Flask
    web: FlaskClient
    api: FlaskClient
    headers: dict[str, str]
    visited: set[str] = field(default_factory=set)  # pages A asked for, by path and query

    def log_in_again(self) -> None:
        assert login(self.web, "member1").status_code == 302


@pytest.fixture(scope="module")
def member_a(app: Flask) -> MemberA:
    web = app.test_client()
    assert login(web, "member1").status_code == 302
    api = app.test_client()
    return MemberA(app, web, api, {"Authorization": f"Bearer {api_token(api, 'member1')}"})


@pytest.fixture(scope="module")
def openapi_doc(member_a: MemberA) -> dict[str, Any]:
    response = member_a.api.get("/api/v1/_openapi", headers=member_a.headers)
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def fund(app: Flask) -> Fund:
    with app.app_context():
        seeded = seed_fund()
        db.session.remove()
    return seeded


# --- One request and what it must not show -----------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would post from the page's forms, with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        name = attr.get("name")
        if tag == "input" and name:
            kind = (attr.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attr:
                    self.fields[name] = attr.get("value") or "y"
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields[name] = attr.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attr:
            self.fields[self._select] = attr.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


def a_form(member: MemberA, url: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """The form A is shown at ``url``, its empty fields filled with his own record's values."""
    page = member.web.get(url)
    if page.status_code != 200:
        return {}
    parser = _FormFields()
    parser.feed(page.get_data(as_text=True))
    return {name: value or defaults.get(name, "") for name, value in parser.fields.items()}


def _files(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (io.BytesIO(v), "probe.pdf") if isinstance(v, bytes) else v
            for k, v in values.items()}


def send(member: MemberA, probe: Probe) -> Any:
    if probe.api:
        kwargs: dict[str, Any] = {"headers": member.headers}
        if probe.multipart is not None:
            kwargs.update(data=_files(probe.multipart), content_type="multipart/form-data")
        elif probe.method in ("POST", "PUT"):
            kwargs["json"] = probe.json if probe.json is not None else {}
        return member.api.open(probe.url, method=probe.method, **kwargs)
    if probe.method == "GET":
        return member.web.get(probe.url)
    form = a_form(member, probe.needs_a_form, probe.defaults) if probe.needs_a_form else {}
    form.update(probe.form or {})
    form["csrf_token"] = csrf_token(member.app, member.web)
    return member.web.open(probe.url, method=probe.method, data=_files(form))


def _to_login(response: Any) -> bool:
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get(
        "Location", "")


def _refused(fund: Fund, response: Any) -> bool:
    """A refusal, or a redirect elsewhere than to one of B's records (what the browser shows
    next is checked too, and what it changed shows in the snapshot)."""
    status, location = response.status_code, response.headers.get("Location", "")
    if status in REFUSALS or _to_login(response):
        return True
    return 300 <= status < 400 and not any(str(i) in location for i in fund.b_all())


def check(fund: Fund, probe: Probe, response: Any, followed: bool = False) -> list[str]:
    where, status = probe.describe(), response.status_code
    problems = []
    if status >= 500:
        problems.append(f"{where}: server error {status}")
    # A redirect's body only shows where it leads: a page A asked for before (FAB's "back").
    location = response.headers.get("Location", "") if 300 <= status < 400 else ""
    found = leaked(response.get_data(), fund.sentinels, probe.sent | {location})
    if found:
        problems.append(f"{where}: answered {status} showing B's {found[:6]}")
    if probe.method == "GET" and status < 300 and response.is_json:
        named = ids_in_json(response.get_json(silent=True), set(fund.b_all()))
        if named:
            problems.append(f"{where}: answered {status} naming B's records {sorted(named)}")
    if followed:
        return problems
    # 404: FAB's actions answer it for an action this route does not offer at all.
    if probe.permitted is False and not (status in (401, 403, 404) or _to_login(response)):
        problems.append(f"{where}: answered {status} though A's role lacks its permission")
    elif probe.targets_b and not _refused(fund, response):
        problems.append(f"{where}: answered {status} to a request naming B's record")
    return problems


def run(member: MemberA, fund: Fund, probe: Probe) -> tuple[int, list[str]]:
    """The probe's status and its problems."""
    response = send(member, probe)
    if not probe.api:
        member.visited.add(probe.url)
    problems = check(fund, probe, response)
    location = urlsplit(response.headers.get("Location", ""))
    back_to = location.path + (f"?{location.query}" if location.query else "")
    if (not probe.api and 300 <= response.status_code < 400 and not _to_login(response)
            and back_to not in member.visited):
        # What the browser shows next: the page and the messages flashed on the way.
        page = member.web.get(back_to)
        problems += [f"{p} (after its redirect)" for p in check(fund, probe, page, True)]
    if not logged_in(member.web):  # the route logged A out: log in for the next probes
        member.log_in_again()
    return response.status_code, problems


# --- The tests ---------------------------------------------------------------------------------


def test_member_a_gets_nothing_of_member_bs(app, resource, member_a, openapi_doc, fund):
    rules = [rule for rule in app.url_map.iter_rules() if route_group(app, rule) == resource]
    with app.app_context():
        context = Context(app, openapi_doc, fund)
        probes = [probe for rule in rules
                  for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
                  for probe in probes_for_rule(context, rule, method)]
        before = snapshot(fund)
        db.session.remove()
    assert probes, f"no request built for {resource}"
    results = [(probe, *run(member_a, fund, probe)) for probe in probes]
    problems = [problem for _, _, found in results for problem in found]
    # Not a vacuous pass: what A may read of the resource, he is shown.
    readable = [status for probe, status, _ in results
                if probe.method == "GET" and probe.permitted and not probe.targets_b]
    assert not readable or 200 in readable, f"A was shown nothing of {resource}: {readable}"
    with app.app_context():
        problems += [f"B's data changed: {change}" for change in changes(before, snapshot(fund))]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_documented_operation_is_a_probed_route(app, openapi_doc, fund):
    """The document's operations are all in the URL map, so the tests above probe each."""
    routes = {(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method.lower())
              for rule in app.url_map.iter_rules() for method in rule.methods}
    documented = {(path, method) for path, operations in openapi_doc["paths"].items()
                  for method in operations}
    assert documented and not documented - routes, sorted(documented - routes)
    assert not leaked(str(openapi_doc).encode(), fund.sentinels)


@pytest.mark.parametrize("query", ["_flt_9_received_on=1", "page_ClaimView=last",
                                   "psize_ClaimView=ten", "psize_ClaimView=%C2%B2"])
def test_malformed_list_arguments_answer_400(member_a, query):
    """FAB raised on these (IndexError, ValueError): a server error any login could cause."""
    assert member_a.web.get(f"/claims/list/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["_flt_0_awaiting_ratification=x",
                                   "_flt_0_total_claimed=lots", "_flt_1_received_on=someday"])
def test_filter_values_of_the_wrong_type_are_no_server_error(member_a, fund, query):
    """FAB hands them to the database as they come; PostgreSQL refused them with an error."""
    response = member_a.web.get(f"/claims/list/?{query}")
    assert response.status_code in (200, 400)
    assert not leaked(response.get_data(), fund.sentinels)
