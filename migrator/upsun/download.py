"""One download of published metadata (published.py): bounded in time and size, and never
from another host than the one named. urllib is imported here, and this module only when a
download is really made.

urllib follows redirects by itself, to any host (and from https:// to http://): a redirect is
followed here only to the same scheme, host and port, and any other is a failed download,
saying where it pointed. Nothing is cached from a download that failed.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from http.client import HTTPResponse
from urllib.parse import urlsplit


class Stalled(Exception):
    """The body took too long or is too large."""


class Redirected(Exception):
    """A redirect to another scheme, host or port."""


def origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


class SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the origin (scheme, host, port) of the request."""

    def redirect_request(self, req: urllib.request.Request, fp: object, code: int, msg: str,
                         headers: object, newurl: str) -> urllib.request.Request | None:
        if origin(newurl) != origin(req.full_url):
            raise Redirected(f"it redirects to {newurl!r}, another host: not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def fetch(url: str, etag: object, timeout: float, deadline: float, limit: int
          ) -> tuple[bytes | None, str | None] | str:
    """(body, etag), (None, etag) for 304 Not Modified, or why the download failed."""
    request = urllib.request.Request(url, headers={"User-Agent": "upsun-migrator"})
    if isinstance(etag, str) and etag.isprintable():
        request.add_header("If-None-Match", etag)
    opener = urllib.request.build_opener(SameOrigin)
    try:
        with opener.open(request, timeout=timeout) as response:
            return read_body(response, deadline, limit), response.headers.get("ETag")
    except (Stalled, Redirected) as exc:
        return f"the download from {url} failed: {exc}"
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and isinstance(etag, str):
            return None, exc.headers.get("ETag") or etag
        return f"the download from {url} failed: HTTP {exc.code}"
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return f"the download from {url} failed: {reason}"


def read_body(response: HTTPResponse, deadline: float, limit: int) -> bytes:
    """The whole body within `deadline` seconds and `limit` bytes (a trickling server stops
    here)."""
    end = time.monotonic() + deadline
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise Stalled(f"more than {limit // (1024 * 1024)} MB")
        if time.monotonic() > end:
            raise Stalled(f"no complete answer within {deadline:g} s")
    return b"".join(chunks)
