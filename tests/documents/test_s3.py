"""The S3 path: documents stored in a real S3-compatible server (moto's, started on a free
port of this machine for these tests), through the same pages."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from dialogue.documents import service
from dialogue.settings import Settings
from tests.documents import samples
from tests.documents.test_documents import arrange, count, documents_of, upload

moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed: the S3 tests need its server")
boto3 = pytest.importorskip("boto3", reason="boto3 (installed with moto) is needed to look into the bucket")

BUCKET = "dialogue-documents"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> Any:
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    return client


def keys(bucket: Any) -> set[str]:
    return {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str) -> Settings:
    return dataclasses.replace(
        settings,
        storage_url=f"s3://{BUCKET}",
        storage_endpoint=s3_endpoint,
        storage_region="us-east-1",
        storage_access_key="test",
        storage_secret_key="test",
    )


async def test_documents_go_to_the_bucket_and_come_back(
    english: AsyncTestClient[Any], db: AsyncSession, bucket: Any
) -> None:
    world = await arrange(db)
    content = samples.docx_file()
    response = await upload(english, f"/meetings/{world['meeting'].id}/documents", "projet.docx", content)
    assert response.status_code == 303, response.text
    (document,) = await documents_of(db)
    download = await english.get(f"/documents/{document.id}/file")
    assert download.status_code == 200 and download.content == content
    stored = [key for key in keys(bucket) if key.endswith(".docx")]
    assert stored and any(bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == content for key in stored)


async def test_a_refused_or_failed_upload_leaves_nothing_in_the_bucket(
    english: AsyncTestClient[Any], db: AsyncSession, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await arrange(db)
    before = keys(bucket)
    url = f"/meetings/{world['meeting'].id}/documents"
    assert (await upload(english, url, "setup.pdf", samples.exe())).status_code == 422

    async def fails(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "add_document", fails)
    assert (await upload(english, url, "a.pdf", samples.pdf())).status_code == 500
    assert keys(bucket) == before
    assert await count(db, service.Document) == 0
