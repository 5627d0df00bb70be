"""The README's REST API example is a real script, and it works against a live server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.extensions import db
from tests import factories
from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "api_example.py"


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def run_script(url: str, *args: str, username: str = "committee1") -> subprocess.CompletedProcess:
    env = {**os.environ, "CLAIMDESK_URL": url, "CLAIMDESK_USERNAME": username,
           "CLAIMDESK_PASSWORD": TEST_PASSWORD}
    return subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_readme_shows_the_script_as_it_is():
    readme = (ROOT / "README.md").read_text()
    assert f"```python\n{SCRIPT.read_text()}```" in readme


def test_the_script_uses_only_the_standard_library():
    imports = {line.split()[1].split(".")[0] for line in SCRIPT.read_text().splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= set(sys.stdlib_module_names)


def test_the_script_lists_a_members_submitted_claims_and_shows_the_first_with_items(
    app, live_url
):
    with app.app_context():
        member = factories.member()
        first = factories.claim(of=member, items=2, status="submitted")
        second = factories.claim(of=member, items=1, status="submitted")
        draft = factories.claim(of=member, items=1, status="draft")
        someone_else = factories.claim(items=1, status="submitted")
        db.session.commit()
        number, provider = member.member_number, first.provider.name
        claims = [first.claim_number, second.claim_number]
        hidden = [draft.claim_number, someone_else.claim_number]
        db.session.remove()

    result = run_script(live_url, number)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"2 submitted claim(s) of {number}" in out
    assert all(claim in out for claim in claims)
    assert not any(claim in out for claim in hidden)
    assert f"{first.claim_number} at {provider}" in out
    assert "1. Consultation 1: 1 x 1500.00 = 1500.00" in out
    assert "2. Consultation 2: 1 x 1500.00 = 1500.00" in out
    assert "Total claimed: 3000.00" in out


def test_the_script_reports_an_unknown_member_and_a_refused_login(app, live_url):
    unknown = run_script(live_url, "M-999999")
    assert unknown.returncode == 1
    assert "No member M-999999." in unknown.stderr

    refused = run_script(live_url, "M-000001", username="nobody")
    assert refused.returncode == 1
    assert "/api/v1/security/login: 401" in refused.stderr
