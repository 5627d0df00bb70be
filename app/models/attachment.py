"""Files kept with a claim (receipts, reports), a chronic request (the doctor's evidence) or a
note on a claim (a letter the committee received).

The row holds what the fund knows about the file; the bytes live in the storage backend
(app.services.storage) under a random key, never under a name a client chose.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import utcnow
from app.models.chronic import ChronicRequest
from app.models.claim import Claim, ClaimItem
from app.models.note import ClaimNote


class Attachment(Model):
    __tablename__ = "attachment"
    __table_args__ = (
        # A file belongs to exactly one record: a claim (maybe one of its items), a request or a
        # note. A note's file is not the claim's: the member sees it only with a visible note.
        sa.CheckConstraint(
            "(CASE WHEN claim_id IS NULL THEN 0 ELSE 1 END) "
            "+ (CASE WHEN chronic_request_id IS NULL THEN 0 ELSE 1 END) "
            "+ (CASE WHEN claim_note_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="ck_attachment_owner",
        ),
        sa.CheckConstraint(
            "claim_item_id IS NULL OR claim_id IS NOT NULL", name="ck_attachment_item_claim"
        ),
        sa.CheckConstraint("size > 0", name="ck_attachment_size"),
        # The same file twice on one record is a duplicate; the database settles races.
        sa.UniqueConstraint("claim_id", "sha256", name="uq_attachment_claim_file"),
        sa.UniqueConstraint("chronic_request_id", "sha256", name="uq_attachment_request_file"),
        sa.UniqueConstraint("claim_note_id", "sha256", name="uq_attachment_note_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claim.id"), index=True)
    claim: Mapped[Claim | None] = relationship()
    claim_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claim_item.id"), index=True)
    claim_item: Mapped[ClaimItem | None] = relationship()
    chronic_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("chronic_request.id"), index=True
    )
    chronic_request: Mapped[ChronicRequest | None] = relationship()
    claim_note_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claim_note.id"), index=True)
    claim_note: Mapped[ClaimNote | None] = relationship()
    # Sanitised: no path parts or control characters; shown and offered as the download name.
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # Detected from the content as stored (a HEIC photo is stored as JPEG).
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(100), nullable=False, unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(sa.String(100))
    # The same stored file on another member's claim: a flag for the reviewer, not a refusal.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="SET NULL")
    )
    duplicate_of: Mapped["Attachment | None"] = relationship(remote_side=[id])
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ab_user.id"))
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def flagged_duplicate(self) -> bool:
        return self.duplicate_of_id is not None

    def __repr__(self) -> str:
        return self.original_name
