"""Statements compiled once and run on the driver's cursor give and take values exactly as
SQLAlchemy would: money as Decimal to the cent, dates, timestamps, flags and absent values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Claim
from app.services.prepared import Prepared
from tests import factories

_CLAIM = Claim.__table__
_SET = Prepared(sa.update(_CLAIM).where(_CLAIM.c.id == sa.bindparam("claim_id"),
                                        _CLAIM.c.version == sa.bindparam("version"))
                .values(total_approved=sa.bindparam("approved"),
                        received_on=sa.bindparam("received"),
                        decided_at=sa.bindparam("decided"),
                        critical_illness=sa.bindparam("critical"),
                        decision_reason=sa.bindparam("reason"),
                        updated_at=sa.bindparam("now")))
_READ = Prepared(sa.select(_CLAIM.c.total_approved, _CLAIM.c.received_on, _CLAIM.c.decided_at,
                           _CLAIM.c.critical_illness, _CLAIM.c.decision_reason,
                           (_CLAIM.c.total_approved + sa.bindparam("extra", type_=_CLAIM.c
                                                                  .total_approved.type)))
                 .where(_CLAIM.c.id == sa.bindparam("claim_id")))


def test_values_go_in_and_come_back_as_sqlalchemy_gives_them(ctx):
    claim = factories.claim()
    db.session.commit()
    connection = db.session.connection()
    values = {"claim_id": claim.id, "version": claim.version, "approved": Decimal("1234.57"),
              "received": date(2026, 2, 28), "decided": datetime(2026, 3, 1, 9, 30, 0, 5),
              "critical": True, "reason": "Limit reached – ñ", "now": datetime(2026, 3, 1)}
    assert _SET.rowcount(connection, values) == 1
    assert _SET.rowcount(connection, {**values, "version": claim.version + 7}) == 0
    [row] = _READ.rows(connection, {"claim_id": claim.id, "extra": Decimal("0.01")})
    assert row == (Decimal("1234.57"), date(2026, 2, 28), datetime(2026, 3, 1, 9, 30, 0, 5),
                   True, "Limit reached – ñ", Decimal("1234.58"))
    assert isinstance(row[0], Decimal) and isinstance(row[5], Decimal)
    db.session.commit()
    db.session.expire_all()
    # The ORM reads back what the statement wrote.
    stored = db.session.get(Claim, claim.id)
    assert (stored.total_approved, stored.received_on, stored.decided_at,
            stored.critical_illness) == (Decimal("1234.57"), date(2026, 2, 28),
                                         datetime(2026, 3, 1, 9, 30, 0, 5), True)
    assert _READ.rows(db.session.connection(), {"claim_id": -1, "extra": Decimal("0")}) == []


def test_a_statement_runs_again_after_a_rollback_and_on_another_connection(ctx):
    claim = factories.claim()
    db.session.commit()
    values = {"claim_id": claim.id, "version": claim.version, "approved": Decimal("0.10"),
              "received": None, "decided": None, "critical": False, "reason": None,
              "now": datetime(2026, 3, 1)}
    statement = Prepared(_SET.statement)  # prepared (on PostgreSQL) in the rolled-back one
    assert statement.rowcount(db.session.connection(), values) == 1
    db.session.rollback()  # on PostgreSQL the statement stays prepared on the server
    assert statement.rowcount(db.session.connection(), values) == 1
    db.session.commit()
    with db.engine.connect() as other:
        [row] = _READ.rows(other, {"claim_id": claim.id, "extra": Decimal("1")})
    assert row == (Decimal("0.10"), None, None, False, None, Decimal("1.10"))


def test_a_statement_that_needs_sqlalchemys_defaults_is_refused(ctx):
    # updated_at's on-update default would be left out of a statement run on the cursor.
    statement = Prepared(sa.update(_CLAIM).where(_CLAIM.c.id == sa.bindparam("claim_id"))
                         .values(decision_reason=sa.bindparam("reason")))
    with pytest.raises(ValueError, match="column defaults"):
        statement.rowcount(db.session.connection(), {"claim_id": 1, "reason": "x"})
