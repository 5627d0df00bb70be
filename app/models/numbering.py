"""Counters for human-readable numbers (claim and member numbers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column


class NumberSequence(Model):
    """One row per series (e.g. ``claim-2026``); incremented with a single atomic UPDATE."""

    __tablename__ = "number_sequence"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
