"""The row rule (app.access) decided per login: who is restricted, to what, and fail closed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app import access
from app.models import AuditEvent, Claim, ClaimItem, Member, Provider, Setting


def login(*roles: str) -> SimpleNamespace:
    return SimpleNamespace(id=42, roles=[SimpleNamespace(name=role) for role in roles])


@pytest.fixture(autouse=True)
def linked_member(monkeypatch):
    # The login's Member record, without a database.
    monkeypatch.setattr(access, "member_id_of", lambda user: 7)


def sql(clause) -> str:
    return str(clause.compile(compile_kwargs={"literal_binds": True}))


def test_a_member_sees_only_rows_of_his_own_member_record():
    assert sql(access.scope_clause(Claim, login("Member"))) == "claim.member_id = 7"
    assert sql(access.scope_clause(Member, login("Member"))) == "member.id = 7"
    assert "claim.member_id = 7" in sql(access.scope_clause(ClaimItem, login("Member")))


def test_a_member_reads_reference_data_unrestricted():
    assert access.scope_clause(Provider, login("Member")) is None


@pytest.mark.parametrize("model", [Setting, AuditEvent])
def test_a_model_without_a_member_scope_shows_a_member_nothing(model):
    assert sql(access.scope_clause(model, login("Member"))) == "false"


def test_a_login_without_roles_sees_nothing():
    assert sql(access.scope_clause(Claim, login())) == "false"


@pytest.mark.parametrize("roles", [("Committee", "Member"), ("Finance", "Member"), ("Admin",)])
def test_staff_who_are_fund_members_too_are_not_restricted(roles):
    assert access.scope_clause(Claim, login(*roles)) is None
    assert access.scope_clause(Member, login(*roles)) is None


def test_committee_reads_only_the_claims_part_of_the_audit_trail():
    clause = sql(access.scope_clause(AuditEvent, login("Committee")))
    assert clause.startswith("audit_event.resource_type IN ('claim', 'claimitem'")
    assert access.scope_clause(AuditEvent, login("Committee", "Auditor")) is None
    assert access.scope_clause(AuditEvent, login("Admin")) is None


def test_no_request_user_is_left_to_the_caller():
    query = sa.select(Claim)
    assert access.scope_query(query, Claim, None) is query
