"""What Upsun publishes (config schema, image registry, composable image data), and its source.

Order: a file the user names; a cached download younger than a day; a new download (revalidated
with `If-None-Match`), checked before it is cached; otherwise the newer of a stale cached copy and
the snapshot embedded in the package. There is always an answer, and it always says its source
and age, so no check is ever skipped. urllib.request (download.py) is imported only when a
request is really made.

Every copy is checked each time it is read (a cached one too: the cache is a file anyone with
the user's rights may have written), and what is refused is named in the answer's origin: a
copy that is not JSON, nested too deeply or of the wrong shape never ends a run. Downloads come
only from https:// (UPSUN_MIGRATOR_META_URL may name http:// on this machine, for tests and
local mirrors), follow redirects only to the same host (download.py), and stop at MAX_BYTES.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from migrator.errors import InputError
from migrator.files import replace_file
from migrator.upsun import registry
from migrator.upsun.minischema import UnsupportedSchema, Validator
from migrator.upsun.upsunfiles import ANY_STRING, RUNTIME_URL, SERVICE_URL

META_URL = "https://meta.upsun.com"
MAX_AGE = 24 * 3600
RETRY_AFTER = 3600  # after a failed download, no new attempt for an hour (no 3 s wait per run)
TIMEOUT = 3.0  # for the connection and each read
DEADLINE = 6.0  # for a whole download, however slowly the server answers
MAX_BYTES = 16 * 1024 * 1024  # the registry is 340 kB


def _schema_problem(data: object) -> str | None:
    """A JSON schema describing the three top-level keys, that the validator can apply exactly."""
    properties = data.get("properties") if isinstance(data, dict) else None
    if not isinstance(properties, dict) or not all(
            isinstance(properties.get(key), dict) and properties[key]
            for key in ("applications", "services", "routes")):
        return "not a JSON schema describing `applications`, `services` and `routes`"
    applications = properties["applications"].get("additionalProperties")
    if not isinstance(applications, dict) or not isinstance(applications.get("properties"), dict):
        return "its `applications` describe no application properties"
    try:
        Validator(data, {RUNTIME_URL: ANY_STRING, SERVICE_URL: ANY_STRING})  # type: ignore[arg-type]
    except UnsupportedSchema as exc:
        return exc.message
    return None


def _images_problem(data: object) -> str | None:
    """The image registry's shape, as far as the checks read it (see registry.py)."""
    if not isinstance(data, dict) or not data:
        return "not a JSON object of images"
    for name, image in data.items():
        if not isinstance(image, dict) or not isinstance(image.get("versions"), dict):
            return f"image {name!r} has no `versions` object"
        if not all(isinstance(image.get(flag, False), bool) for flag in ("runtime", "service")):
            return f"image {name!r}: `runtime` and `service` must be true or false"
        if image.get("need_disk") is not None and not isinstance(image["need_disk"], bool):
            return f"image {name!r}: `need_disk` must be true, false or null"
        for version, entry in image["versions"].items():
            problem = _version_problem(entry)
            if problem:
                return f"image {name!r} version {version!r}: {problem}"
    return None


def _version_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return "not an object"
    upsun, manifest = _field(entry, "upsun", dict), _field(entry, "manifest", dict)
    if upsun is None or _field(upsun, "status", str) is None:
        return "`upsun.status` is not a string"
    if manifest is None or _field(manifest, "endpoints", dict) is None \
            or _field(manifest, "default_container_profile", str) is None:
        return "`manifest` is not an object with `endpoints` and a profile name"
    if not all(_is_number(manifest.get(key)) for key in MINIMUMS):
        return f"`manifest` minimums ({', '.join(MINIMUMS)}) must be null or numbers from 0"
    packages = _field(entry, "packages_versions", dict)
    if packages is None or not all(isinstance(package, dict)
                                   and _field(package, "versions", list) is not None
                                   for package in packages.values()):
        return "`packages_versions` is not an object of runtimes with `versions` lists"
    return None


#: The minimum resources of a version, in its `manifest` (the resource hints read them).
MINIMUMS = ("min_cpu_size", "min_mem_size", "min_disk_size")


def _is_number(value: object) -> bool:
    """Null, or a finite number that is not negative."""
    if value is None:
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and 0 <= value < float("inf")


def _field(holder: dict[str, Any], key: str, kind: type) -> Any:
    """The value when it is absent, null or of `kind` (an empty one of `kind` for absent or
    null); None when it is something else."""
    value = holder.get(key)
    if value is None:
        return kind()
    return value if isinstance(value, kind) else None


def _composable_problem(data: object) -> str | None:
    problem = _images_problem(data)
    if problem is None and isinstance(data, dict) and "composable" not in data:
        return "no `composable` image"
    return problem


class Resource(NamedTuple):
    """One published document: its cache name, URL path, report label, shape check and what of
    it the cache keeps (what the package embeds is kept alike)."""

    name: str
    path: str
    label: str
    problem: Callable[[object], str | None]
    keep: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # None: all of it


SCHEMA = Resource("schema", "/schema/upsun", "Upsun schema", _schema_problem)
IMAGES = Resource("registry", "/images", "image registry", _images_problem, registry.trim)
COMPOSABLE = Resource("composable", "/composable", "composable image data", _composable_problem)
RESOURCES = (SCHEMA, IMAGES, COMPOSABLE)
_EMBEDDED_FILES = {"schema": "upsun.json", "registry": "registry.json",
                   "composable": "composable.json"}


class Published(NamedTuple):
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


#: Hosts an http:// UPSUN_MIGRATOR_META_URL may name: this machine (a test server, a local
#: mirror); anything else is https:// only.
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _why_not_url(url: str) -> str | None:
    """Why `url` is not a source to download from: only https://, and http:// on this machine
    (the tests' server); never file://, ftp:// or plain http:// over the network."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if host and (parts.scheme == "https" or parts.scheme == "http" and host in LOOPBACK):
        return None
    return (f"UPSUN_MIGRATOR_META_URL={url!r} is not an https:// URL (http:// only on this "
            "machine): not used")


def offline() -> bool:
    """UPSUN_MIGRATOR_OFFLINE set to anything but nothing, 0, false or no."""
    value = os.environ.get("UPSUN_MIGRATOR_OFFLINE", "").strip().lower()
    return value not in ("", "0", "false", "no")


def day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def get(resource: Resource, file: Path | None = None, refresh: bool = False) -> Published:
    """The resource from the first source that has a good copy (see the module docstring)."""
    if file is not None:
        return Published(_from_file(resource, file), f"file {file}")
    folder = cache_dir()
    data_file, meta_file = folder / f"{resource.name}.json", folder / f"{resource.name}.meta.json"
    meta = _read_meta(meta_file)
    cached, refused = _cached(resource, data_file)
    fetched = _timestamp(meta.get("fetched"))
    if cached is not None and time.time() - fetched < MAX_AGE and not refresh:
        return Published(cached, f"the cache (downloaded {day(fetched)})")
    why = _why_not_download(meta, refresh)
    if why is None:
        url = meta_url() + resource.path
        fresh = _download(url, meta.get("etag") if cached is not None else None)
        if isinstance(fresh, tuple) and fresh[0] is not None:
            data, problem = _checked(resource, fresh[0])
            if data is not None:
                return _store(resource, fresh[0], data, fresh[1], data_file, meta_file)
            # a captive portal's page, a truncated body, JSON of another shape
            fresh = f"the download from {url} was refused ({problem}) and not cached"
        if isinstance(fresh, tuple) and cached is not None:  # 304 Not Modified
            now = time.time()
            _write(meta_file, json.dumps(dict(meta, etag=fresh[1], fetched=now)).encode())
            return Published(cached, f"the cache (revalidated {day(now)})", True)
        _write(meta_file, json.dumps(dict(meta, failed=time.time())).encode())
        why = fresh if isinstance(fresh, str) else "the server answered 304 for no cached copy"
    if refused is not None:
        why = f"the cached copy was refused ({refused}); {why}"
    return _fallback(resource, cached, fetched, why)


#: What this module and download.py write into a source's description when a download failed
#: or a copy was refused (`after_failure`).
FAILURE_MARKS = (" failed", " was refused", "answered 304 for no cached copy")


def after_failure(described: str) -> bool:
    """Whether a source's description (a report's `checked:` line, `LABEL from ORIGIN`) says
    that the copy in use was taken because a download failed or a copy was refused. A file
    given (`from file PATH`) never is, whatever its path says."""
    origin = described.partition(" from ")[2]
    return not origin.startswith("file ") and any(mark in origin for mark in FAILURE_MARKS)


def _why_not_download(meta: dict[str, object], refresh: bool) -> str | None:
    if offline():
        return "offline"
    if not refresh and time.time() - _timestamp(meta.get("failed")) < RETRY_AFTER:
        return "the last download failed less than an hour ago"
    return _why_not_url(meta_url())


def _store(resource: Resource, body: bytes, data: dict[str, Any], etag: str | None,
           data_file: Path, meta_file: Path) -> Published:
    """A download that passed its checks: cache it (with its digest: checked) and use it."""
    now = time.time()
    if resource.keep is not None:
        data = resource.keep(data)
        body = json.dumps(data).encode()  # escaped: JSON may hold a lone surrogate (\ud800)
    _write(data_file, body)
    _write(meta_file, json.dumps({"etag": etag, "fetched": now}).encode())
    return Published(data, f"a download of {day(now)}", True)


def _cached(resource: Resource, data_file: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(the cached copy, None) when there is one and it passes the checks a download passes
    (whatever its meta file says: the digest there tells a truncated write, and a copy and its
    digest can be written together), else (None, why it was refused, or None if absent)."""
    try:
        raw = _read_bounded(data_file)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot read {data_file}: {exc.strerror or exc}"
    return _checked(resource, raw)


def _fallback(resource: Resource, cached: dict[str, Any] | None, fetched: float,
              why: str) -> Published:
    """The newer of a stale cached copy and the embedded snapshot, saying why no download."""
    snapshot = embedded_snapshot()
    if cached is not None and fetched >= snapshot.timestamp:
        return Published(cached, f"the cache (downloaded {day(fetched)}; {why})")
    return Published(embedded(resource), snapshot.describe(why))


class Snapshot(NamedTuple):
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
    """A file of the package's metadata folder (installed as files: no importlib.resources,
    whose zip support imports zipfile, bz2 and lzma for nothing)."""
    return (Path(__file__).parent / "metadata" / name).read_bytes()


def embedded_snapshot() -> Snapshot:
    info = json.loads(_package_file("snapshot.json"))
    return Snapshot(info["date"], info["repository"], info["commit"])


def embedded(resource: Resource) -> dict[str, Any]:
    """The package's copy (the tests prove it passes the checks a download must pass)."""
    return json.loads(_package_file(_EMBEDDED_FILES[resource.name]))  # type: ignore[no-any-return]


def _from_file(resource: Resource, file: Path) -> dict[str, Any]:
    try:
        raw = _read_bounded(file)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(file)) from None
    data, problem = _checked(resource, raw)
    if data is None:
        raise InputError(f"not an {resource.label} ({problem})", str(file))
    return data


def _checked(resource: Resource, raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(the document, None) when these bytes are a good copy of the resource, else (None, why)."""
    if len(raw) > MAX_BYTES:
        return None, f"more than {MAX_BYTES // (1024 * 1024)} MB"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "not JSON"
    except RecursionError:  # json's decoder stops at Python's recursion limit
        return None, "JSON nested too deeply"
    try:
        problem = resource.problem(data)
    except RecursionError:
        problem = "nested too deeply"
    return (None, problem) if problem else (data, None)


def _read_bounded(path: Path) -> bytes:
    """At most MAX_BYTES + 1 bytes of `path` (more is refused by `_checked`)."""
    with open(path, "rb") as stream:
        return stream.read(MAX_BYTES + 1)


def _timestamp(value: object) -> float:
    """A time the meta file gives: a number between 0 and now (a clock a little ahead is
    forgiven), else 0, which is as old as it gets."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return 0.0
    return float(value) if 0 <= value <= time.time() + 60 else 0.0


def _read_meta(path: Path) -> dict[str, object]:
    try:
        meta = json.loads(_read_bounded(path).decode("utf-8"))
        return meta if isinstance(meta, dict) else {}
    except (OSError, ValueError, RecursionError):
        return {}


def _download(url: str, etag: object) -> tuple[bytes | None, str | None] | str:
    """(body, etag), (None, etag) for 304 Not Modified, or why the download failed
    (download.py: bounded, and redirects followed only to the same host)."""
    from migrator.upsun import download

    return download.fetch(url, etag, TIMEOUT, DEADLINE, MAX_BYTES)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data)
    except OSError:
        pass  # a cache that cannot be written is only a slower next run
