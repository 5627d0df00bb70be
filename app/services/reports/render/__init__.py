"""Reports as files: CSV, Excel (openpyxl's write-only mode), JSON, and PDF for the summaries
(ReportLab); and the row-level exports as streams (CSV, JSON Lines, Excel written to a temporary
file) that never hold all rows in memory."""

from __future__ import annotations

from app.services.reports.render.files import (
    EXCEL_MAX_ROWS,
    FORMATS,
    ROW_FORMATS,
    FileOut,
    render_report,
    stream_rows,
)

__all__ = ["EXCEL_MAX_ROWS", "FORMATS", "ROW_FORMATS", "FileOut", "render_report",
           "stream_rows"]
