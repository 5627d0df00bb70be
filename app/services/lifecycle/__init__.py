"""The claim lifecycle (SPEC "Claim lifecycle"): one function per transition, one entry point."""

from app.services.lifecycle.bulk import perform_bulk
from app.services.lifecycle.rules import TRANSITIONS
from app.services.lifecycle.service import BulkOutcome, perform

__all__ = ["TRANSITIONS", "BulkOutcome", "perform", "perform_bulk"]
