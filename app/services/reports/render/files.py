"""Each format's writer. Summaries are small: rendered whole. Row-level exports are streams:
CSV and JSON Lines yield a chunk per batch of rows; Excel is written row by row in openpyxl's
write-only mode to a temporary file, which is then streamed and removed."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from app.services.errors import BadParameters
from app.services.reports.base import MONEY, Column, Report
from app.services.reports.render.cells import json_value, text
from app.services.spreadsheet import csv_cell

FORMATS = ("csv", "xlsx", "json", "pdf")
ROW_FORMATS = ("csv", "jsonl", "xlsx")
# Excel's sheet holds 1,048,576 rows; the heading takes one.
EXCEL_MAX_ROWS = 1_048_576
CHUNK_ROWS = 1000
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "pdf": "application/pdf",
}


@dataclass
class FileOut:
    """A file to send: its name, media type and content (bytes, or an iterator of chunks)."""

    filename: str
    media_type: str
    body: bytes | Iterator[bytes | str]


def _csv_cells(values: Iterable[Any], kinds: Iterable[str]) -> list[str]:
    """Text values made safe for spreadsheets (app.services.spreadsheet), before each value is
    written as text; numbers, amounts (negative ones too) and dates are never touched."""
    # An amount is formatted from a Decimal, so it can never be a formula; it keeps its sign.
    return [text(v if k == MONEY else csv_cell(v), k) for v, k in zip(values, kinds, strict=True)]


# --- summaries -----------------------------------------------------------------------------------
def report_rows_as_text(report: Report) -> Iterator[list[str]]:
    kinds = [c.kind for c in report.columns]
    yield [csv_cell(c.label) for c in report.columns]
    for row in report.rows:
        yield _csv_cells((row.get(c.key) for c in report.columns), kinds)
    if report.totals:
        yield _csv_cells((report.totals.get(c.key) for c in report.columns), kinds)


def report_csv(report: Report) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(report_rows_as_text(report))
    return out.getvalue().encode("utf-8")


def report_json(report: Report) -> dict[str, Any]:
    def values(row: dict[str, Any]) -> dict[str, Any]:
        return {c.key: json_value(row.get(c.key), c) for c in report.columns}

    return {"report": report.name, "title": report.title, "description": report.description,
            "filters": report.filters.as_json(), "filters_not_applied": list(report.ignores),
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind}
                        for c in report.columns],
            "rows": [values(r) for r in report.rows], "totals": values(report.totals)}


def _excel_value(value: Any, column: Column, sheet: Any) -> Any:
    # Decimals are written as exact numbers; dates as dates; the rest as shown.
    if column.kind == MONEY or value is None or isinstance(value, (int, float)):
        return value
    shown = text(value, column.kind)
    if shown.startswith("="):
        # openpyxl stores a text starting with "=" as a formula: keep it a text cell.
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=shown)
        cell.data_type = "s"
        return cell
    return shown


def report_xlsx(report: Report) -> bytes:
    # openpyxl is imported when an Excel file is asked for, not by every worker at start-up.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(report.title[:31])
    bold = Font(bold=True)

    def strong(value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        return cell

    sheet.append([strong(report.title)])
    for label, value in report.filters.describe():
        sheet.append([label, value])
    sheet.append([])
    sheet.append([strong(c.label) for c in report.columns])
    for row in report.rows:
        sheet.append([_excel_value(row.get(c.key), c, sheet) for c in report.columns])
    if report.totals:
        sheet.append([_excel_value(report.totals.get(c.key), c, sheet)
                      for c in report.columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_report(report: Report, fmt: str, fund_name: str) -> FileOut:
    stem = f"{report.name}-{report.filters.date_from}-{report.filters.date_to}"
    if fmt == "csv":
        body = report_csv(report)
    elif fmt == "xlsx":
        body = report_xlsx(report)
    elif fmt == "json":
        body = json.dumps(report_json(report), indent=1).encode("utf-8")
    elif fmt == "pdf":
        from app.services.reports.render.pdf import report_pdf

        body = report_pdf(report, fund_name)
    else:
        raise BadParameters({"format": f"Choose one of: {', '.join(FORMATS)}."})
    return FileOut(f"{stem}.{fmt}", MEDIA_TYPES[fmt], body)


# --- row-level streams ---------------------------------------------------------------------------
def _csv_chunks(columns: tuple[Column, ...], rows: Iterable[tuple]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c.label) for c in columns])
    kinds = [c.kind for c in columns]
    for n, row in enumerate(rows, start=1):
        writer.writerow(_csv_cells(row, kinds))
        if n % CHUNK_ROWS == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _jsonl_chunks(columns: tuple[Column, ...], rows: Iterable[tuple]) -> Iterator[str]:
    keys = [c.key for c in columns]
    batch: list[str] = []
    for row in rows:
        batch.append(json.dumps({k: json_value(v, c) for k, v, c in zip(
            keys, row, columns, strict=True)}))
        if len(batch) == CHUNK_ROWS:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


def _xlsx_chunks(columns: tuple[Column, ...], rows: Iterable[tuple], title: str,
                 chunk_bytes: int = 1 << 16) -> Iterator[bytes]:
    from openpyxl import Workbook

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title[:31])
        sheet.append([c.label for c in columns])
        for row in rows:
            sheet.append([_excel_value(v, c, sheet) for v, c in zip(row, columns, strict=True)])
        book.save(path)
        with open(path, "rb") as saved:
            while chunk := saved.read(chunk_bytes):
                yield chunk
    finally:
        os.unlink(path)


def stream_rows(name: str, fmt: str, columns: tuple[Column, ...], count: int,
                rows: Callable[[], Iterable[tuple]]) -> FileOut:
    """A row-level export of ``count`` rows (counted beforehand: Excel refuses above its limit
    before any row is read); ``rows`` is called only when the stream is consumed."""
    if fmt not in ROW_FORMATS:
        raise BadParameters({"format": f"Choose one of: {', '.join(ROW_FORMATS)}."})
    if fmt == "xlsx" and count + 1 > EXCEL_MAX_ROWS:
        raise BadParameters({"format": (
            f"{count:,} rows do not fit in an Excel sheet (at most {EXCEL_MAX_ROWS - 1:,} "
            "rows and a heading): narrow the filters, or export CSV or JSON Lines.")})
    writers = {"csv": _csv_chunks, "jsonl": _jsonl_chunks}

    def chunks() -> Iterator[bytes | str]:
        if fmt == "xlsx":
            yield from _xlsx_chunks(columns, rows(), name)
        else:
            yield from writers[fmt](columns, rows())

    return FileOut(f"{name}.{fmt}", MEDIA_TYPES[fmt], chunks())
