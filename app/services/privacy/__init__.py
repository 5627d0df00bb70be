"""Kenya's Data Protection Act, 2019: a member's subject-access export (everything the fund
holds about him, as JSON and PDF) and the anonymisation of a member who left."""

from __future__ import annotations

from app.services.privacy.anonymise import ANONYMISABLE, anonymise_member
from app.services.privacy.subject_access import subject_access, subject_access_file

__all__ = ["ANONYMISABLE", "anonymise_member", "subject_access", "subject_access_file"]
