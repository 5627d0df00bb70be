"""Two members for the leak tests: member A (login member1) with a fund of his own, member B with
every kind of member-owned record, each carrying sentinel values; what A is answered is scanned
for them, and a snapshot of every row that is not A's shows that B's data did not change.

B's rows get ids from B_IDS_FROM on, which no row of A's has whatever the model, so an id of B's
put into any URL names B's record and nothing of A's.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Iterable

import sqlalchemy as sa
from flask import Flask, current_app, session
from flask.testing import FlaskClient
from flask_wtf.csrf import generate_csrf

from app.access import MEMBER_SCOPES
from app.extensions import db
from app.models import (
    Attachment,
    AuditEvent,
    ChronicMedicine,
    ChronicRequest,
    Claim,
    ClaimItem,
    ClaimNote,
    Dependent,
    Member,
    Notification,
    Payment,
    PaymentBatch,
)
from app.services.attachments import Upload, attach, find_owner
from tests import factories, hostile_files

B_IDS_FROM = 900_001
TOKEN = "zqx"  # in every text of B's, so that the scan finds each of them
# B's values without the token: numbers, odd amounts (as JSON and as the screens show them),
# dates, phone numbers and an address.
B_PLAIN_SENTINELS = (
    "M-987123", "CLM-2026-987101", "CLM-2026-987102", "1961-11-29", "2016-07-23",
    "+254799817263", "+254711987654", "203.0.113.77",
    "4321.87", "4,321.87", "1234.59", "1,234.59", "5556.46", "5,556.46", "388.57", "777.14",
    "7777.13", "7,777.13",
)


@dataclass
class Fund:
    a_member: int
    a_user: int
    b_member: int
    b_user: int
    a_ids: dict[type, list[int]]  # A's own records by model
    b_ids: dict[type, list[int]]  # B's records by model
    sentinels: list[str]
    b_files: list[str]  # B's stored file keys and names: the values for a <filename>

    def b_all(self) -> list[int]:
        return sorted({i for ids in self.b_ids.values() for i in ids})


# --- The records -------------------------------------------------------------------------------


def seed_fund() -> Fund:
    """A's and B's records, committed (call inside an application context)."""
    sm = current_app.appbuilder.sm
    provider = factories.provider("Shared Clinic of the Fund")
    scale = factories.scale_item("GP_VISIT")
    a_ids = _seed_member_a(provider)
    ids = itertools.count(B_IDS_FROM)
    today = date.today()
    b_user = sm.user_model(
        id=next(ids), username="zqx_bartholomew", first_name="Bartholomewzqx",
        last_name="Quixotevskizqx", email="bartholomew.zqx@quixote.example", active=True,
        password="not a login anyone uses", roles=[sm.find_role("Member")],
    )
    db.session.add(b_user)
    b = Member(
        id=next(ids), member_number="M-987123", user=b_user, first_name="Zebulonzqx",
        middle_name="Xanthippezqx", last_name="Quixotevskizqx", national_id="ZQX7712345",
        date_of_birth=date(1961, 11, 29), phone="+254799817263",
        email="zebulon.zqx@quixote.example", membership_type=factories.membership_type(),
        status="active", contribution_receipt_date=date(2025, 4, 14),
        statutory_insurer_number="SHIFZQX4471", other_medical_scheme="Zqx Mutual Scheme",
        payout_method="bank", bank_name="Zqx Cooperative Bank", bank_branch_code="ZQX-031",
        bank_account_number="ZQX0099887766", bank_account_name="Zebulon Zqx Quixotevski",
        mobile_money_number="+254711987654",
    )
    spouse = Dependent(id=next(ids), member=b, first_name="Philomenazqx",
                       last_name="Quixotevskizqx", relationship_type="spouse",
                       date_of_birth=date(1963, 2, 17), statutory_insurer_number="SHIFZQXDEP1",
                       status="active")
    child = Dependent(id=next(ids), member=b, first_name="Barnabuszqx",
                      last_name="Quixotevskizqx", relationship_type="child",
                      date_of_birth=date(2016, 7, 23), status="pending")
    draft = Claim(id=next(ids), claim_number="CLM-2026-987101", member=b, dependent=spouse,
                  claim_type="outpatient", provider=provider, status="draft",
                  first_visit_date=today - timedelta(days=12),
                  diagnosis="Zqx sentinel pharyngitis")
    draft.items = [
        ClaimItem(id=next(ids), scale_item=scale, description="Zqx salve of Quixote",
                  quantity=1, unit_cost=Decimal("4321.87"), receipt_number="RCPT-ZQX-88411"),
        ClaimItem(id=next(ids), description="Zqx tincture", quantity=1,
                  unit_cost=Decimal("1234.59"), receipt_number="RCPT-ZQX-88412"),
    ]
    asked = Claim(
        id=next(ids), claim_number="CLM-2026-987102", member=b, claim_type="outpatient",
        provider=provider, status="info_requested", first_visit_date=today - timedelta(days=20),
        received_on=today - timedelta(days=15), diagnosis="Zqx bronchial echo",
        submitted_at=datetime.now() - timedelta(days=15), declaration_source="online",
        declaration_accepted_at=datetime.now() - timedelta(days=15),
        member_status_at_submission="active",
        info_request="Zqx asks: which clinic stamped the receipt?",
    )
    asked.items = [ClaimItem(id=next(ids), description="Zqx lozenges", quantity=2,
                             unit_cost=Decimal("388.57"), receipt_number="RCPT-ZQX-88413")]
    chronic = ChronicRequest(
        id=next(ids), member=b, condition="Zqx porphyria of Quixote",
        doctor_name="Dr. Ignatiuszqx Sentinelson", doctor_registration="DRZQX-3131",
        requested_monthly_amount=Decimal("7777.13"), status="pending",
    )
    chronic.medicines = [ChronicMedicine(id=next(ids), name="Zqxamide", strength="313zqx mg",
                                         dosage="Thrice nightly zqx", duration="13 zqx weeks")]
    # B's claim paid through a batch (a batch is Finance's: members see no batch at all)
    batch = PaymentBatch(id=next(ids), batch_number="PB-ZQX-01", method="bank",
                         created_by_id=factories.user_id("finance"), status="draft",
                         total_amount=Decimal("3333.77"), payment_count=1)
    paid = Payment(id=next(ids), batch=batch, line_no=1, claim=asked, member=b,
                   amount=Decimal("3333.77"), reference="PB-ZQX-01-001",
                   payee_name="Zebulon Zqx Quixotevski", bank_name="Zqx Cooperative Bank",
                   bank_branch_code="ZQX-031", bank_account_number="ZQX0099887766",
                   phone="+254711987654")
    db.session.add_all([b_user, b, spouse, child, draft, asked, chronic, batch, paid])
    db.session.flush()
    db.session.add_all([
        ClaimNote(id=next(ids), claim=asked, body="Zqx note the member may read",
                  visible_to_member=True),
        ClaimNote(id=next(ids), claim=asked, body="Zqx internal remark on Quixotevskizqx"),
        Notification(id=next(ids), recipient_user_id=b_user.id, claim=asked,
                     kind="claim_reassigned", message="Zqx: claim CLM-2026-987102 reassigned"),
        AuditEvent(id=next(ids), action="claim.submit", actor_id=b_user.id,
                   actor_name=b_user.username, ip_address="203.0.113.77",
                   user_agent="ZqxBrowser/9.9", resource_type="claim",
                   resource_id=str(asked.id), details=json.dumps({"note": "Zqx audit entry"})),
    ])
    db.session.commit()
    files = [
        _attach_as(b_user, next(ids), "zqx-receipt-quixote.pdf",
                   hostile_files.pdf_receipt("RCPT-ZQX-88411 Zqxpdfbody"),
                   claim_id=draft.id, claim_item_id=draft.items[0].id),
        _attach_as(b_user, next(ids), "zqx-evidence.png", hostile_files.image("PNG"),
                   chronic_request_id=chronic.id),
    ]
    _move_events_of(b_user.id, ids)
    b_ids = _rows_of_member(b.id)
    b_ids[sm.user_model] = [b_user.id]
    b_ids[AuditEvent] = sorted(db.session.scalars(
        sa.select(AuditEvent.id).where(AuditEvent.actor_id == b_user.id)))
    b_ids[Notification] = sorted(db.session.scalars(
        sa.select(Notification.id).where(Notification.recipient_user_id == b_user.id)))
    b_ids[ClaimNote] = sorted(db.session.scalars(
        sa.select(ClaimNote.id).where(ClaimNote.claim_id == asked.id)))
    return Fund(
        a_member=a_ids[Member][0], a_user=factories.user_id("member1"), b_member=b.id,
        b_user=b_user.id, a_ids=a_ids, b_ids=b_ids, sentinels=_sentinels(b_ids),
        b_files=[value for row in files for value in
                 (row.storage_key, row.thumbnail_key, row.original_name) if value],
    )


def _seed_member_a(provider: Any) -> dict[type, list[int]]:
    own = factories.member(first_name="Amani", last_name="Ownfamily",
                           user_id=factories.user_id("member1"))
    factories.dependent(own, first_name="Imani", status="active")
    factories.dependent(own, "spouse", first_name="Pendo", status="pending")
    claim = factories.claim(of=own, items=2, provider=provider)
    request = factories.chronic_request(own, condition="Asthma")
    db.session.add(ChronicMedicine(request=request, name="Salbutamol", strength="100mcg"))
    db.session.add(ClaimNote(claim=claim, body="A note for Amani", visible_to_member=True))
    db.session.commit()
    user = current_app.appbuilder.sm.find_user(username="member1")
    _attach_as(user, None, "own-receipt.pdf", hostile_files.pdf_receipt("Own receipt 1"),
               claim_id=claim.id)
    return _rows_of_member(own.id)


def _move_events_of(user_id: int, ids: Iterable[int]) -> None:
    """B's audit events into B's id range: the chain numbers events itself (1, 2, ...), so their
    ids would otherwise be numbers A's records have too."""
    if db.session.get_bind().dialect.name == "postgresql":
        # The trail refuses updates (its trigger); this fabricated data needs them.
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    for event_id in db.session.scalars(sa.select(AuditEvent.id).where(
            AuditEvent.actor_id == user_id).order_by(AuditEvent.id)).all():
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event_id)
                           .values(id=next(ids)))
    db.session.commit()


def _attach_as(user: Any, new_id: int | None, name: str, content: bytes,
               **owner_ids: int) -> Attachment:
    (row,) = attach(find_owner(user, **owner_ids), [Upload(name, io.BytesIO(content))], user)
    if new_id is not None:
        old_id = row.id
        db.session.execute(sa.update(Attachment).where(Attachment.id == old_id)
                           .values(id=new_id))
        if db.session.get_bind().dialect.name == "postgresql":
            # The trail refuses updates (its trigger); this fabricated data needs one.
            db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.resource_type == "attachment",
                                                       AuditEvent.resource_id == str(old_id))
                           .values(resource_id=str(new_id)))
        db.session.commit()
        row = db.session.get(Attachment, new_id)
    return row


def _rows_of_member(member_id: int) -> dict[type, list[int]]:
    """The member's rows of every model the row rule knows, by the rule itself."""
    return {model: sorted(db.session.scalars(sa.select(model.id).where(scope(member_id))))
            for model, scope in MEMBER_SCOPES.items()}


def _sentinels(b_ids: dict[type, list[int]]) -> list[str]:
    found = set(B_PLAIN_SENTINELS)
    for model, ids in b_ids.items():
        mapper = sa.inspect(model)
        for row in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            for attr in mapper.column_attrs:
                value = getattr(row, attr.key)
                if isinstance(value, str) and (TOKEN in value.lower() or attr.key in (
                        "sha256", "storage_key", "thumbnail_key")):
                    found.add(value)
    return sorted(found)


# --- What must not change ----------------------------------------------------------------------

# Tables a refused request may add rows to: the audit trail records what A did.
APPEND_ONLY = {"audit_event"}


def snapshot(fund: Fund) -> dict[str, dict[tuple, tuple]]:
    """Every row but A's own and FAB's security data (B's login excepted), by primary key."""
    a_rows: dict[str, set[int]] = {model.__table__.name: set(ids)
                                   for model, ids in _rows_of_member(fund.a_member).items()}
    tables: dict[str, dict[tuple, tuple]] = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            query = sa.select(table)
            if table.name == "ab_user":
                query = query.where(table.c.id == fund.b_user)
            elif table.name.startswith("ab_") or table.name == "login_throttle":
                continue
            keys = [c.name for c in table.primary_key.columns]
            own = a_rows.get(table.name, set())
            tables[table.name] = {
                tuple(row[k] for k in keys): tuple(row)
                for row in conn.execute(query).mappings()
                if not (keys == ["id"] and row["id"] in own)
            }
    return tables


def changes(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    found = []
    for name, rows in before.items():
        now = after.get(name, {})
        for key in rows.keys() - now.keys():
            found.append(f"{name} {key} was deleted")
        for key in rows.keys() & now.keys():
            if rows[key] != now[key]:
                found.append(f"{name} {key} changed: {rows[key]} -> {now[key]}")
        if name not in APPEND_ONLY:
            for key in now.keys() - rows.keys():
                found.append(f"{name} {key} was added: {now[key]}")
    return found


# --- What A is answered ------------------------------------------------------------------------


def _forms_of(value: str) -> set[str]:
    """How a value A sent may come back to him as an echo (as is, HTML, URL or JSON escaped)."""
    return {value, html.escape(value), urllib.parse.quote(value), urllib.parse.quote_plus(value),
            json.dumps(value)[1:-1]}


def leaked(body: bytes, sentinels: Iterable[str], sent: Iterable[str] = ()) -> list[str]:
    """The sentinels in ``body``, once the values A himself sent (echoed back) are taken out."""
    text = body.decode("utf-8", "replace").lower()
    for value in sorted(sent, key=len, reverse=True):
        for form in _forms_of(str(value)):
            if len(form) >= 4:
                text = text.replace(form.lower(), " ")
    return [s for s in sentinels if s.lower() in text]


def ids_in_json(value: Any, b_ids: set[int], key: str = "") -> set[int]:
    """B's ids where a JSON answer names records (``id``, ``ids``, ``*_id``, ``*.id``)."""
    found: set[int] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found |= ids_in_json(v, b_ids, k)
    elif isinstance(value, list):
        for v in value:
            found |= ids_in_json(v, b_ids, key)
    elif (isinstance(value, int) and not isinstance(value, bool) and value in b_ids
          and (key in ("id", "ids", "pk") or key.endswith(("_id", ".id")))):
        found.add(value)
    return found


def csrf_token(app: Flask, client: FlaskClient) -> str:
    """The token the client's session would put in a form, without fetching a page."""
    with client.session_transaction() as stored:
        raw = stored.get("csrf_token")
    with app.test_request_context():
        if raw:
            session["csrf_token"] = raw
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as stored:
        stored["csrf_token"] = raw
    return token


def logged_in(client: FlaskClient) -> bool:
    with client.session_transaction() as stored:
        return bool(stored.get("_user_id"))
