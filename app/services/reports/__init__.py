"""The fund's reports: each a plain function of the session and the filters returning a
:class:`Report` (rows and totals), rendered by app.services.reports.render; the claims list
export streams its rows instead (app.services.reports.claims_list)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from sqlalchemy.orm import Session

from app.services.errors import NotFound
from app.services.reports.base import Report, ReportFilters, parse_filters
from app.services.reports.claims import claims_by_status, top_claimants, top_providers
from app.services.reports.finance import financial_summary
from app.services.reports.members import category_utilisation, membership, utilisation
from app.services.reports.turnaround import turnaround

REPORTS: dict[str, Callable[[Session, ReportFilters], Report]] = {
    "claims_by_status": claims_by_status,
    "turnaround": turnaround,
    "utilisation": utilisation,
    "category_utilisation": category_utilisation,
    "membership": membership,
    "top_claimants": top_claimants,
    "top_providers": top_providers,
    "financial_summary": financial_summary,
}
TITLES = {
    "claims_by_status": "Claims by status and type",
    "turnaround": "Turnaround",
    "utilisation": "Benefit utilisation per member",
    "category_utilisation": "Benefit utilisation per category",
    "membership": "Membership statistics",
    "top_claimants": "Top claimants",
    "top_providers": "Top providers",
    "financial_summary": "Financial summary",
}


def run(session: Session, name: str, args: Mapping[str, Any]) -> Report:
    """The report ``name`` over the filters in ``args`` (NotFound, ValidationFailed)."""
    if name not in REPORTS:
        raise NotFound(f"No report named {name!r}.")
    return REPORTS[name](session, parse_filters(session, args))


__all__ = ["REPORTS", "TITLES", "Report", "ReportFilters", "parse_filters", "run"]
