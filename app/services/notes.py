"""Notes on claims: the committee's working notes (a query, a medical remark, a finance point),
with a priority, tags, an optional follow-up date, and a flag that lets the member read them.

A member reads only the notes marked visible on his own claims (the row rule in app.access);
everything else here is for the fund's staff. Each new note and each change is an audit event
in the same transaction.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.access import is_restricted, scope_query
from app.models import Claim, ClaimNote
from app.models.base import utcnow
from app.models.note import NOTE_CATEGORIES, NOTE_PRIORITIES
from app.services import audit
from app.services.calendar import fund_today
from app.services.errors import Forbidden

MAX_BODY = 10_000
MAX_TAGS = 10
_TAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,29}")
TAG_RULE = ("Tags are words of letters, digits, - or _ (at most 30 characters each, "
            f"{MAX_TAGS} tags), separated by commas.")
AUDITED = ("category", "priority", "body", "follow_up_on", "follow_up_done", "tags",
           "visible_to_member")


def split_tags(text: str | None) -> list[str]:
    """Tags as typed ("Referral, SHIF  ,referral") -> ["referral", "shif"], in order, once."""
    tags = (part.strip().lower() for part in (text or "").split(","))
    return list(dict.fromkeys(tag for tag in tags if tag))


def tags_error(text: str | None) -> str | None:
    tags = split_tags(text)
    if len(tags) > MAX_TAGS or any(not _TAG.fullmatch(tag) for tag in tags):
        return TAG_RULE
    return None


def normalise_tags(text: str | None) -> str | None:
    return ",".join(split_tags(text)) or None


def note_errors(note: ClaimNote, today: date | None = None) -> dict[str, str]:
    """The rules of a note, for the web form and the REST API."""
    errors: dict[str, str] = {}
    if note.claim is None and note.claim_id is None:
        errors["claim"] = "Choose the claim the note is about."
    body = (note.body or "").strip()
    if not body:
        errors["body"] = "Write the note."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep the note under {MAX_BODY:,} characters."
    if note.category is not None and note.category not in NOTE_CATEGORIES:
        errors["category"] = "Choose query, medical, finance or general."
    if note.priority is not None and note.priority not in NOTE_PRIORITIES:
        errors["priority"] = "Choose low, normal, high or urgent."
    problem = tags_error(note.tags)
    if problem:
        errors["tags"] = problem
    written_on = note.created_at.date() if note.created_at else (today or fund_today())
    if note.follow_up_on is not None and note.follow_up_on < written_on:
        errors["follow_up_on"] = "The follow-up date cannot be before the note was written."
    return errors


def _require_staff(user: Any) -> None:
    if user is None or is_restricted(user):
        raise Forbidden("Only the fund's staff write notes.")


def record_new(session: Session, note: ClaimNote, user: Any) -> None:
    """Complete a new note (its author, tidy tags) and write its audit event; the caller
    commits. The note is added and flushed so that the event names it."""
    _require_staff(user)
    note.author_id = user.id
    note.body = note.body.strip()
    note.tags = normalise_tags(note.tags)
    _done_changed(note)
    session.add(note)
    session.flush()
    audit.record(session, "claimnote.add", actor=user, resource_type="claimnote",
                 resource_id=note.id, details=_details(note))


def record_change(session: Session, note: ClaimNote, user: Any) -> None:
    """Tidy a changed note and write an audit event naming what changed; the caller commits."""
    # Nothing read here (an expired field, the user's roles) may flush the change away before
    # its history is read.
    with session.no_autoflush:
        _require_staff(user)
        note.body = (note.body or "").strip()
        note.tags = normalise_tags(note.tags)
        _done_changed(note)
        state = sa.inspect(note)
        changed = {key: getattr(note, key) for key in AUDITED
                   if state.attrs[key].history.has_changes()}
    if changed:
        audit.record(session, "claimnote.edit", actor=user, resource_type="claimnote",
                     resource_id=note.id, details={"claim_id": note.claim_id, **changed})


def _done_changed(note: ClaimNote) -> None:
    if note.follow_up_done and note.follow_up_done_at is None:
        note.follow_up_done_at = utcnow()
    elif not note.follow_up_done:
        note.follow_up_done_at = None


def _details(note: ClaimNote) -> dict[str, Any]:
    return {"claim_id": note.claim_id, **{key: getattr(note, key) for key in AUDITED}}


# --- Reading ------------------------------------------------------------------------------------


def notes_of(session: Session, claim: Claim, user: Any) -> list[ClaimNote]:
    """The claim's notes ``user`` may read (a member: those visible to him), newest first."""
    query = sa.select(ClaimNote).where(ClaimNote.claim_id == claim.id)
    return list(session.scalars(
        scope_query(query, ClaimNote, user).order_by(ClaimNote.id.desc())))


def follow_ups_due_clause(user: Any, today: date | None = None) -> Any:
    """``user``'s own notes whose follow-up date has come and that are not done."""
    return sa.and_(ClaimNote.author_id == getattr(user, "id", None),
                   ClaimNote.follow_up_done.is_(False),
                   ClaimNote.follow_up_on <= (today or fund_today()))


def mark_done(session: Session, note_ids: Iterable[int], user: Any) -> int:
    """Close ``user``'s own open follow-ups among the notes named (others' are left alone);
    returns how many changed. One transaction, one audit event per note."""
    _require_staff(user)
    ids = [i for i in note_ids if isinstance(i, int)]
    try:
        notes = session.scalars(scope_query(
            sa.select(ClaimNote).where(ClaimNote.id.in_(ids), ClaimNote.author_id == user.id,
                                       ClaimNote.follow_up_done.is_(False)),
            ClaimNote, user)).all()
        for note in notes:
            note.follow_up_done = True
            record_change(session, note, user)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return len(notes)
