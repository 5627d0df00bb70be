"""The storage URL and keys: which backend a URL opens, and that no key a client could shape
ever reaches a path or an object name."""

from __future__ import annotations

import pytest

from app.services.storage import check_key, new_key, open_storage, thumbnail_key
from app.services.storage.local import LocalStorage
from app.services.storage.s3 import S3Storage


def test_an_empty_url_keeps_files_in_the_upload_folder(tmp_path):
    store = open_storage("", str(tmp_path))
    assert isinstance(store, LocalStorage) and store.root == tmp_path.resolve()


def test_an_s3_url_names_bucket_prefix_endpoint_and_region():
    store = open_storage("s3://fund-files/claims?endpoint_url=http://minio:9000&region=eu-west-1",
                         "/unused")
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix) == ("fund-files", "claims/")
    assert store.client.meta.endpoint_url == "http://minio:9000"
    assert store.client.meta.region_name == "eu-west-1"


def test_an_unknown_scheme_is_a_configuration_error():
    with pytest.raises(ValueError, match="unknown scheme 'ftp'"):
        open_storage("ftp://files", "/unused")


def test_keys_are_random_and_nothing_else_is_a_key(tmp_path):
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100 and all(check_key(k) and check_key(thumbnail_key(k)) for k in keys)
    store = LocalStorage(tmp_path)
    for bad in ("../../etc/passwd", "receipt.pdf", "A" * 32, new_key() + "/x", ""):
        with pytest.raises(ValueError):
            store.put(bad, b"x", "application/pdf")
    assert list(store.keys()) == []


def test_local_files_round_trip_and_deleting_twice_is_no_error(tmp_path):
    store = LocalStorage(tmp_path / "uploads")
    key = new_key()
    store.put(key, b"%PDF-1.7", "application/pdf")
    assert store.get(key) == b"%PDF-1.7" and list(store.keys()) == [key]
    assert (tmp_path / "uploads" / key[:2] / key).is_file()
    store.delete(key)
    store.delete(key)
    assert list(store.keys()) == []
