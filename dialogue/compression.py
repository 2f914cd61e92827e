"""Answers compressed for a slow line: pages, HTMX fragments, the API, CSV and calendar
files, with brotli when the browser takes it, else gzip. Static files come compressed
already (dialogue/static_files.py); PDF, Word and spreadsheet files are compressed inside
(zip, PDF streams), so compressing them again would cost time and save nothing."""

from __future__ import annotations

from litestar.config.compression import CompressionConfig
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import Message, Receive, Scope, Send

from dialogue.static_files import accepted_encoding

# Below this an answer fits in a packet or two: compressing it saves no round trip.
MINIMUM_SIZE = 1024
ALREADY_COMPRESSED = (
    "application/pdf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.",
    "application/gzip",
    "image/png",
    "image/jpeg",
    "image/webp",
    "font/",
)


class Compression(CompressionMiddleware):
    """Litestar's compression, with Accept-Encoding read as RFC 9110 says (`br;q=0` refuses
    brotli) and answers that are compressed already passed through untouched."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        encoding = accepted_encoding(Headers.from_scope(scope).get("accept-encoding", ""))
        if encoding is None:
            await self.app(scope, receive, send)
            return
        compressing = self.create_compression_send_wrapper(send=send, compression_encoding=encoding, scope=scope)
        untouched = False

        async def send_wrapper(message: Message) -> None:
            nonlocal untouched
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                kind = headers.get("content-type", "")
                untouched = "content-encoding" in headers or kind.startswith(ALREADY_COMPRESSED)
            await (send if untouched else compressing)(message)

        await self.app(scope, receive, send_wrapper)


def compression_middleware() -> DefineMiddleware:
    """Among the application's middleware (app.py), outside the page cache; not Litestar's
    `compression_config`, which would sit inside it."""
    return DefineMiddleware(Compression, config=compression_config())


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        backend="brotli",
        # The demo's dashboard (17.6 KB), best of 7 here: brotli 4 gives 4.3 KB in 0.44 ms,
        # gzip 6 4.4 KB in 0.29 ms, brotli 5 4.1 KB in 1 ms: a page costs a few hundred
        # microseconds more, not a millisecond.
        brotli_quality=4,
        gzip_compress_level=6,
        minimum_size=MINIMUM_SIZE,
        middleware_class=Compression,
        # /static/ answers with its own compressed copies.
        exclude=["^/static/"],
    )
