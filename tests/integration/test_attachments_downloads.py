"""Downloads only through our endpoint, after the owner record's row rule, with safe headers,
each recorded in the audit trail; images come back without their metadata; previews for
reviewers on the claim's page. On both storage backends."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from app.extensions import db
from app.models import AuditEvent
from tests import hostile_files as h
from tests.integration.attachments_support import api_upload, attachments, web_upload
from tests.integration.web_support import text

# The backend (local, s3), fund and s3_endpoint fixtures.
pytest_plugins = ["tests.integration.attachments_support"]


@pytest.fixture
def receipt(app, backend, fund, member_client):
    """member1's claim with a PDF receipt (for line 1) and a phone photo carrying GPS."""
    response = web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt()),
                          item_id=fund.item_ids[0])
    assert response.status_code == 302
    photo = web_upload(member_client, fund.claim_id, ("IMG_0001.jpg", h.jpeg_with_gps()))
    assert photo.status_code == 302
    pdf, jpeg = attachments(app)
    return pdf.id, jpeg.id


def assert_served_safely(response, content_type: str, name: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def download_events(app) -> list[dict]:
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(
            action="attachment.download").order_by(AuditEvent.id).all()  # in the order written
        return [{"actor": e.actor_name, "id": e.resource_id, **json.loads(e.details)}
                for e in events]


def test_the_owner_downloads_through_the_web_and_each_download_is_audited(
        app, fund, receipt, member_client):
    pdf_id, _ = receipt
    response = member_client.get(f"/attachments/{pdf_id}/download")
    assert_served_safely(response, "application/pdf", "receipt.pdf")
    assert response.data == h.pdf_receipt()
    (event,) = download_events(app)
    assert event["actor"] == "member1" and event["id"] == str(pdf_id)
    assert event["claim_id"] == fund.claim_id and event["name"] == "receipt.pdf"


def test_the_owner_and_committee_download_through_rest(app, fund, receipt, client,
                                                       api_headers):
    pdf_id, _ = receipt
    for username in ("member1", "committee1"):
        response = client.get(f"/api/v1/attachment/{pdf_id}/download",
                              headers=api_headers(username))
        assert_served_safely(response, "application/pdf", "receipt.pdf")
    assert [e["actor"] for e in download_events(app)] == ["member1", "committee1"]


def test_committee_downloads_through_the_web(fund, receipt, committee_client):
    response = committee_client.get(f"/attachments/{receipt[0]}/download")
    assert_served_safely(response, "application/pdf", "receipt.pdf")


def test_another_member_and_anonymous_clients_never_get_the_bytes(app, fund, receipt, client,
                                                                  client_for, api_headers):
    pdf_id, _ = receipt
    secret = h.pdf_receipt()
    other = client_for("member2")
    answers = [
        other.get(f"/attachments/{pdf_id}/download"),
        other.get(f"/attachments/{pdf_id}/thumbnail"),
        client.get(f"/api/v1/attachment/{pdf_id}/download", headers=api_headers("member2")),
        client.get(f"/api/v1/attachment/{pdf_id}", headers=api_headers("member2")),
        app.test_client().get(f"/attachments/{pdf_id}/download"),
        app.test_client().get(f"/api/v1/attachment/{pdf_id}/download"),
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404, 302, 401]
    assert all(secret not in a.data for a in answers)
    listed = client.get("/api/v1/attachment/", headers=api_headers("member2")).get_json()
    assert listed["count"] == 0
    assert download_events(app) == []


def test_gps_position_and_other_metadata_are_gone_after_upload(app, fund, receipt,
                                                               member_client):
    _, jpeg_id = receipt
    assert Image.open(io.BytesIO(h.jpeg_with_gps())).getexif().get_ifd(0x8825)  # it had one
    response = member_client.get(f"/attachments/{jpeg_id}/download")
    assert_served_safely(response, "image/jpeg", "IMG_0001.jpg")
    image = Image.open(io.BytesIO(response.data))
    assert image.getexif().get_ifd(0x8825) == {} and dict(image.getexif()) == {}
    assert b"Exif" not in response.data and b"PhoneMaker" not in response.data


def test_a_polyglot_image_loses_its_script(app, backend, fund, member_client):
    assert web_upload(member_client, fund.claim_id, ("scan.jpg", h.jpeg_with_html_comment())
                      ).status_code == 302
    (row,) = attachments(app)
    served = member_client.get(f"/attachments/{row.id}/download")
    assert served.status_code == 200 and b"<script" not in served.data


def test_a_heic_photo_is_stored_and_served_as_jpeg(app, backend, fund, client, api_headers):
    response = api_upload(client, api_headers("member1"), ("IMG_2040.HEIC", h.heic_photo()),
                          claim=fund.claim_id)
    assert response.status_code == 201
    result = response.get_json()["result"][0]
    assert (result["original_name"], result["content_type"]) == ("IMG_2040.jpg", "image/jpeg")
    served = client.get(f"/api/v1/attachment/{result['id']}/download",
                        headers=api_headers("member1"))
    assert_served_safely(served, "image/jpeg", "IMG_2040.jpg")
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"


def test_reviewers_see_previews_on_the_claim_page_members_see_the_list(
        app, fund, receipt, member_client, committee_client):
    pdf_id, jpeg_id = receipt
    reviewer_page = text(committee_client.get(f"/claims/show/{fund.claim_id}"))
    assert f"/attachments/{pdf_id}/thumbnail" in reviewer_page
    assert f"/attachments/{jpeg_id}/thumbnail" in reviewer_page
    preview = committee_client.get(f"/attachments/{pdf_id}/thumbnail")
    assert preview.status_code == 200 and preview.headers["Content-Type"] == "image/jpeg"
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    rendered = Image.open(io.BytesIO(preview.data))
    assert rendered.format == "JPEG" and max(rendered.size) == 320  # the first page, drawn
    member_page = text(member_client.get(f"/claims/show/{fund.claim_id}"))
    assert "receipt.pdf" in member_page and "IMG_0001.jpg" in member_page
    assert "/thumbnail" not in member_page
    assert "Receipt for line 1" in member_page  # the upload form offers the claim's lines


def test_the_same_receipt_on_another_members_claim_is_flagged_for_the_reviewer_only(
        app, backend, fund, client, api_headers, committee_client, member_client):
    first = api_upload(client, api_headers("member2"), ("receipt.pdf", h.pdf_receipt()),
                       claim=fund.other_claim_id)
    assert first.status_code == 201
    member1 = api_headers("member1")
    second = api_upload(client, member1, ("my receipt.pdf", h.pdf_receipt()),
                        claim=fund.claim_id)
    assert second.status_code == 201
    (uploaded,) = second.get_json()["result"]
    flagged_id = uploaded["id"]
    # The member is never told that someone else sent the same file: not in the upload's
    # answer, the list, the record, its columns, nor by filtering or ordering on the flag.
    assert "flagged_duplicate" not in uploaded
    listed = client.get("/api/v1/attachment/?q=(keys:!(list_columns,label_columns))",
                        headers=member1).get_json()
    assert [row["id"] for row in listed["result"]] == [flagged_id]
    assert "flagged_duplicate" not in json.dumps(listed)
    shown = client.get(f"/api/v1/attachment/{flagged_id}?q=(keys:!(show_columns,label_columns))",
                       headers=member1).get_json()
    assert shown["result"]["original_name"] == "my receipt.pdf"
    assert "flagged_duplicate" not in json.dumps(shown)
    chosen = client.get(f"/api/v1/attachment/{flagged_id}?q=(columns:!(id,flagged_duplicate))",
                        headers=member1)
    assert "flagged_duplicate" not in chosen.get_data(as_text=True)
    for query in ("(filters:!((col:flagged_duplicate,opr:eq,value:!t)))",
                  "(order_column:flagged_duplicate,order_direction:asc)"):
        refused = client.get(f"/api/v1/attachment/?q={query}", headers=member1)
        assert refused.status_code == 400, query
        assert "flagged_duplicate" not in json.dumps(refused.get_json().get("result", ""))
    member_page = text(member_client.get(f"/claims/show/{fund.claim_id}"))
    assert "my receipt.pdf" in member_page
    assert "Same file as on claim" not in member_page and "another member" not in member_page
    # The reviewers see it, on the claim's page and over REST.
    staff = client.get(f"/api/v1/attachment/{flagged_id}", headers=api_headers("committee1"))
    assert staff.get_json()["result"]["flagged_duplicate"] is True
    page = text(committee_client.get(f"/claims/show/{fund.claim_id}"))
    assert "Same file as on claim" in page and "of another member" in page
