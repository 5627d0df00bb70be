"""The hostile corpus through the claim's upload form and through REST, on both storage
backends: each file is refused with its status and message, and nothing is stored (no row, no
object, no audit event). Names with tricks are cleaned; a duplicate is refused."""

from __future__ import annotations

import pytest

from tests import hostile_files as h
from tests.integration.attachments_support import (
    api_upload,
    attachments,
    stored_nothing,
    web_upload,
)
from tests.integration.web_support import text

# The backend (local, s3), fund and s3_endpoint fixtures.
pytest_plugins = ["tests.integration.attachments_support"]

OVERSIZED = b"%PDF-1.7\n" + bytes(10 * h.MB)  # one byte over the default 10 MB
ACCEPTED = "PDF, JPEG image, PNG image, WebP image or HEIC/HEIF photo"
CORPUS = [
    ("oversized", "scan.pdf", OVERSIZED, 413, "larger than 10 MB"),
    ("empty", "receipt.pdf", b"", 422, "The file is empty."),
    ("pdf bomb", "report.pdf", h.pdf_bomb(), 413, "expands to more than 256 MB"),
    ("image bomb", "photo.png", h.png_bomb(), 413, "at most 50 million pixels"),
    ("png named pdf", "receipt.pdf", h.image("PNG"), 415,
     "holds a PNG image but its name ends in .pdf"),
    ("javascript", "receipt.pdf", h.pdf_with_javascript(), 422, "contains JavaScript"),
    ("launch action", "receipt.pdf", h.pdf_with_launch_action(), 422, "starts a program"),
    ("embedded file", "receipt.pdf", h.pdf_with_embedded_file(), 422, "embedded files"),
    ("encrypted", "receipt.pdf", h.encrypted_pdf(), 422, "encrypted or protected by a password"),
    ("damaged", "receipt.pdf", h.damaged_pdf(), 422, "damaged or not a real PDF"),
    ("svg", "drawing.svg", h.SVG, 415, f"not accepted: send a {ACCEPTED}"),
    ("html polyglot", "receipt.pdf", h.HTML_POLYGLOT, 415, "not accepted"),
    ("right-to-left override", "receipt\u202efdp.exe", h.pdf_receipt(), 415,
     "name ends in .exe"),
    ("no extension", "receipt", h.pdf_receipt(), 415, "name ends in no extension"),
]
IDS = [case[0] for case in CORPUS]


@pytest.mark.parametrize(("case", "name", "content", "status", "message"), CORPUS, ids=IDS)
def test_hostile_file_through_the_form_is_refused_and_nothing_stored(
        app, backend, fund, member_client, case, name, content, status, message):
    response = web_upload(member_client, fund.claim_id, (name, content))
    assert response.status_code == status
    page = text(response)
    assert message in page and "No files yet." in page
    assert stored_nothing(app, backend)


@pytest.mark.parametrize(("case", "name", "content", "status", "message"), CORPUS, ids=IDS)
def test_hostile_file_through_rest_is_refused_and_nothing_stored(
        app, backend, fund, client, api_headers, case, name, content, status, message):
    response = api_upload(client, api_headers("member1"), (name, content), claim=fund.claim_id)
    assert response.status_code == status
    assert message in response.get_json()["message"]
    assert stored_nothing(app, backend)


def test_one_bad_file_among_several_refuses_them_all(app, backend, fund, member_client):
    response = web_upload(member_client, fund.claim_id, ("good.pdf", h.pdf_receipt()),
                          ("bad.pdf", h.pdf_with_javascript()))
    assert response.status_code == 422
    assert "bad.pdf: The PDF contains JavaScript" in text(response)
    assert stored_nothing(app, backend)


@pytest.mark.parametrize("name", ["../../../etc/receipt.pdf", "..\\..\\windows\\receipt.pdf",
                                  "/var/lib/claimdesk/uploads/receipt.pdf",
                                  "rece\u200bipt\x00\x1b[31m.pdf"])
def test_path_parts_and_control_characters_are_cut_from_names(app, backend, fund, client,
                                                               api_headers, name):
    response = api_upload(client, api_headers("member1"), (name, h.pdf_receipt()),
                          claim=fund.claim_id)
    assert response.status_code == 201, response.get_json()
    stored = response.get_json()["result"][0]["original_name"]
    # (the test client does not escape backslashes in the part's header: they arrive eaten)
    assert stored in ("receipt.pdf", "receipt[31m.pdf", "windowsreceipt.pdf")
    assert "/" not in stored and "\\" not in stored and "\x00" not in stored
    # The object is kept under a random key, never under anything the client named.
    (row,) = attachments(app)
    assert sorted(backend.keys()) == sorted([row.storage_key, row.thumbnail_key])
    assert "receipt" not in row.storage_key


def test_very_long_names_are_shortened_keeping_the_extension(app, backend, fund, client,
                                                             api_headers):
    response = api_upload(client, api_headers("member1"), ("a" * 400 + ".pdf", h.pdf_receipt()),
                          claim=fund.claim_id)
    assert response.status_code == 201
    name = response.get_json()["result"][0]["original_name"]
    assert len(name) == 120 and name.endswith(".pdf")


def test_the_same_file_twice_on_one_claim_is_refused_as_a_duplicate(app, backend, fund,
                                                                     member_client, client,
                                                                     api_headers):
    assert web_upload(member_client, fund.claim_id, ("receipt.pdf", h.pdf_receipt())
                      ).status_code == 302
    again = web_upload(member_client, fund.claim_id, ("copy of receipt.pdf", h.pdf_receipt()))
    assert again.status_code == 409
    assert "already attached to the claim" in text(again)
    by_api = api_upload(client, api_headers("member1"), ("again.pdf", h.pdf_receipt()),
                        claim=fund.claim_id)
    assert by_api.status_code == 409 and "already attached" in by_api.get_json()["message"]
    both = web_upload(member_client, fund.claim_id, ("a.png", h.image("PNG")),
                      ("b.png", h.image("PNG")))
    assert both.status_code == 409
    (row,) = attachments(app)
    assert len(list(backend.keys())) == 2  # the first file and its preview only


def test_the_api_refuses_requests_of_the_wrong_form(app, backend, fund, client, api_headers):
    headers = api_headers("member1")
    as_json = client.post("/api/v1/attachment/", json={"claim": fund.claim_id}, headers=headers)
    assert as_json.status_code == 400 and "multipart/form-data" in as_json.get_json()["message"]
    no_file = api_upload(client, headers, claim=fund.claim_id)
    assert no_file.status_code == 400 and "file" in no_file.get_json()["message"]
    no_owner = api_upload(client, headers, ("receipt.pdf", h.pdf_receipt()))
    assert no_owner.status_code == 400 and "claim" in no_owner.get_json()["message"]
    bad_id = api_upload(client, headers, ("receipt.pdf", h.pdf_receipt()), claim="1 OR 1=1")
    assert bad_id.status_code == 400
    others = api_upload(client, headers, ("receipt.pdf", h.pdf_receipt()),
                        claim=fund.other_claim_id)
    assert others.status_code == 404
    assert stored_nothing(app, backend)
