"""Fixtures of the attachment tests: each storage backend (local disk, and S3 against moto's
standalone S3 server on 127.0.0.1), member1's fund with a draft claim, upload helpers."""

from __future__ import annotations

import io
import os
import uuid
from types import SimpleNamespace
from typing import Any, Iterator

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Attachment, AuditEvent
from app.services.storage import EXTENSION_KEY, FileStorage, storage
from tests import factories
from tests.helpers import csrf_token

S3_ENV = {"AWS_ACCESS_KEY_ID": "claimdesk-tests", "AWS_SECRET_ACCESS_KEY": "claimdesk-tests",
          "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 protocol server (moto's) on a free local port, for the whole run."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in S3_ENV}
    os.environ.update(S3_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, app: Flask, tmp_path) -> Iterator[FileStorage]:
    """The app's attachment store for one test: an empty folder, or an empty bucket."""
    saved = (app.config["STORAGE_URL"], app.config["UPLOAD_FOLDER"],
             app.extensions.pop(EXTENSION_KEY, None))
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = f"claimdesk-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
        app.config["STORAGE_URL"] = f"s3://{bucket}/files?endpoint_url={endpoint}&region=us-east-1"
    else:
        app.config["STORAGE_URL"] = ""
        app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    try:
        yield storage(app)
    finally:
        app.config["STORAGE_URL"], app.config["UPLOAD_FOLDER"] = saved[:2]
        app.extensions.pop(EXTENSION_KEY, None)
        if saved[2] is not None:
            app.extensions[EXTENSION_KEY] = saved[2]


@pytest.fixture
def fund(app: Flask) -> SimpleNamespace:
    """member1's record with a draft claim of two items, and member2's record with a claim."""
    with app.app_context():
        member = factories.member(user_id=factories.user_id("member1"))
        claim = factories.claim(of=member, items=2)
        other = factories.member(user_id=factories.user_id("member2"))
        other_claim = factories.claim(of=other, items=1)
        request_ = factories.chronic_request(member)
        db.session.commit()
        return SimpleNamespace(app=app, member_id=member.id, claim_id=claim.id,
                               item_ids=[i.id for i in claim.items], other_claim_id=other_claim.id,
                               request_id=request_.id, claim_number=claim.claim_number)


def web_upload(client: FlaskClient, claim_id: int, *files: tuple[str, bytes],
               item_id: int | None = None):
    """Choose the files on the claim's upload form and press Upload, as a browser would."""
    url = f"/attachments/claim/{claim_id}/upload"
    data: dict[str, Any] = {"csrf_token": csrf_token(client, url),
                            "files": [(io.BytesIO(content), name) for name, content in files]}
    if item_id is not None:
        data["claim_item"] = str(item_id)
    return client.post(url, data=data, content_type="multipart/form-data")


def api_upload(client: FlaskClient, headers: dict, *files: tuple[str, bytes], **owner: Any):
    data: dict[str, Any] = {key: str(value) for key, value in owner.items()}
    data["file"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/api/v1/attachment/", data=data, headers=headers,
                       content_type="multipart/form-data")


def stored_nothing(app: Flask, store: FileStorage) -> bool:
    """No row, no object, no upload in the audit trail."""
    with app.app_context():
        rows = db.session.query(Attachment).count()
        events = db.session.query(AuditEvent).filter_by(action="attachment.upload").count()
    return rows == 0 and events == 0 and list(store.keys()) == []


def attachments(app: Flask) -> list[Attachment]:
    with app.app_context():
        rows = db.session.query(Attachment).order_by(Attachment.id).all()
        db.session.expunge_all()
        return rows

