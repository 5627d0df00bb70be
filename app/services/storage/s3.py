"""Attachments in S3-compatible object storage (AWS S3, MinIO, Ceph): for several app instances.

Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile,
an instance role), never from the storage URL.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.services.storage import FileStorage, StorageUnavailable, check_key

log = logging.getLogger(__name__)
FAILURES = (BotoCoreError, ClientError)


class S3Storage(FileStorage):
    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, addressing_style: str | None = None,
                 client: Any = None) -> None:
        if not bucket:
            raise ValueError("CLAIMDESK_STORAGE_URL: name the bucket, s3://<bucket>?...")
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        # Path-style addressing by default on a custom endpoint: MinIO and most self-hosted
        # stores do not resolve bucket subdomains.
        style = addressing_style or ("path" if endpoint_url else "auto")
        config = Config(s3={"addressing_style": style}, connect_timeout=5, read_timeout=30,
                        retries={"max_attempts": 3, "mode": "standard"})
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url,
                                             region_name=region, config=config)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                                   ContentType=content_type)
        except FAILURES as error:
            log.error("could not store attachment %s in %s: %s", key, self.bucket, error)
            raise StorageUnavailable() from error

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            return answer["Body"].read()
        except FAILURES as error:
            log.error("could not read attachment %s from %s: %s", key, self.bucket, error)
            raise StorageUnavailable("The file could not be read from the file store.") from error

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except FAILURES as error:
            log.error("could not delete attachment %s from %s: %s", key, self.bucket, error)
            raise StorageUnavailable() from error

    def keys(self) -> Iterator[str]:
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix)
            for page in pages:
                for entry in page.get("Contents", []):
                    yield entry["Key"][len(self.prefix):]
        except FAILURES as error:
            raise StorageUnavailable() from error
