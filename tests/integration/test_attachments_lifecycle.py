"""Attachments through a claim's life: removal only while the claim is a draft or information
is requested, a receipt file in place of a receipt number, the owner's limits, the chronic
request's evidence, and the store and the database kept in step when either fails."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Attachment, AuditEvent, Claim, ClaimItem
from app.services import attachments as service
from app.services.errors import ValidationFailed
from app.services.lifecycle import perform
from app.services.settings import set_setting
from app.services.storage import StorageUnavailable
from tests import hostile_files as h
from tests.helpers import csrf_token
from tests.integration.attachments_support import (
    api_upload,
    attachments,
    stored_nothing,
    web_upload,
)
from tests.integration.web_support import text

# The backend (local, s3), fund and s3_endpoint fixtures.
pytest_plugins = ["tests.integration.attachments_support"]


def user(username: str):
    return current_app.appbuilder.sm.find_user(username=username)


def set_claim_status(app, claim_id: int, status: str) -> None:
    with app.app_context():
        db.session.get(Claim, claim_id).status = status
        db.session.commit()


def remove_through_page(client, claim_id: int, attachment_id: int):
    token = csrf_token(client, f"/claims/show/{claim_id}")
    return client.post(f"/attachments/{attachment_id}/remove", data={"csrf_token": token},
                       follow_redirects=True)


@pytest.mark.parametrize("status", ["draft", "info_requested"])
def test_a_member_removes_his_file_while_the_claim_is_open(app, backend, fund, member_client,
                                                           status):
    web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt()))
    (row,) = attachments(app)
    set_claim_status(app, fund.claim_id, status)
    page = remove_through_page(member_client, fund.claim_id, row.id)
    assert page.status_code == 200 and "receipt.pdf was removed." in text(page)
    assert attachments(app) == [] and list(backend.keys()) == []
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="attachment.delete").count() == 1


def test_after_submission_files_are_kept(app, backend, fund, member_client, client,
                                         api_headers):
    web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt()))
    (row,) = attachments(app)
    set_claim_status(app, fund.claim_id, "submitted")
    page = text(remove_through_page(member_client, fund.claim_id, row.id))
    assert "is submitted: files can be removed only while it is a draft" in page
    assert "Remove</button>" not in page
    by_api = client.delete(f"/api/v1/attachment/{row.id}", headers=api_headers("member1"))
    assert by_api.status_code == 409 and "a correction is a new file" in by_api.get_json()[
        "message"]
    assert len(attachments(app)) == 1 and len(list(backend.keys())) == 2
    # ... and the member adds none either, while the committee still may.
    assert 'type="file"' not in text(member_client.get(f"/claims/show/{fund.claim_id}"))
    refused = api_upload(client, api_headers("member1"), ("more.pdf", h.pdf_receipt("R-2")),
                         claim=fund.claim_id)
    assert refused.status_code == 409
    assert "files can be added only while" in refused.get_json()["message"]
    officer = api_upload(client, api_headers("committee1"), ("letter.png", h.image("PNG")),
                         claim=fund.claim_id)
    assert officer.status_code == 201


def test_another_member_cannot_remove_a_file_and_the_api_removes_the_owners(
        app, backend, fund, member_client, client, api_headers):
    web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt()))
    (row,) = attachments(app)
    assert client.delete(f"/api/v1/attachment/{row.id}",
                         headers=api_headers("member2")).status_code == 404
    assert client.delete(f"/api/v1/attachment/{row.id}",
                         headers=api_headers("finance")).status_code == 403
    answer = client.delete(f"/api/v1/attachment/{row.id}", headers=api_headers("member1"))
    assert answer.status_code == 200 and answer.get_json() == {"message": "Deleted."}
    assert attachments(app) == [] and list(backend.keys()) == []


def test_an_attached_receipt_stands_in_for_a_receipt_number(app, backend, fund, client,
                                                            api_headers):
    with app.app_context():
        for item in db.session.scalars(sa.select(ClaimItem).where(
                ClaimItem.id.in_(fund.item_ids))):
            item.receipt_number = None
        db.session.commit()
        with pytest.raises(ValidationFailed) as refused:
            perform(fund.claim_id, "submit", user("member1"), declaration=True)
        assert refused.value.errors["items"] == (
            "Every item needs a receipt number or an attached receipt (line 1, 2).")
    for number, item_id in enumerate(fund.item_ids):
        response = api_upload(client, api_headers("member1"),
                              (f"line{number}.pdf", h.pdf_receipt(f"R-{number}")),
                              claim=fund.claim_id, claim_item=item_id)
        assert response.status_code == 201
        assert response.get_json()["result"][0]["claim_item"] == {"id": item_id}
    with app.app_context():
        claim = perform(fund.claim_id, "submit", user("member1"), declaration=True)
        assert claim.status == "submitted"


def test_an_item_of_another_claim_is_refused(app, backend, fund, client, api_headers):
    with app.app_context():
        other_item = db.session.scalars(sa.select(ClaimItem.id).where(
            ClaimItem.claim_id == fund.other_claim_id)).first()
    response = api_upload(client, api_headers("committee1"), ("r.pdf", h.pdf_receipt()),
                          claim=fund.claim_id, claim_item=other_item)
    assert response.status_code == 422
    assert response.get_json()["message"] == {"claim_item": ["Choose one of the claim's own "
                                                             "items."]}
    assert stored_nothing(app, backend)


def test_the_claims_limits_on_count_and_total_size(app, backend, fund, member_client):
    with app.app_context():
        set_setting("max_claim_files", 2)
        set_setting("max_claim_files_mb", 1)
        db.session.commit()
    big = h.pdf(page_content=b"% " + b"x" * 700_000)
    assert web_upload(member_client, fund.claim_id, ("a.pdf", big)).status_code == 302
    too_much = web_upload(member_client, fund.claim_id,
                          ("b.pdf", h.pdf(page_content=b"% " + b"y" * 700_000)))
    assert too_much.status_code == 413
    assert "may add up to at most 1 MB" in text(too_much)
    assert web_upload(member_client, fund.claim_id, ("c.png", h.image("PNG"))).status_code == 302
    too_many = web_upload(member_client, fund.claim_id, ("d.pdf", h.pdf_receipt()))
    assert too_many.status_code == 422 and "may have at most 2 files; it has 2." in text(too_many)
    assert len(attachments(app)) == 2 and len(list(backend.keys())) == 4


def test_the_chronic_requests_evidence_is_uploaded_on_its_page(app, backend, fund,
                                                               member_client, committee_client):
    url = f"/attachments/chronic-request/{fund.request_id}/upload"
    response = member_client.post(url, data={
        "csrf_token": csrf_token(member_client, f"/chronic-requests/show/{fund.request_id}"),
        "files": [(io.BytesIO(h.pdf_receipt("Dr's letter")), "letter.pdf"),
                  (io.BytesIO(h.image("WEBP")), "prescription.webp")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(committee_client.get(f"/chronic-requests/show/{fund.request_id}"))
    assert "letter.pdf" in page and "prescription.webp" in page and "/thumbnail" in page
    assert [a.chronic_request_id for a in attachments(app)] == [fund.request_id] * 2


def test_a_claim_with_files_is_not_deleted_under_them(app, backend, fund, member_client,
                                                    admin_client):
    web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt()))
    token = csrf_token(admin_client, "/claims/list/")
    page = admin_client.post(f"/claims/delete/{fund.claim_id}", data={"csrf_token": token},
                              follow_redirects=True)
    assert "1 attachment refer to it" in text(page)
    assert len(attachments(app)) == 1


def test_a_failed_database_write_removes_the_stored_objects(app, backend, fund, monkeypatch):
    def broken_commit() -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("database went away"))

    with app.test_request_context():
        owner = service.find_owner(user("member1"), claim_id=fund.claim_id)
        monkeypatch.setattr(db.session, "commit", broken_commit)
        with pytest.raises(sa.exc.OperationalError):
            service.attach(owner, [service.Upload("receipt.pdf", io.BytesIO(
                h.pdf_receipt()))], user("member1"))
        monkeypatch.undo()
        db.session.remove()
    assert stored_nothing(app, backend)


def test_a_failed_store_writes_no_row(app, backend, fund, client, api_headers, monkeypatch):
    calls = []

    def failing_put(key: str, data: bytes, content_type: str) -> None:
        calls.append(key)
        if len(calls) == 3:  # the second file's object: the first file's are already stored
            raise StorageUnavailable()
        original(key, data, content_type)

    original = backend.put
    monkeypatch.setattr(backend, "put", failing_put)
    response = api_upload(client, api_headers("member1"), ("a.pdf", h.pdf_receipt("A")),
                          ("b.pdf", h.pdf_receipt("B")), claim=fund.claim_id)
    assert response.status_code == 503
    assert response.get_json() == {"message": "The file store is unavailable: try again in a "
                                              "moment."}
    assert stored_nothing(app, backend)
    with app.app_context():
        assert db.session.query(Attachment).count() == 0
