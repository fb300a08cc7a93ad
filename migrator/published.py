"""Resources Upsun publishes (the config schema, the image registry): file, cache or download.

A download is kept in the user's cache folder and revalidated with `If-None-Match` once it is
older than a day; when the network fails, the cached copy is used. urllib is imported only
when a request is really made, so a fresh cache costs no network module at start-up.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

META_URL = "https://meta.upsun.com"
SCHEMA_PATH = "/schema/upsun"
IMAGES_PATH = "/images"
MAX_AGE = 24 * 3600
RETRY_AFTER = 3600  # after a failed download, no new attempt for an hour (no 3 s wait per run)
TIMEOUT = 3.0


@dataclass(frozen=True)
class Published:
    data: bytes
    origin: str  # "file X", "cache", "download", "cache (offline)"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "upsun-migrator"


def meta_url() -> str:
    return os.environ.get("UPSUN_MIGRATOR_META_URL", META_URL).rstrip("/")


def offline() -> bool:
    return bool(os.environ.get("UPSUN_MIGRATOR_OFFLINE"))


def get(name: str, path: str, file: Path | None = None) -> Published | None:
    """`name` names the cache entry, `path` the URL path under the meta URL."""
    if file is not None:
        return Published(file.read_bytes(), f"file {file}")
    folder = cache_dir()
    data_file, meta_file = folder / f"{name}.json", folder / f"{name}.meta.json"
    cached = data_file.read_bytes() if data_file.is_file() else None
    meta = _read_meta(meta_file)
    fetched = meta.get("fetched", 0)
    age = time.time() - (fetched if isinstance(fetched, (int, float)) else 0)
    if cached is not None and age < MAX_AGE:
        return Published(cached, "cache")
    failed = meta.get("failed", 0)
    recently_failed = isinstance(failed, (int, float)) and time.time() - failed < RETRY_AFTER
    if offline() or recently_failed:
        return Published(cached, "cache (offline)") if cached is not None else None
    fresh = _download(meta_url() + path, meta.get("etag") if cached is not None else None)
    if fresh is None:
        _write(meta_file, json.dumps(dict(meta, failed=time.time())).encode())
        return Published(cached, "cache (offline)") if cached is not None else None
    body, etag = fresh
    if body is None:  # 304: the cached copy is still current
        _write(meta_file, json.dumps({"etag": etag, "fetched": time.time()}).encode())
        return Published(cached or b"", "cache")
    _write(data_file, body)
    _write(meta_file, json.dumps({"etag": etag, "fetched": time.time()}).encode())
    return Published(body, "download")


def _read_meta(path: Path) -> dict[str, object]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        return {}


def _download(url: str, etag: object) -> tuple[bytes | None, str | None] | None:
    """(body, etag), (None, etag) for 304 Not Modified, or None when the request failed."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "upsun-migrator"})
    if isinstance(etag, str):
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read(), response.headers.get("ETag")
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None, exc.headers.get("ETag") or (etag if isinstance(etag, str) else None)
        return None
    except (urllib.error.URLError, OSError, TimeoutError, ValueError):
        return None


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written is only a slower next run


def load_schema(file: Path | None) -> tuple[dict[str, object] | None, str]:
    """The Upsun config schema and where it came from, or None and why not."""
    found = get("schema", SCHEMA_PATH, file)
    if found is None:
        return None, "no schema: offline and nothing cached"
    try:
        return json.loads(found.data.decode("utf-8")), f"Upsun schema from {found.origin}"
    except (UnicodeDecodeError, ValueError):
        return None, f"no schema: the copy from {found.origin} is not JSON"


def load_registry_data(file: Path | None) -> tuple[bytes | None, str]:
    found = get("registry", IMAGES_PATH, file)
    if found is None:
        return None, "no image registry: offline and nothing cached; version checks skipped"
    return found.data, f"image registry from {found.origin}"
