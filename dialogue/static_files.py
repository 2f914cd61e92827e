"""The static files: what a page needs besides itself, made cheap on a slow line.

- Every page loads one stylesheet (`app.css`) and one script (`app.js`), each the sources of
  `dialogue/static` joined in the order of `BUNDLES`, plus the icon.
- Pages name a file by `static_url("app.css")` (a Jinja global), which gives an address with
  its content's hash in it (`/static/app.3f9a1c2e07.css`): the browser keeps it for a year
  and never asks again; a changed file gets a new name.
- The app serves these files from memory, compressed with brotli or gzip when the browser
  takes it (each file compressed once), with no database and no session: the
  authentication middleware skips /static/ and this handler reads nothing else.
- `dialogue static-files FOLDER` writes the same files, with their `.br` and `.gz` copies,
  for a proxy to serve from disk (deploy/Caddyfile, deploy/Dockerfile).

The names without a hash (`/static/dialogue.css`, `/static/htmx-2.0.11.min.js`) still answer,
cached for an hour, so that a page rendered before an upgrade keeps its look.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import brotli
from litestar import asgi
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.handlers import ASGIRouteHandler
from litestar.response.base import ASGIResponse
from litestar.types import Guard, Receive, Scope, Send

from dialogue import accept
from dialogue.settings import ROOT

SOURCE = ROOT / "dialogue" / "static"
PREFIX = "/static/"

# One stylesheet and one script for every page. The order is the cascade's (CSS) and the
# order the scripts ran in as separate `defer` scripts (htmx first: the others use it).
BUNDLES: dict[str, tuple[str, ...]] = {
    "app.css": (
        "dialogue.css",
        "css/people.css",
        "css/meetings.css",
        "css/agenda.css",
        "css/commitments.css",
        "css/dashboard.css",
        "css/mail.css",
        "css/minutes.css",
        "css/listing.css",
        "css/drafts.css",
        "css/reports.css",
        "css/bilingual.css",
        "css/calendar.css",
    ),
    "app.js": ("htmx-2.0.11.min.js", "drafts.js", "errors.js", "address.js", "copy.js"),
}
# Between two scripts, a `;`: a file ending without one, followed by one starting with `(`,
# would otherwise call the first's last value.
JOINERS = {".css": b"\n", ".js": b"\n;\n"}

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
HASH_LENGTH = 10
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
COMPRESSIBLE = ("text/", "image/svg+xml", "application/json")
# Brotli's best quality takes 0.3 s for the app's script but 16 s for Swagger UI's 1.7 MB,
# which quality 5 does in 0.5 s, 12% bigger.
BIG = 512 * 1024
ENCODINGS = {"br": ".br", "gzip": ".gz"}


def media_type(name: str) -> str:
    suffix = Path(name).suffix
    if suffix in MEDIA_TYPES:
        return MEDIA_TYPES[suffix]
    if not suffix:  # LICENSE, NOTICE, VERSION
        return "text/plain"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def compress(body: bytes, encoding: str) -> bytes:
    """`body` compressed the way `encoding` ("br" or "gzip") names, reproducibly."""
    if encoding == "br":
        return brotli.compress(body, quality=11 if len(body) <= BIG else 5, mode=brotli.MODE_TEXT)
    return gzip.compress(body, compresslevel=9, mtime=0)


@dataclass(frozen=True)
class Asset:
    """One file as served: its bytes, their hash, and its name with the hash in it."""

    name: str
    body: bytes
    digest: str
    media_type: str

    @property
    def fingerprinted(self) -> str:
        path = Path(self.name)
        return str(path.with_name(f"{path.stem}.{self.digest}{path.suffix}"))

    @property
    def compressible(self) -> bool:
        return self.media_type.startswith(COMPRESSIBLE)


# Compressed bodies by (content hash, encoding): the same bytes compress the same way, so
# every app in the process (tests build many) shares the work.
_compressed: dict[tuple[str, str], bytes] = {}


async def compressed(asset: Asset, encoding: str) -> bytes:
    key = (asset.digest, encoding)
    if key not in _compressed:
        # Once per file and process, in a thread: the server keeps answering meanwhile.
        _compressed[key] = await anyio.to_thread.run_sync(compress, asset.body, encoding)
    return _compressed[key]


class StaticFiles:
    """The files of `source` and the bundles made of them. With `watch` (development), read
    again when a source changes (a stylesheet edited while `dialogue run` serves gets a new
    address at once); without (production: files change only with a release, which restarts
    the server), read once, and no page render asks the disk."""

    def __init__(
        self, source: Path = SOURCE, bundles: dict[str, tuple[str, ...]] = BUNDLES, *, watch: bool = True
    ) -> None:
        self.source = source
        self.watch = watch
        files = {path.relative_to(source).as_posix(): (path,) for path in sorted(source.rglob("*")) if path.is_file()}
        self.sources: dict[str, tuple[Path, ...]] = {
            **files,
            **{name: tuple(source / part for part in parts) for name, parts in bundles.items()},
        }
        self._read: dict[str, tuple[tuple[tuple[int, int], ...], Asset]] = {}

    def names(self) -> list[str]:
        return list(self.sources)

    def asset(self, name: str) -> Asset | None:
        paths = self.sources.get(name)
        if paths is None:
            return None
        known = self._read.get(name)
        if known is not None and not self.watch:
            return known[1]
        try:
            stamp = tuple((stat.st_mtime_ns, stat.st_size) for stat in (path.stat() for path in paths))
        except FileNotFoundError:
            return None
        if known is not None and known[0] == stamp:
            return known[1]
        joiner = JOINERS.get(Path(name).suffix, b"\n")
        body = (
            joiner.join(path.read_bytes().rstrip(b"\n") for path in paths) if len(paths) > 1 else paths[0].read_bytes()
        )
        asset = Asset(name, body, hashlib.sha256(body).hexdigest()[:HASH_LENGTH], media_type(name))
        self._read[name] = (stamp, asset)
        return asset

    def url(self, name: str) -> str:
        """The address of `name` (a path under dialogue/static, or a bundle) with its hash."""
        asset = self.asset(name)
        if asset is None:
            raise LookupError(f"no static file {name!r} in {self.source}")
        return PREFIX + asset.fingerprinted

    def find(self, path: str) -> tuple[Asset, bool] | None:
        """The file at `path` (under /static/) and whether its address names this very
        content (then it may be kept for a year). An out-of-date hash (a page from before an
        upgrade) gets today's file, cached briefly."""
        asset = self.asset(path)
        if asset is not None:
            return asset, False
        match = FINGERPRINTED.match(path)
        if match is None:
            return None
        asset = self.asset(match["stem"] + match["suffix"])
        if asset is None:
            return None
        return asset, asset.digest == match["digest"]

    def write(self, folder: Path) -> int:
        """Write every file under its name and its fingerprinted name, each compressible one
        with a `.br` and a `.gz` copy, into `folder`; return the number of files written."""
        written = 0
        for name in self.names():
            asset = self.asset(name)
            assert asset is not None  # listed a moment ago
            variants = {"": asset.body}
            if asset.compressible:
                variants |= {
                    suffix: body
                    for encoding, suffix in ENCODINGS.items()
                    if len(body := compress(asset.body, encoding)) < len(asset.body)
                }
            for target in {name, asset.fingerprinted}:
                for suffix, body in variants.items():
                    path = folder / (target + suffix)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(body)
                    written += 1
        return written


def accepted_encoding(accept_encoding: str) -> str | None:
    """brotli if the browser takes it, else gzip, else none (RFC 9110 §12.5.3, q=0 refuses)."""
    weights = dict(accept.weights(accept_encoding))
    for encoding in ENCODINGS:
        if weights.get(encoding, weights.get("*", 0.0)) > 0:
            return encoding
    return None


def _matches(if_none_match: str, digest: str) -> bool:
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag == "*" or tag.split("-")[0] == digest:
            return True
    return False


def static_files_handler(static: StaticFiles, guards: list[Guard], opt: dict[str, Any]) -> ASGIRouteHandler:
    """The handler of /static/: GET and HEAD, from memory."""

    @asgi(PREFIX.rstrip("/"), is_static=True, guards=guards, opt=opt, copy_scope=True)
    async def serve_static(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            raise NotFoundException()
        method = scope["method"]
        found = static.find(scope["path"].lstrip("/")) if method in {"GET", "HEAD"} else None
        if found is None:
            raise NotFoundException()
        asset, immutable = found
        text = asset.media_type.startswith("text/")
        headers = {
            "Content-Type": f"{asset.media_type}; charset=utf-8" if text else asset.media_type,
            "Cache-Control": IMMUTABLE if immutable else SHORT,
            "Vary": "Accept-Encoding",
        }
        request_headers = Headers.from_scope(scope)
        encoding = accepted_encoding(request_headers.get("accept-encoding", "")) if asset.compressible else None
        body = asset.body
        if encoding is not None:
            smaller = await compressed(asset, encoding)
            if len(smaller) < len(body):
                body = smaller
                headers["Content-Encoding"] = encoding
            else:
                encoding = None
        headers["ETag"] = f'"{asset.digest}-{encoding}"' if encoding else f'"{asset.digest}"'
        if _matches(request_headers.get("if-none-match", ""), asset.digest):
            response = ASGIResponse(status_code=304, headers=headers, media_type=asset.media_type)
        else:
            headers["Content-Length"] = str(len(body))  # HEAD says it too
            response = ASGIResponse(
                body=b"" if method == "HEAD" else body,
                is_head_response=method == "HEAD",
                headers=headers,
                media_type=asset.media_type,
            )
        await response(scope, receive, send)

    return serve_static
