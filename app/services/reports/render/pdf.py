"""Summaries and statements as PDF with ReportLab: the fund's name, the title, the filters, the
table with its totals, and "Page n of m" on every page.

The page count is known only once every page is laid out: :class:`NumberedCanvas` keeps each
page's state and writes the footers when the document is saved.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any, Iterable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus.tables import TableStyle

from app.services.calendar import fund_timezone
from app.services.reports.base import DAYS, INT, MONEY, PERCENT, Report
from app.services.reports.render.cells import display

STYLES = getSampleStyleSheet()
NUMERIC = (MONEY, INT, DAYS, PERCENT)


class NumberedCanvas(canvas.Canvas):
    """A canvas that writes "Page n of m" and the document's heading once all pages exist."""

    heading = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _ = self._pagesize
            self.setFont("Helvetica", 8)
            self.drawString(15 * mm, 8 * mm, self.heading)
            self.drawRightString(width - 15 * mm, 8 * mm,
                                 f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


def paragraph(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(text or ""), STYLES[style])


def key_values(pairs: Iterable[tuple[str, str]], widths: tuple[float, float]) -> Table:
    table = Table([[paragraph(k), paragraph(v)] for k, v in pairs], colWidths=widths,
                  hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return table


def grid(header: list[str], rows: list[list[str]], numeric: list[bool],
         widths: list[float] | None = None, total_row: bool = False) -> LongTable:
    """A table that repeats its heading on every page; numbers right-aligned."""
    small = STYLES["BodyText"].clone("cell", fontSize=7.5, leading=9)
    right = small.clone("right", alignment=2)

    def cells(values: list[str], bold: bool = False) -> list[Paragraph]:
        out = []
        for value, is_number in zip(values, numeric, strict=True):
            content = f"<b>{escape(value)}</b>" if bold else escape(value)
            out.append(Paragraph(content, right if is_number else small))
        return out

    data = [cells(header, bold=True), *(cells(r) for r in rows)]
    table = LongTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if total_row and rows:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(style))
    return table


def build(story: list[Flowable], heading: str, wide: bool = False) -> bytes:
    out = io.BytesIO()
    size = landscape(A4) if wide else A4
    document = SimpleDocTemplate(out, pagesize=size, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=heading)

    class Numbered(NumberedCanvas):
        pass

    Numbered.heading = heading
    document.build(story, canvasmaker=Numbered)
    return out.getvalue()


def printed_at() -> str:
    now = datetime.now(timezone.utc).astimezone(fund_timezone())
    return f"{now:%d %b %Y %H:%M}"


def report_pdf(report: Report, fund_name: str) -> bytes:
    filters = [(label, value) for label, value in report.filters.describe()
               if label == "Period" or not report.ignores]
    story: list[Flowable] = [
        paragraph(fund_name, "Title"),
        paragraph(report.title, "Heading2"),
        paragraph(report.description),
        Spacer(1, 3 * mm),
        key_values([*filters, ("Printed", printed_at())], (35 * mm, 120 * mm)),
        Spacer(1, 4 * mm),
    ]
    header = [c.label for c in report.columns]
    numeric = [c.kind in NUMERIC for c in report.columns]
    rows = [[display(row.get(c.key), c.kind) for c in report.columns] for row in report.rows]
    if report.totals:
        rows.append([display(report.totals.get(c.key), c.kind) for c in report.columns])
    if report.rows:
        story.append(grid(header, rows, numeric, total_row=bool(report.totals)))
    else:
        story.append(paragraph("Nothing matches these filters."))
    return build(story, f"{fund_name}: {report.title}", wide=len(report.columns) > 6)
