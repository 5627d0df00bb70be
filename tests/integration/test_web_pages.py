"""Every screen opens for the Admin, with its nice URL, and each menu group is there."""

import pytest

LIST_URLS = ["/claims", "/claim-items", "/chronic-requests", "/members", "/dependents",
             "/membership-types", "/benefit-categories", "/scale", "/providers", "/provider-rates",
             "/chronic-medicines", "/settings", "/audit"]


@pytest.mark.parametrize("base", LIST_URLS)
def test_admin_opens_list_and_add(admin_client, base):
    page = admin_client.get(f"{base}/list/")
    assert page.status_code == 200, base
    add = admin_client.get(f"{base}/add")
    assert add.status_code == (404 if base == "/audit" else 200), base


def test_menus_lead_to_the_screens_a_role_may_read(admin_client, member_client):
    admin_page = admin_client.get("/claims/list/").get_data(as_text=True)
    for group in ("Claims", "Members", "Fund", "Audit"):
        assert f"{group}<b" in admin_page.replace(" ", "").replace("\n", ""), group
    for link in ("/claims/list/", "/members/list/", "/scale/list/", "/settings/list/",
                 "/audit/list/"):
        assert f'href="{link}"' in admin_page, link
    member_page = member_client.get("/claims/list/").get_data(as_text=True)
    assert 'href="/claims/list/"' in member_page
    assert 'href="/settings/list/"' not in member_page and 'href="/audit/list/"' not in member_page
