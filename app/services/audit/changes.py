"""Create, update and delete of every entity, recorded by one hook on the ORM session.

Each flush's new, changed and deleted records are noted (after the flush: new records have
their ids, and attribute history still says what changed); at commit, after a last flush, one
event per record goes to the chain: ``<resource>.create|update|delete`` with the fields. A
field's kind decides what is kept (FIELD KINDS below): money, statuses, dates, numbers and
references with their old and new values; personal fields (names, id numbers, contacts,
diagnosis and every other free text of a member's records) by name only, so that anonymising a
member never needs to touch the trail; secrets not at all.

A record whose change already has a specific event in the same transaction (a claim's
transition, a file's upload, a note, an answer to a checklist, ...: the event names the record,
or the record's owner) gets no second event. Bulk runs write claims with plain statements, not
through the flush, so this hook costs them nothing; their own events say what they did.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Group, Role, User
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from app.models import (
    AgendaItem,
    AuditChainHead,
    AuditEvent,
    BenefitCategory,
    ChecklistAnswer,
    ChecklistItem,
    ChronicMedicine,
    ClaimItem,
    CommitteeMeeting,
    LoginThrottle,
    MembershipType,
    Notification,
    NumberSequence,
    PasswordChangeDue,
    Provider,
    ProviderRateOverride,
    ReviewerSetting,
    ReviewTemplate,
    ScaleItem,
    Setting,
)

# Bookkeeping, not the fund's records: counters, login throttles, the one-time-password flag
# (password changes have their own event), in-app notifications (each follows an event that is
# recorded), FAB's permission catalogue (written by sync-roles from the code; a role's grants
# are recorded on the role).
NOT_AUDITED = (AuditEvent, AuditChainHead, NumberSequence, LoginThrottle, PasswordChangeDue,
               Notification)
AUDITED_FAB_MODELS = (User, Role, Group)

# --- FIELD KINDS ------------------------------------------------------------------------------
VALUE, PERSONAL, SECRET, IGNORED = "value", "personal", "secret", "ignored"
# Kept whatever the model: bookkeeping columns, login statistics.
IGNORED_FIELDS = frozenset({
    "id", "created_at", "updated_at", "version", "created_on", "changed_on", "created_by_fk",
    "changed_by_fk", "last_login", "login_count", "fail_login_count",
})
SECRET_WORDS = ("password", "secret", "token", "storage_key", "thumbnail_key")
# The fund's configuration and reference data hold no one's personal data: every field a value.
REFERENCE_MODELS = (MembershipType, BenefitCategory, ScaleItem, Provider, ProviderRateOverride,
                    Setting, ChecklistItem, ReviewTemplate, ReviewerSetting, Role, Group)
# Text columns of members' records that are references or codes, not personal data.
REFERENCE_TEXTS = frozenset({
    "claim_number", "member_number", "receipt_number", "reason_codes", "sla_status",
    "member_status_at_submission", "payout_method", "content_type", "sha256", "username",
})
# Many-to-many collections recorded as the names added and removed.
COLLECTIONS: dict[type, tuple[str, ...]] = {
    User: ("roles", "groups"), Role: ("permissions",), Group: ("roles",),
    CommitteeMeeting: ("attendees",),
}
# The resource names events use (REST's), where they are not the class name in lower case.
RESOURCE_NAMES: dict[type, str] = {ChecklistAnswer: "reviewchecklist", AgendaItem: "agendaitem"}
# A child whose change is part of its owner's event (a claim's lines change with its transition).
OWNERS: dict[type, Callable[[Any], list[tuple[str, Any]]]] = {
    ClaimItem: lambda item: [("claim", item.claim_id)],
    ChronicMedicine: lambda medicine: [("chronicrequest", medicine.request_id)],
    ChecklistAnswer: lambda answer: [("reviewchecklist", answer.claim_id)],
    AgendaItem: lambda item: [("claim", item.claim_id), ("committeemeeting", item.meeting_id)],
}

CHANGES = "claimdesk_audit_changes"
COVERED = "claimdesk_audit_covered"
_kinds: dict[type, dict[str, str]] = {}


def resource_name(model: type) -> str:
    return RESOURCE_NAMES.get(model, model.__name__.lower())


def field_kinds(model: type) -> dict[str, str]:
    """Each column attribute of the model and its kind."""
    kinds = _kinds.get(model)
    if kinds is None:
        kinds = {}
        for prop in sa.inspect(model).column_attrs:
            column = prop.columns[0]
            name = prop.key
            if name in IGNORED_FIELDS:
                kind = IGNORED
            elif any(word in name for word in SECRET_WORDS):
                kind = SECRET
            elif (issubclass(model, REFERENCE_MODELS) or isinstance(column.type, sa.Enum)
                  or not isinstance(column.type, sa.String) or name in REFERENCE_TEXTS):
                kind = VALUE
            else:
                kind = PERSONAL
            kinds[name] = kind
        _kinds[model] = kinds
    return kinds


def audited(obj: Any) -> bool:
    if isinstance(obj, NOT_AUDITED):
        return False
    return type(obj).__module__.startswith("app.models") or isinstance(obj, AUDITED_FAB_MODELS)


def primary_key(obj: Any) -> Any:
    """The record's id (in after_flush a new record has it, but not yet its identity key)."""
    state = sa.inspect(obj)
    if state.identity:
        return state.identity[0]
    return state.mapper.primary_key_from_instance(obj)[0]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _names(items: Any) -> list[str]:
    return sorted(str(item) for item in items)


class _Change:
    """What one record went through in the transaction so far."""

    def __init__(self, kind: str, obj: Any) -> None:
        self.kind = kind  # create, update, delete
        self.model = type(obj)
        self.record_id = primary_key(obj)
        self.values: dict[str, list[Any]] = {}  # field -> [old, new]
        self.personal: set[str] = set()
        self.collections: dict[str, dict[str, set[str]]] = {}
        self.owners = OWNERS.get(self.model, lambda _: [])(obj)

    def note_state(self, obj: Any, *, old: bool) -> None:
        """A created record's values (old False) or a deleted one's (old True)."""
        loaded = sa.inspect(obj).dict
        for name, kind in field_kinds(self.model).items():
            value = loaded.get(name)
            if value is None:
                continue
            if kind == VALUE:
                pair = self.values.setdefault(name, [None, None])
                pair[0 if old else 1] = _plain(value)
            elif kind == PERSONAL:
                self.personal.add(name)

    def note_update(self, obj: Any) -> None:
        state = sa.inspect(obj)
        for name, kind in field_kinds(self.model).items():
            if kind in (IGNORED, SECRET):
                continue
            history = state.attrs[name].load_history()
            if not history.added and not history.deleted:
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            if kind == PERSONAL:
                self.personal.add(name)
                continue
            pair = self.values.setdefault(name, [_plain(old), None])
            pair[1] = _plain(new)
        for name in COLLECTIONS.get(self.model, ()):
            history = attributes.get_history(obj, name, passive=attributes.PASSIVE_NO_INITIALIZE)
            if history.added or history.deleted:
                seen = self.collections.setdefault(name, {"added": set(), "removed": set()})
                seen["added"].update(_names(history.added))
                seen["removed"].update(_names(history.deleted))

    def details(self) -> dict[str, Any] | None:
        if self.kind == "update":
            changed = {name: {"old": old, "new": new} for name, (old, new) in self.values.items()
                       if old != new}
            collections = {name: {k: sorted(v) for k, v in seen.items() if v}
                           for name, seen in self.collections.items()
                           if seen["added"] != seen["removed"]}
            if not (changed or self.personal or collections):
                return None  # only bookkeeping changed
            return {"changed": changed, "personal_changed": sorted(self.personal),
                    **({"collections": collections} if collections else {})}
        index = 1 if self.kind == "create" else 0
        return {"values": {name: pair[index] for name, pair in self.values.items()},
                "personal": sorted(self.personal)}


def _changes(session: Session) -> dict[tuple[type, Any], _Change]:
    return session.info.setdefault(CHANGES, {})


def note_covered(session: Session, resource_type: str | None, resource_id: Any) -> None:
    if resource_type is not None:
        session.info.setdefault(COVERED, set()).add((resource_type, str(resource_id)))


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context: Any) -> None:
    changes = _changes(session)
    for obj in session.new:
        if audited(obj):
            change = _Change("create", obj)
            change.note_state(obj, old=False)
            changes[(change.model, change.record_id)] = change
    for obj in session.dirty:
        if audited(obj) and obj not in session.deleted and session.is_modified(obj):
            key = (type(obj), primary_key(obj))
            change = changes.get(key) or changes.setdefault(key, _Change("update", obj))
            if change.kind == "create":
                change.note_state(obj, old=False)
            else:
                change.note_update(obj)
    for obj in session.deleted:
        if audited(obj):
            key = (type(obj), primary_key(obj))
            earlier = changes.get(key)
            if earlier is not None and earlier.kind == "create":
                del changes[key]  # created and deleted in one transaction: nothing happened
                continue
            change = _Change("delete", obj)
            change.note_state(obj, old=True)
            changes[key] = change


def change_rows(session: Session, base: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of the transaction's changes not already described by a specific event."""
    from app.services.audit import details_text

    changes = session.info.pop(CHANGES, None) or {}
    covered = session.info.pop(COVERED, None) or set()
    rows = []
    for change in changes.values():
        resource = resource_name(change.model)
        if (resource, str(change.record_id)) in covered or any(
                (owner, str(owner_id)) in covered for owner, owner_id in change.owners):
            continue
        details = change.details()
        if details is None:
            continue
        rows.append({**base, "action": f"{resource}.{change.kind}", "resource_type": resource,
                     "resource_id": str(change.record_id), "details": details_text(details)})
    return rows


@event.listens_for(Session, "before_commit")
def _record_changes(session: Session) -> None:
    """Flush what is left (the changes and their specific events), then append an event for
    each change no specific event described."""
    from app.services.audit import request_actor, request_context
    from app.services.audit.chain import append_events, write_pending

    session.flush()
    write_pending(session)
    if not session.info.get(CHANGES):
        session.info.pop(COVERED, None)
        return
    actor = request_actor()
    base = {"actor_id": getattr(actor, "id", None),
            "actor_name": getattr(actor, "username", None), **request_context()}
    rows = change_rows(session, base)
    if rows:
        append_events(session.connection(), rows)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    if not previous_transaction.nested:  # the changes did not happen
        session.info.pop(CHANGES, None)
        session.info.pop(COVERED, None)
