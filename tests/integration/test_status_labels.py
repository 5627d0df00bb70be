"""Pages show a claim's status by its label ("Under review"), as the dashboard does: the claim's
page, the lists, the status filter, the status history and the member's home page. REST keeps
the stored value (under_review)."""

from __future__ import annotations

import re

import pytest
from flask import current_app

from app.extensions import db
from app.services.lifecycle import perform
from tests import factories
from tests.integration.web_support import text


@pytest.fixture
def claims(app) -> dict:
    """member1's claim under review and his draft."""
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        reviewed = factories.claim(of=member)
        draft = factories.claim(of=member)
        db.session.commit()
        sm = current_app.appbuilder.sm
        perform(reviewed.id, "submit", sm.find_user(username="member1"), declaration=True)
        perform(reviewed.id, "start_review", sm.find_user(username="committee1"))
        return {"reviewed": reviewed.id, "draft": draft.id,
                "reviewed_number": reviewed.claim_number, "draft_number": draft.claim_number}


def status_cell(page: str) -> str:
    """The value beside the "Status" label of FAB's show widget."""
    found = re.search(r"<th[^>]*>\s*Status\s*</th>\s*<td[^>]*>\s*(.*?)\s*</td>", page, re.S)
    assert found, "no Status row"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize("username", ["member1", "committee1"])
def test_the_claim_page_and_list_show_the_label(client_for, claims, username):
    web = client_for(username)
    page = text(web.get(f"/claims/show/{claims['reviewed']}"))
    assert status_cell(page) == "Under review"
    history = page.split("claimdesk-status-history", 1)[1].split("</table>", 1)[0]
    assert "<td>Submitted</td>" in history and "<td>Under review</td>" in history
    listed = text(web.get("/claims/list/"))
    assert "Under review" in listed and "Draft" in listed
    shown = re.sub(r"<script.*?</script>|<[^>]+>", "", listed, flags=re.S)
    assert "under_review" not in shown


def test_the_status_filter_offers_labels_and_filters_by_the_value(client_for, claims):
    web = client_for("committee1")
    # FAB's filter widgets travel as JSON in the page's script.
    listed = text(web.get("/claims/list/")).replace("\\u003c", "<").replace(
        "\\u003e", ">").replace('\\"', '"')
    assert '<option value="under_review">Under review</option>' in listed
    assert '<option value="draft">Draft</option>' in listed
    filtered = text(web.get("/claims/list/?_flt_0_status=under_review"))
    assert claims["reviewed_number"] in filtered and claims["draft_number"] not in filtered
    # The reviewer's queue filters the same way.
    queue = text(web.get("/my-queue/list/")).replace("\\u003c", "<").replace(
        "\\u003e", ">").replace('\\"', '"')
    assert '<option value="under_review">Under review</option>' in queue


def test_home_shows_labels_and_rest_keeps_values(client, client_for, api_headers, claims):
    home = text(client_for("member1").get("/my/"))
    cells = re.findall(r'<td class="claim-status">([^<]*)</td>', home)
    assert sorted(cells) == ["Draft", "Under review"]
    claim = client.get(f"/api/v1/claim/{claims['reviewed']}", headers=api_headers("member1"))
    assert claim.get_json()["result"]["status"] == "under_review"
