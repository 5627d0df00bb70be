"""Browser tests: Debian's Chromium, driven by pytest-playwright, against the suite's own app.

The app is the session app of tests/conftest.py (SQLite, or PostgreSQL when
CLAIMDESK_TEST_DATABASE_URL is set), served over real HTTP by werkzeug in a daemon thread; every
test starts from the same clean database as the rest of the suite.

Chromium comes from Debian (`apt-get install chromium`), never from `playwright install`. Without
it the browser tests fail in CI (CI set), and are skipped with the reason on a developer's machine.
"""

from __future__ import annotations

import os
from typing import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page

from tests.browser.live_server import LiveServer
from tests.browser.screens import ACTION_TIMEOUT_MS, log_in
from tests.helpers import TEST_PASSWORD

CHROMIUM = os.environ.get("CLAIMDESK_TEST_CHROMIUM", "/usr/bin/chromium")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    if not os.access(CHROMIUM, os.X_OK):
        message = (f"no Chromium at {CHROMIUM}: `apt-get install chromium` (or set "
                   "CLAIMDESK_TEST_CHROMIUM); never `playwright install`")
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": [*browser_type_launch_args.get("args", []), "--disable-gpu",
                     "--disable-quic"]}


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(autouse=True)
def _server_idle_before_cleanup(live_server: LiveServer) -> Iterator[None]:
    # Autouse: set up before the test's browsers, so torn down after they are closed, and
    # after tests/conftest.py's autouse cleanup was set up, so torn down before it runs.
    yield
    live_server.requests.wait_until_idle()


@pytest.fixture
def browser_as(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A page in a browser of its own, logged in through the login form: each person of a
    test has his own cookies, as on his own computer."""

    def open_as(username: str, password: str = TEST_PASSWORD) -> Page:
        context = new_context()
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        page = context.new_page()
        log_in(page, username, password)
        return page

    return open_as
