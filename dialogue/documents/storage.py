"""Where the files of documents are kept: a storage backend of advanced-alchemy's file
storage (`ObstoreBackend`, on the obstore library), the local filesystem by default or an
S3-compatible object store by configuration (DIALOGUE_STORAGE_URL=s3://bucket and the
DIALOGUE_STORAGE_* variables, see dialogue/settings.py).

A file is written first, under a fresh key, and its row afterwards: `staged` deletes the
object again when the database step fails, so a refused or interrupted upload leaves
neither a row nor a file.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from advanced_alchemy.types.file_object import FileObject
from advanced_alchemy.types.file_object.backends.obstore import ObstoreBackend
from litestar.di import NamedDependency
from obstore.exceptions import NotFoundError
from obstore.store import LocalStore, S3Store

from dialogue.settings import Settings

# Chunks of a download as they come from the store (obstore's default is 10 MB).
CHUNK = 256 * 1024


class MissingFile(Exception):
    """The row names a file the storage does not have (restored from an archive without its
    files, or removed by hand)."""


def _store(settings: Settings) -> Any:
    url = settings.storage_location
    parts = urlsplit(url)
    if parts.scheme == "s3":
        options: dict[str, Any] = {}
        if settings.storage_endpoint:
            options["endpoint"] = settings.storage_endpoint
        if settings.storage_region:
            options["region"] = settings.storage_region
        if settings.storage_access_key:
            options["access_key_id"] = settings.storage_access_key
            options["secret_access_key"] = settings.storage_secret_key
        allow_http = settings.storage_endpoint.startswith("http://")
        return S3Store(
            parts.netloc,
            prefix=parts.path.strip("/") or None,
            client_options={"allow_http": allow_http},
            **options,
        )
    path = Path(parts.path if parts.scheme == "file" else url)
    return LocalStore(path, mkdir=True)


class DocumentStorage:
    """The files of documents, by key."""

    def __init__(self, backend: ObstoreBackend) -> None:
        self.backend = backend

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentStorage:
        return cls(ObstoreBackend(key="documents", fs=_store(settings)))

    @staticmethod
    def new_key(extension: str) -> str:
        """A key no other file has: random, so that nothing in it comes from the person."""
        return f"documents/{secrets.token_hex(16)}.{extension}"

    async def put(self, key: str, content: bytes, media_type: str) -> None:
        file = FileObject(backend=self.backend, filename=key, content_type=media_type)
        await self.backend.save_object_async(file, content)

    async def delete(self, key: str) -> None:
        try:
            await self.backend.delete_object_async(key)
        except (NotFoundError, FileNotFoundError):
            return

    async def exists(self, key: str) -> bool:
        try:
            await self.backend.fs.head_async(key)
        except (NotFoundError, FileNotFoundError):
            return False
        return True

    async def read(self, key: str) -> bytes:
        try:
            return await self.backend.get_content_async(key)
        except (NotFoundError, FileNotFoundError) as error:
            raise MissingFile(key) from error

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        """The file in chunks; `MissingFile` before the first chunk if there is none."""
        try:
            result = await self.backend.fs.get_async(key)
        except (NotFoundError, FileNotFoundError) as error:
            raise MissingFile(key) from error

        async def chunks() -> AsyncIterator[bytes]:
            async for chunk in result.stream(min_chunk_size=CHUNK):
                yield bytes(chunk)

        return chunks()

    @asynccontextmanager
    async def staged(self, content: bytes, media_type: str, extension: str) -> AsyncIterator[str]:
        """Store `content` under a fresh key and give the key; if the block fails (the
        database step, a cancelled request), the file is deleted again."""
        key = self.new_key(extension)
        await self.put(key, content, media_type)
        try:
            yield key
        except BaseException:
            await self.delete(key)
            raise


# Handler parameter injected by name: `storage: Storage`.
Storage = NamedDependency[DocumentStorage]
