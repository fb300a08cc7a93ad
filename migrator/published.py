"""What Upsun publishes (config schema, image registry, composable image data), and its source.

Order: a file the user names; a cached download younger than a day; a new download (revalidated
with `If-None-Match`), checked before it is cached; otherwise the newer of a stale cached copy and
the snapshot embedded in the package. There is always an answer, and it always says its source
and age, so no check is ever skipped. urllib is imported only when a request is really made.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.errors import InputError

META_URL = "https://meta.upsun.com"
MAX_AGE = 24 * 3600
RETRY_AFTER = 3600  # after a failed download, no new attempt for an hour (no 3 s wait per run)
TIMEOUT = 3.0


def _check_schema(data: object) -> str | None:
    properties = data.get("properties") if isinstance(data, dict) else None
    if not isinstance(properties, dict) or not isinstance(properties.get("applications"), dict):
        return "not a JSON schema with `applications`"
    return None


def _check_images(data: object) -> str | None:
    if not isinstance(data, dict) or not data:
        return "not a JSON object of images"
    for name, image in data.items():
        if not isinstance(image, dict) or not isinstance(image.get("versions"), dict):
            return f"image {name!r} has no `versions` object"
    return None


def _check_composable(data: object) -> str | None:
    problem = _check_images(data)
    if problem is None and isinstance(data, dict) and "composable" not in data:
        return "no `composable` image"
    return problem


@dataclass(frozen=True)
class Resource:
    """One published document: its cache name, URL path, report label and shape check."""

    name: str
    path: str
    label: str
    check: Callable[[object], str | None]


SCHEMA = Resource("schema", "/schema/upsun", "Upsun schema", _check_schema)
IMAGES = Resource("registry", "/images", "image registry", _check_images)
COMPOSABLE = Resource("composable", "/composable", "composable image data", _check_composable)
RESOURCES = (SCHEMA, IMAGES, COMPOSABLE)
_EMBEDDED_FILES = {"schema": "upsun.json", "registry": "registry.json",
                   "composable": "composable.json"}


@dataclass(frozen=True)
class Published:
    data: dict[str, Any]
    origin: str  # "file X", "a download of DATE", "the cache (downloaded DATE)", "the embedded ..."
    downloaded: bool = False  # fetched or revalidated over the network by this call

    def describe(self, resource: Resource) -> str:
        return f"{resource.label} from {self.origin}"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "upsun-migrator"


def meta_url() -> str:
    return os.environ.get("UPSUN_MIGRATOR_META_URL", META_URL).rstrip("/")


def offline() -> bool:
    return bool(os.environ.get("UPSUN_MIGRATOR_OFFLINE"))


def day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def get(resource: Resource, file: Path | None = None, refresh: bool = False) -> Published:
    """The resource from the first source that has a good copy (see the module docstring)."""
    if file is not None:
        return Published(_from_file(resource, file), f"file {file}")
    folder = cache_dir()
    data_file, meta_file = folder / f"{resource.name}.json", folder / f"{resource.name}.meta.json"
    meta = _read_meta(meta_file)
    cached = _parse(resource, _read(data_file)) if data_file.is_file() else None
    fetched = _number(meta.get("fetched"))
    if cached is not None and time.time() - fetched < MAX_AGE and not refresh:
        return Published(cached, f"the cache (downloaded {day(fetched)})")
    why = _why_not_download(meta, refresh)
    if why is None:
        url = meta_url() + resource.path
        fresh = _download(url, meta.get("etag") if cached is not None else None)
        if isinstance(fresh, tuple) and fresh[0] is not None:
            problem = refusal(resource, fresh[0])
            if problem is not None:  # a captive portal's page, a truncated body, another shape
                fresh = f"the download from {url} was refused ({problem}) and not cached"
        if isinstance(fresh, tuple):
            return _store(resource, fresh, cached, data_file, meta_file)
        _write(meta_file, json.dumps(dict(meta, failed=time.time())).encode())
        why = fresh
    return _fallback(resource, cached, fetched, why)


def _why_not_download(meta: dict[str, object], refresh: bool) -> str | None:
    if offline():
        return "offline"
    if not refresh and time.time() - _number(meta.get("failed")) < RETRY_AFTER:
        return "the last download failed less than an hour ago"
    return None


def _store(resource: Resource, fresh: tuple[bytes | None, str | None],
           cached: dict[str, Any] | None, data_file: Path, meta_file: Path) -> Published:
    """A download that passed its checks (or a 304 for the cached copy): cache it and use it."""
    body, etag = fresh
    now = time.time()
    if body is None and cached is not None:  # 304 Not Modified
        _write(meta_file, json.dumps({"etag": etag, "fetched": now}).encode())
        return Published(cached, f"the cache (revalidated {day(now)})", True)
    data = _parse(resource, body)
    assert body is not None and data is not None  # checked by the caller
    _write(data_file, body)
    _write(meta_file, json.dumps({"etag": etag, "fetched": now}).encode())
    return Published(data, f"a download of {day(now)}", True)


def _fallback(resource: Resource, cached: dict[str, Any] | None, fetched: float,
              why: str) -> Published:
    """The newer of a stale cached copy and the embedded snapshot, saying why no download."""
    snapshot = embedded_snapshot()
    if cached is not None and fetched >= snapshot.timestamp:
        return Published(cached, f"the cache (downloaded {day(fetched)}; {why})")
    return Published(embedded(resource), snapshot.describe(why))


@dataclass(frozen=True)
class Snapshot:
    """Which upstream commit the embedded copies were taken from, and when."""

    date: str
    repository: str
    commit: str

    @property
    def timestamp(self) -> float:
        return time.mktime(time.strptime(self.date, "%Y-%m-%d")) - time.timezone

    def describe(self, note: str = "") -> str:
        source = f"{self.repository} {self.commit[:7]}" + (f"; {note}" if note else "")
        return f"the embedded snapshot of {self.date} ({source})"


def _package_file(name: str) -> bytes:
    from importlib.resources import files

    return files("migrator").joinpath("metadata", name).read_bytes()


def embedded_snapshot() -> Snapshot:
    info = json.loads(_package_file("snapshot.json"))
    return Snapshot(info["date"], info["repository"], info["commit"])


def embedded(resource: Resource) -> dict[str, Any]:
    data = _parse(resource, _package_file(_EMBEDDED_FILES[resource.name]))
    if data is None:
        raise RuntimeError(f"the embedded {resource.label} does not pass its own checks")
    return data


def _from_file(resource: Resource, file: Path) -> dict[str, Any]:
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(file)) from None
    problem = refusal(resource, raw)
    if problem is not None:
        raise InputError(f"not an {resource.label} ({problem})", str(file))
    return json.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]


def refusal(resource: Resource, raw: bytes) -> str | None:
    """Why these bytes are not a copy of the resource, or None when they are."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "not JSON"
    return resource.check(data)


def _parse(resource: Resource, raw: bytes | None) -> dict[str, Any] | None:
    if raw is None or refusal(resource, raw) is not None:
        return None
    return json.loads(raw.decode("utf-8"))  # type: ignore[no-any-return]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _read_meta(path: Path) -> dict[str, object]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError):
        return {}


def _download(url: str, etag: object) -> tuple[bytes | None, str | None] | str:
    """(body, etag), (None, etag) for 304 Not Modified, or why the download failed."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "upsun-migrator"})
    if isinstance(etag, str):
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read(), response.headers.get("ETag")
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and isinstance(etag, str):
            return None, exc.headers.get("ETag") or etag
        return f"the download from {url} failed: HTTP {exc.code}"
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return f"the download from {url} failed: {reason}"


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written is only a slower next run
