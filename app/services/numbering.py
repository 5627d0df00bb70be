"""Race-free allocation of claim and member numbers.

A counter row per series is bumped by one atomic ``UPDATE ... RETURNING``: on PostgreSQL the row
lock holds a second allocator until the first transaction ends; SQLite serialises writers. So two
processes never get the same number, and a rolled-back transaction gives its number back.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import NumberSequence

_table = NumberSequence.__table__


def next_value(session: Session, series: str) -> int:
    connection = session.connection()
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    connection.execute(
        insert(_table).values(name=series, last_value=0).on_conflict_do_nothing(
            index_elements=["name"]
        )
    )
    return connection.execute(
        sa.update(_table)
        .where(_table.c.name == series)
        .values(last_value=_table.c.last_value + 1)
        .returning(_table.c.last_value)
    ).scalar_one()


def next_claim_number(session: Session, year: int) -> str:
    return f"CLM-{year}-{next_value(session, f'claim-{year}'):06d}"


def next_member_number(session: Session) -> str:
    return f"M-{next_value(session, 'member'):06d}"
