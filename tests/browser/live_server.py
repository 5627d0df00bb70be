"""The app under test over real HTTP: werkzeug's server in a daemon thread on a free port."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable, Iterator

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class _InFlight:
    """WSGI middleware counting the requests the server is still answering, so that a test's
    database cleanup never runs under a request the browser left behind."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        with self.lock:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        return _Answer(body, self._done)

    def _done(self) -> None:
        with self.lock:
            self.count -= 1

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count > 0 and time.monotonic() < deadline:
            time.sleep(0.02)


class _Answer:
    """A response body that counts as answered once its last byte is out (Flask has then
    finished with the database), or when the server closes it, whichever comes first.
    Werkzeug closes it only after draining the socket, which can wait on the browser."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done = done
        self.answered = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.body
        self._answered()

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self._answered()

    def _answered(self) -> None:
        if not self.answered:
            self.answered = True
            self.done()


class _StaticKept:
    """WSGI middleware letting the browser keep the app's scripts and styles for the test, as
    a deployment's proxy would, instead of asking the app again for each of them on every
    page (two dozen requests a page)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return self.app(environ, start_response)

        def start(status: str, headers: list, *args: Any) -> Any:
            if status.startswith("200"):
                headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
                headers.append(("Cache-Control", "public, max-age=3600"))
            return start_response(status, headers, *args)

        return self.app(environ, start)


class _QuietHandler(WSGIRequestHandler):
    """Log only the requests that went wrong: they are what a failing test's output needs."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)


class LiveServer:
    """``app`` on 127.0.0.1 and a port the system picks. Threaded, as the browser fetches a
    page's scripts in parallel; each thread's request has its own database connection from the
    app's pool, so SQLite sees only committed data from the test, which commits its own."""

    def __init__(self, app: Flask) -> None:
        self.requests = _InFlight(_StaticKept(app))
        self.server = make_server("127.0.0.1", 0, self.requests, threaded=True,
                                  request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="claimdesk-live-server")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
