"""A member's home page, his menu, and the benefit balance on the web and over REST: his own
only (another member's id answers 404 with nothing of that member), the same numbers on the
committee's view of his member page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from flask import Flask

from app.extensions import db
from app.models import ClaimItem
from tests import factories

TODAY = date.today()


@pytest.fixture
def family(app: Flask) -> SimpleNamespace:
    """member1 with a child, one approved claim (1,800.00 of general) this benefit year and
    one submitted (2,500.00 claimed); member2 with a claim carrying a sentinel amount."""
    with app.app_context():
        general = factories.benefit_category("general", "250000.00")
        factories.benefit_category("dental", "50000.00")
        gp = factories.scale_item("GP_CONSULT", benefit_category=general)
        own = factories.member(first_name="Halima", user_id=factories.user_id("member1"))
        child = factories.dependent(of=own, first_name="Baraka")
        decided = factories.claim(of=own, items=0, status="approved", first_visit_date=TODAY)
        decided.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("2500.00"),
                                       scale_item=gp, benefit_category_id=general.id,
                                       eligible_amount=D("1800.00"),
                                       approved_amount=D("1800.00")))
        waiting = factories.claim(of=own, items=0, status="submitted", first_visit_date=TODAY)
        waiting.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("2500.00"),
                                       scale_item=gp))
        other = factories.member(first_name="Zawadi", last_name="Sentinelson",
                                 user_id=factories.user_id("member2"))
        theirs = factories.claim(of=other, items=0, status="submitted", first_visit_date=TODAY)
        theirs.items.append(ClaimItem(description="GP", quantity=1, unit_cost=D("4321.99"),
                                      scale_item=gp))
        db.session.commit()
        return SimpleNamespace(own=own.id, child=child.full_name, other=other.id,
                               decided=decided.claim_number, waiting=waiting.claim_number)


def _cells(page: str, category: str) -> list[str]:
    rows = re.findall(rf'<tr data-category="{category}">(.*?)</tr>', page, re.S)
    return [re.findall(r'claimdesk-money">([^<]*)<', row) for row in rows]


def test_the_member_lands_on_his_balance_and_recent_claims(client_for, family):
    page = client_for("member1").get("/").get_data(as_text=True)
    assert "Benefit balance" in page and "Welcome, Halima" in page
    # Member: limit, approved, remaining, in progress; then his child, untouched.
    assert _cells(page, "general") == [["250,000.00", "1,800.00", "248,200.00", "2,500.00"],
                                       ["250,000.00", "0.00", "250,000.00", "0.00"]]
    assert family.child in page
    assert family.decided in page and family.waiting in page
    assert "Submitted" in page and "Approved" in page
    assert "Sentinelson" not in page and "4,321.99" not in page
    assert client_for("member1").get("/my/").get_data(as_text=True).count("Benefit balance") == 1


def test_the_api_gives_the_same_numbers_to_him_and_404_for_anyone_else(client, api_headers,
                                                                      family):
    answer = client.get(f"/api/v1/member/{family.own}/balance", headers=api_headers("member1"))
    assert answer.status_code == 200
    result = answer.get_json()["result"]
    assert [p["relationship"] for p in result["people"]] == ["member", "child"]
    general = next(c for c in result["people"][0]["categories"] if c["category"] == "general")
    assert general == {"category": "general", "name": "General", "limit": "250000.00",
                       "approved": "1800.00", "remaining": "248200.00",
                       "in_progress": "2500.00"}
    assert result["benefit_year"]["start"] == f"{TODAY.year}-01-01"

    for pk in (family.other, 999999, "abc"):
        refused = client.get(f"/api/v1/member/{pk}/balance", headers=api_headers("member1"))
        assert refused.status_code == 404, pk
        assert "Sentinelson" not in refused.get_data(as_text=True)
        assert "4321.99" not in refused.get_data(as_text=True)
    assert client.get(f"/api/v1/member/{family.own}/balance").status_code == 401
    staff = client.get(f"/api/v1/member/{family.own}/balance", headers=api_headers("committee1"))
    assert staff.get_json()["result"] == result


def test_committee_sees_the_same_panel_on_the_members_page(client_for, family):
    page = client_for("committee1").get(f"/members/show/{family.own}").get_data(as_text=True)
    assert "Benefit balance" in page
    assert _cells(page, "general")[0] == ["250,000.00", "1,800.00", "248,200.00", "2,500.00"]
    assert "Create login" not in page  # Admin's action only


def test_staff_without_a_member_record_get_the_ordinary_front_page(client_for, family):
    page = client_for("committee1").get("/").get_data(as_text=True)
    assert "Benefit balance" not in page
    assert client_for("committee1").get("/my/").status_code == 403


def test_a_member_login_without_a_member_record_is_told_so(client_for):
    page = client_for("member2").get("/my/").get_data(as_text=True)
    assert "No member record is linked to your login" in page


def _menu(client, headers) -> dict[str, list[str]]:
    answer = client.get("/api/v1/menu/", headers=headers)
    assert answer.status_code == 200
    # FAB lists separators between entries as plain strings.
    return {entry["name"]: [child["name"] for child in entry.get("childs", [])
                            if isinstance(child, dict)]
            for entry in answer.get_json()["result"]}


def test_the_members_menu_holds_what_he_uses_and_nothing_else(client, client_for,
                                                               api_headers, family):
    assert _menu(client, api_headers("member1")) == {
        "Claims": ["Claims", "Chronic requests", "Payments"],
        "Members": ["Dependents"],
        "My account": ["Home", "Profile", "Change password", "My data"],
    }
    page = client_for("member1").get("/").get_data(as_text=True)
    for entry in ("/claims/list/", "/dependents/list/", "/my/", "/users/userinfo/",
                  "/resetmypassword/form"):
        assert f'href="{entry}"' in page, entry
    for hidden in ("/members/list/", "/claim-items/list/", "/scale", "/providers/list/",
                   "/membership-types", "/settings"):
        assert f'href="{hidden}' not in page, hidden
    # Each entry opens for him.
    member = client_for("member1")
    for url in ("/claims/list/", "/chronic-requests/list/", "/dependents/list/", "/my/",
                "/users/userinfo/", "/resetmypassword/form", "/privacy/mine/",
                "/payments/list/"):
        assert member.get(url).status_code == 200, url


def test_staff_menus_keep_their_screens(client, api_headers):
    menu = _menu(client, api_headers("committee1"))
    assert "Member records" in menu["Members"] and "Scale" in menu["Fund"]
    assert menu["My account"] == ["Profile", "Change password"]
    # Admin, who has no home page of a member, is not offered one either; "My data" is his
    # own copy when his login is linked to a member record (the page says when it is not).
    assert _menu(client, api_headers("admin"))["My account"] == ["Profile", "Change password",
                                                                "My data"]
