"""What a user does on Claimdesk's screens, in a browser: log in, pick from the search-as-you-type
lists, type a date, read a table the way it reads on screen."""

from __future__ import annotations

import json
import re
import struct
import zlib
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

# Every page of the app answers locally in well under a second; a step that waits longer than
# this has gone wrong, and the test should say so without sitting out Playwright's 30 s.
ACTION_TIMEOUT_MS = 10_000


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    # A refused login comes back to the login form.
    expect(page).not_to_have_url(re.compile(r"/login/(\?.*)?$"))


def choose(page: Page, field: str, option: str, search: str | None = None) -> None:
    """Open the pick list of form field ``field`` (a Select2 box), optionally type ``search``,
    and click the offered ``option``."""
    page.locator(f"#select2-{field}-container").click()
    if search is not None:
        # Wait, as a user does, for the list to answer what was typed: the answer to the empty
        # search may already show the option. (It also kept a search from ending after the
        # next click when every response rewrote the session cookie; app.auth no longer does.)
        with page.expect_response(lambda response: _searched_for(response.url, search)):
            page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-container--open .select2-results__option",
                 has_text=option).first.click()


def _searched_for(url: str, text: str) -> bool:
    parts = urlsplit(url)
    return parts.path.startswith("/lookup/") and parse_qs(parts.query).get("q") == [text]


def offered(page: Page, field: str) -> list[str]:
    """The options a pick list offers once opened (and closed again)."""
    page.locator(f"#select2-{field}-container").click()
    # The options come by search: wait for the answer ("No results found" is one too).
    answered = page.locator(".select2-container--open .select2-results__option"
                            ":not(.loading-results)")
    expect(answered.first).to_be_visible()
    texts = [text.strip() for text in answered.all_inner_texts()]
    page.keyboard.press("Escape")
    return texts


def type_date(page: Page, field: str, value: str) -> None:
    """Type a date into a date field key by key, as a user does: the date picker reads what
    was typed from the key strokes and would blank a value that did not come from them."""
    page.locator(f"#{field}").press_sequentially(value)
    page.keyboard.press("Tab")
    expect(page.locator(f"#{field}")).to_have_value(value)


def flash(page: Page) -> Locator:
    """The page's messages (FAB's flashed alerts)."""
    return page.locator(".alert")


def detail(page: Page, label: str) -> Locator:
    """The value shown next to the heading ``label`` on a record's page."""
    return page.locator(f"tbody tr:has(> th:text-is({json.dumps(label)})) > td")


def table_row(table: Locator, first_cell: str) -> dict[str, str]:
    """The row of ``table`` whose first cell reads ``first_cell``, as {column heading: text}."""
    headings = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(
        has=table.page.locator("td:first-child", has_text=first_cell))
    expect(row).to_have_count(1)
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    return dict(zip(headings, cells, strict=True))


def balance(page: Page, person: str, benefit: str) -> dict[str, str]:
    """One benefit of one person in the benefit balance panel, as the member reads it."""
    table = page.locator("table.claimdesk-balance-person").filter(
        has=page.locator("caption", has_text=person))
    return table_row(table, benefit)


def tiny_png() -> bytes:
    """A real 8x8 PNG image (a photographed receipt, as far as the upload checks go)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    pixels = b"".join(b"\x00" + b"\xf0\xf0\xe0" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def chart_table(page: Page, chart: str) -> dict[str, dict[str, str]]:
    """The table of a dashboard chart, opened as a reader opens it ("Show the numbers as a
    table"), as {row heading: {column heading: text}}, body and footer rows in their order."""
    section = page.locator(f"#chart-{chart}")
    table = section.locator("table")
    if not table.is_visible():
        section.get_by_text("Show the numbers as a table").click()
    expect(table).to_be_visible()
    headings = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    rows: dict[str, dict[str, str]] = {}
    for row in table.locator("tbody tr, tfoot tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        # A row spanning the table ("No approved claims ...") has no columns to name.
        rows[cells[0]] = (dict(zip(headings[1:], cells[1:], strict=True))
                          if len(cells) == len(headings) else {})
    return rows
