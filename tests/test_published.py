"""The published-metadata cache, against a real HTTP server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

import calendar
import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from migrator.errors import InputError
from migrator.upsun import published
from tests.conftest import DATA, run, transcript


class Server:
    def __init__(self) -> None:
        self.status = 200
        self.body = GOOD_BYTES
        self.etag = '"one"'
        self.requests: list[tuple[str, str | None]] = []
        self.trickle = 0.0  # seconds between the body's bytes
        self.redirect: str | None = None  # answer 302 to this Location, once
        self.stopped = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner.requests.append((self.path, self.headers.get("If-None-Match")))
                if owner.redirect is not None:
                    self.send_response(302)
                    self.send_header("Location", owner.redirect)
                    self.end_headers()
                    owner.redirect = None
                    return
                if owner.status == 200 and self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.send_header("ETag", owner.etag)
                    self.end_headers()
                    return
                self.send_response(owner.status)
                self.send_header("ETag", owner.etag)
                self.end_headers()
                if owner.status == 200 and owner.trickle:
                    for byte in owner.body[:20]:
                        if owner.stopped.is_set():
                            return
                        with contextlib.suppress(OSError):  # the client gave up: fine
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        owner.stopped.wait(owner.trickle)
                elif owner.status == 200:
                    self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    running = Server()
    monkeypatch.delenv("UPSUN_MIGRATOR_OFFLINE")
    monkeypatch.setenv("UPSUN_MIGRATOR_META_URL", running.url)
    yield running
    running.stopped.set()
    running.httpd.shutdown()
    running.httpd.server_close()


REGISTRY = published.IMAGES
GOOD = {"php": {"versions": {"8.4": {}}}}
GOOD_BYTES = json.dumps(GOOD).encode()
NEWER = {"php": {"versions": {"8.5": {}}}}
EMBEDDED = "the embedded snapshot of 2026-07-21 (upsun/meta 9dd622d"
TODAY = published.day(time.time())


def _age(days: float, name: str = "registry") -> None:
    meta = published.cache_dir() / f"{name}.meta.json"
    data = json.loads(meta.read_text())
    data["fetched"] -= days * 24 * 3600
    meta.write_text(json.dumps(data))


def _cached_on(day: str) -> None:
    """Date the cached copy as downloaded on that day (UTC)."""
    meta = published.cache_dir() / "registry.meta.json"
    data = json.loads(meta.read_text())
    data["fetched"] = calendar.timegm(time.strptime(day, "%Y-%m-%d"))
    meta.write_text(json.dumps(data))


def test_download_then_fresh_cache_then_revalidation(server: Server) -> None:
    first = published.get(REGISTRY)
    assert first == published.Published(GOOD, f"a download of {TODAY}", True)
    assert server.requests == [("/images", None)]
    assert published.get(REGISTRY) == published.Published(
        GOOD, f"the cache (downloaded {TODAY})")
    assert len(server.requests) == 1  # younger than a day: no request at all
    _age(2)
    assert published.get(REGISTRY) == published.Published(
        GOOD, f"the cache (revalidated {TODAY})", True)
    assert server.requests[-1] == ("/images", '"one"')  # revalidated, 304


def test_changed_resource_is_downloaded_again(server: Server) -> None:
    published.get(REGISTRY)
    _age(2)
    server.body, server.etag = json.dumps(NEWER).encode(), '"two"'
    assert published.get(REGISTRY).data == NEWER
    assert json.loads((published.cache_dir() / "registry.json").read_bytes()) == NEWER


def test_server_error_falls_back_to_a_stale_cache_newer_than_the_snapshot(server: Server
                                                                          ) -> None:
    published.get(REGISTRY)
    _age(2)
    server.status = 500
    found = published.get(REGISTRY)
    assert found.data == GOOD
    assert found.origin == (f"the cache (downloaded {published.day(time.time() - 2 * 86400)}; "
                            f"the download from {server.url}/images failed: HTTP 500)")


def test_a_stale_cache_older_than_the_snapshot_gives_way_to_the_snapshot(server: Server
                                                                         ) -> None:
    published.get(REGISTRY)
    _cached_on("2026-01-02")
    server.status = 500
    found = published.get(REGISTRY)
    assert found.data == published.embedded(REGISTRY)
    assert found.origin == (f"{EMBEDDED}; the download from {server.url}/images failed: "
                            "HTTP 500)")


def test_closed_port_falls_back_to_the_cache(server: Server, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    published.get(REGISTRY)
    _age(2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("UPSUN_MIGRATOR_META_URL", f"http://127.0.0.1:{closed}")
    found = published.get(REGISTRY)
    assert found.data == GOOD
    assert f"the download from http://127.0.0.1:{closed}/images failed: " in found.origin


def test_no_cache_and_no_network_is_the_embedded_snapshot(server: Server) -> None:
    server.status = 500
    found = published.get(REGISTRY)
    assert found.data == published.embedded(REGISTRY)
    assert "8.4" in found.data["php"]["versions"]
    assert found.origin.startswith(EMBEDDED + "; the download from ")


def test_a_failed_download_is_not_retried_for_an_hour(server: Server) -> None:
    server.status = 500
    published.get(REGISTRY)
    server.status = 200
    found = published.get(REGISTRY)  # no new request: no wait per run
    assert found.origin == f"{EMBEDDED}; the last download failed less than an hour ago)"
    assert len(server.requests) == 1
    meta = published.cache_dir() / "registry.meta.json"
    data = json.loads(meta.read_text())
    data["failed"] -= 2 * published.RETRY_AFTER
    meta.write_text(json.dumps(data))
    assert published.get(REGISTRY) == published.Published(GOOD, f"a download of {TODAY}", True)


@pytest.mark.parametrize(("body", "why"), [
    (b"<html><body>Please log in to the hotel Wi-Fi</body></html>", "not JSON"),
    (GOOD_BYTES[:-5], "not JSON"),  # truncated
    (b'{"php": {"versions": ["8.4"]}}', "image 'php' has no `versions` object"),
    (b"[]", "not a JSON object of images"),
    (b"\xff\xfe", "not JSON"),
])
def test_a_bad_download_is_refused_and_never_cached(server: Server, body: bytes,
                                                    why: str) -> None:
    published.get(REGISTRY)
    _age(2)
    server.body, server.etag = body, '"portal"'
    found = published.get(REGISTRY)
    assert found.data == GOOD  # the previous copy, still the newest good one
    assert found.origin.endswith(f"the download from {server.url}/images was refused ({why}) "
                                 "and not cached)")
    assert json.loads((published.cache_dir() / "registry.json").read_bytes()) == GOOD


def test_a_bad_first_download_falls_back_to_the_snapshot(server: Server) -> None:
    server.body = b"<html>captive portal</html>"
    found = published.get(REGISTRY)
    assert found.data == published.embedded(REGISTRY)
    assert found.origin == (f"{EMBEDDED}; the download from {server.url}/images was refused "
                            "(not JSON) and not cached)")
    assert not (published.cache_dir() / "registry.json").exists()


def test_each_resource_checks_its_own_shape(server: Server) -> None:
    server.body = GOOD_BYTES  # an image registry, served where the schema should be
    found = published.get(published.SCHEMA)
    assert found.data == published.embedded(published.SCHEMA)
    assert ("refused (not a JSON schema describing `applications`, `services` and `routes`)"
            in found.origin)
    assert published.get(published.COMPOSABLE).origin.endswith(
        "refused (no `composable` image) and not cached)")


def test_a_corrupt_cache_is_ignored(server: Server) -> None:
    published.get(REGISTRY)
    (published.cache_dir() / "registry.json").write_bytes(b"{broken")
    server.status = 500
    assert published.get(REGISTRY).data == published.embedded(REGISTRY)


def test_refresh_downloads_whatever_the_age(server: Server) -> None:
    published.get(REGISTRY)
    server.body, server.etag = json.dumps(NEWER).encode(), '"two"'
    assert published.get(REGISTRY).data == GOOD
    assert published.get(REGISTRY, refresh=True) == published.Published(
        NEWER, f"a download of {TODAY}", True)


def test_a_file_never_touches_the_network(server: Server, tmp_path: Path) -> None:
    file = tmp_path / "registry.json"
    file.write_bytes(GOOD_BYTES)
    assert published.get(REGISTRY, file) == published.Published(GOOD, f"file {file}")
    assert server.requests == []
    assert not (published.cache_dir() / "registry.json").exists()


def test_a_file_of_the_wrong_shape_is_an_input_error(tmp_path: Path) -> None:
    file = tmp_path / "registry.json"
    file.write_text("<html></html>")
    with pytest.raises(InputError) as error:
        published.get(REGISTRY, file)
    assert str(error.value) == f"{file}: not an image registry (not JSON)"


def test_offline_mode_uses_only_the_cache(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    published.get(REGISTRY)
    _age(2)
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    assert published.get(REGISTRY).origin.endswith("; offline)")
    assert published.get(REGISTRY).data == GOOD
    assert len(server.requests) == 1
    assert os.environ["UPSUN_MIGRATOR_META_URL"] == server.url


def test_the_embedded_snapshot_is_what_the_tests_use() -> None:
    """The package's copies are the upstream files of the dated commit, like tests/data (the
    registry trimmed to what the migrator reads, as the cache keeps it)."""
    for resource, copy in ((published.SCHEMA, DATA / "schemas" / "upsun.json"),
                           (published.IMAGES, DATA / "registry" / "registry.json"),
                           (published.COMPOSABLE, DATA / "registry" / "composable.json")):
        whole = json.loads(copy.read_text(encoding="utf-8"))
        kept = resource.keep(whole) if resource.keep else whole
        assert published.embedded(resource) == kept, resource.name
    assert published.IMAGES.keep is not None
    assert len(published._package_file("registry.json")) < (DATA / "registry" / "registry.json"
                                                            ).stat().st_size / 3


def test_a_downloaded_registry_is_cached_trimmed(server: Server) -> None:
    whole = (DATA / "registry" / "registry.json").read_bytes()
    server.body = whole
    trimmed = published.IMAGES.keep(json.loads(whole))  # type: ignore[misc]
    assert published.get(REGISTRY) == published.Published(trimmed, f"a download of {TODAY}",
                                                          True)
    cached = published.cache_dir() / "registry.json"
    assert json.loads(cached.read_bytes()) == trimmed
    assert published.get(REGISTRY) == published.Published(
        trimmed, f"the cache (downloaded {TODAY})")
    assert len(server.requests) == 1


def test_a_downloaded_registry_with_a_lone_surrogate_is_cached(server: Server) -> None:
    """Valid JSON (an escaped lone surrogate) that UTF-8 cannot hold: cached escaped, as read."""
    server.body = (b'{"php": {"runtime": true, "versions": {"8.3": {"upsun": {"status": '
                   b'"supported"}, "manifest": {"endpoints": {"http\\ud800": {}}, '
                   b'"default_container_profile": "HIGH_CPU"}, "extra": 1}}}}')
    expected = {"php": {"runtime": True, "versions": {"8.3": {
        "upsun": {"status": "supported"},
        "manifest": {"endpoints": {"http\ud800": {}}, "default_container_profile": "HIGH_CPU"}}}}}
    assert published.get(REGISTRY).data == expected
    assert published.get(REGISTRY) == published.Published(
        expected, f"the cache (downloaded {TODAY})")
    assert len(server.requests) == 1


def test_the_trimmed_registry_answers_as_the_whole_one() -> None:
    """Every question the checks ask, for every image and version, and versions of no image."""
    from migrator.upsun.registry import Registry, trim

    data = json.loads((DATA / "registry" / "registry.json").read_text(encoding="utf-8"))
    composable = json.loads((DATA / "registry" / "composable.json").read_text(encoding="utf-8"))
    whole, trimmed = Registry(data, composable), Registry(trim(data), composable)
    assert trim(data) != data
    types = [f"{image}:{version}" for image, entry in {**data, **composable}.items()
             for version in [*entry["versions"], "0.1", "999"]]
    assert len(types) > 300
    for type_ in [*types, "redis-persistent:7.2", "nope:1"]:
        for question in (whole.lookup, whole.packages, whole.known_image, whole.supported,
                         whole.upgrade, whole.is_runtime, whole.versions):
            assert question(type_) == getattr(trimmed, question.__name__)(type_), type_
    assert published.embedded_snapshot() == published.Snapshot(
        "2026-07-21", "upsun/meta", "9dd622d2a0aafeed3c7bad1b95aad8ec508f64f3")


def test_metadata_command_offline(snapshot: SnapshotAssertion) -> None:
    assert transcript(run("metadata"), cache=published.cache_dir()) == snapshot


def test_metadata_refresh_downloads_each_resource(server: Server) -> None:
    server.body = GOOD_BYTES
    result = run("metadata", "--refresh")
    assert result.exit_code == 1  # the registry body is no schema, nor composable data
    assert result.stdout.startswith(f"Upsun schema from {EMBEDDED}; the download from "
                                    f"{server.url}/schema/upsun was refused")
    assert f"image registry from a download of {TODAY}\n" in result.stdout
    assert result.stderr == (f"error: {server.url}: could not refresh: Upsun schema, "
                             "composable image data\n")
    assert [path for path, _ in server.requests] == ["/schema/upsun", "/images", "/composable"]


SHALLOW_SCHEMA = b'{"properties": {"applications": {}}}'
DEEP_BAD_REGISTRY = b'{"composable": {"versions": {"26.05": "x"}}, "php": {"versions": {"8.4": 5}}}'


@pytest.mark.parametrize(("resource", "body", "why"), [
    (published.SCHEMA, SHALLOW_SCHEMA,
     "not a JSON schema describing `applications`, `services` and `routes`"),
    (published.SCHEMA, json.dumps({"properties": {
        "applications": {"additionalProperties": {"properties": {"type": {"if": {}}}}},
        "services": {"type": "object"}, "routes": {"type": "object"}}}).encode(),
     "the schema uses the JSON-Schema keyword 'if' at "
     "#/properties/applications/additionalProperties/properties/type, which the built-in "
     "validator does not implement (validation would ignore it)"),
    (published.IMAGES, DEEP_BAD_REGISTRY, "image 'composable' version '26.05': not an object"),
    (published.IMAGES, b'{"php": {"versions": {"8.4": {"upsun": {"status": 1}}}}}',
     "image 'php' version '8.4': `upsun.status` is not a string"),
    (published.IMAGES, b'{"php": {"versions": {"8.4": {"manifest": {"endpoints": []}}}}}',
     "image 'php' version '8.4': `manifest` is not an object with `endpoints` and a profile name"),
    (published.IMAGES, b'{"php": {"versions": {"8.4": {"manifest": {"min_disk_size": "256"}}}}}',
     "image 'php' version '8.4': `manifest` minimums (min_cpu_size, min_mem_size, "
     "min_disk_size) must be null or numbers from 0"),
    (published.IMAGES, b'{"php": {"versions": {"8.4": {"manifest": {"min_mem_size": -1}}}}}',
     "image 'php' version '8.4': `manifest` minimums (min_cpu_size, min_mem_size, "
     "min_disk_size) must be null or numbers from 0"),
    (published.IMAGES, b'{"php": {"need_disk": "yes", "versions": {}}}',
     "image 'php': `need_disk` must be true, false or null"),
    (published.COMPOSABLE, b'{"composable": {"versions": {"26.05": {"packages_versions": '
                           b'{"php": {"versions": "8.4"}}}}}}',
     "image 'composable' version '26.05': `packages_versions` is not an object of runtimes with "
     "`versions` lists"),
])
def test_json_of_the_right_outline_but_the_wrong_shape_is_refused(
        server: Server, resource: published.Resource, body: bytes, why: str) -> None:
    """What the checks read must be there in the form they read it, or a run would crash."""
    server.body = body
    found = published.get(resource)
    assert found.data == published.embedded(resource)
    assert found.origin.endswith(f"was refused ({why}) and not cached)"), found.origin
    assert not (published.cache_dir() / f"{resource.name}.json").exists()


def test_the_embedded_copies_pass_the_checks_a_download_must_pass() -> None:
    for resource in published.RESOURCES:
        assert resource.problem(published.embedded(resource)) is None, resource.name


def test_a_bad_cached_copy_is_never_used(server: Server) -> None:
    """A copy cached by hand, or by a version with weaker checks, is checked before use."""
    folder = published.cache_dir()
    folder.mkdir(parents=True)
    (folder / "registry.json").write_bytes(DEEP_BAD_REGISTRY)
    (folder / "registry.meta.json").write_text(json.dumps({"fetched": time.time()}))
    server.status = 500
    assert published.get(REGISTRY).data == published.embedded(REGISTRY)


def test_a_good_cached_copy_without_its_digest_is_checked_and_used(server: Server) -> None:
    folder = published.cache_dir()
    folder.mkdir(parents=True)
    (folder / "registry.json").write_bytes(GOOD_BYTES)
    (folder / "registry.meta.json").write_text(json.dumps({"fetched": time.time()}))
    assert published.get(REGISTRY) == published.Published(GOOD, f"the cache (downloaded {TODAY})")
    assert server.requests == []


def test_a_registry_file_of_the_wrong_shape_is_an_input_error(project: Path) -> None:
    registry = project.parent / "registry.json"
    registry.write_bytes(DEEP_BAD_REGISTRY)
    (project / ".platform.app.yaml").write_text("name: app\ntype: 'php:8.4'\n")
    result = run("migrate", "--dry-run", "--registry", registry, project)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", (
        f"error: {registry}: not an image registry (image 'composable' version '26.05': not an "
        "object)\n"))


def test_a_trickling_server_is_given_up_on_after_the_deadline(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(published, "DEADLINE", 0.5)
    server.trickle = 0.2  # 20 bytes: 4 s
    start = time.monotonic()
    found = published.get(REGISTRY)
    assert time.monotonic() - start < 2.5
    assert found.origin == (f"{EMBEDDED}; the download from {server.url}/images failed: no "
                            "complete answer within 0.5 s)")


@pytest.mark.parametrize(("value", "offline"), [
    ("1", True), ("yes", True), ("true", True), ("0", False), ("false", False), ("no", False),
    ("", False), (" 0 ", False)])
def test_the_offline_variable(monkeypatch: pytest.MonkeyPatch, value: str, offline: bool) -> None:
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", value)
    assert published.offline() is offline


# -- corrupted caches, hostile sources (issue 26, item 10) ---------------------------------

def _cache(name: str, data: bytes, meta: dict[str, object]) -> None:
    folder = published.cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_bytes(data)
    (folder / f"{name}.meta.json").write_text(json.dumps(meta))


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("data", "why"), [
    (b"[" * 200_000 + b"]" * 200_000, "JSON nested too deeply"),
    (b"[1]", "not a JSON object of images"),
    (b'{"php": 1}', "image 'php' has no `versions` object"),
    (b"{" + b" " * published.MAX_BYTES + b"}", "more than 16 MB"),
])
def test_a_corrupted_cache_falls_back_to_the_snapshot_and_says_why(data: bytes, why: str) -> None:
    """Even when its meta file holds its digest (a copy and its digest can be written
    together): every run used to end with exit 3 (RecursionError, TypeError) until deleted."""
    _cache("registry", data, {"fetched": time.time(), "sha256": _digest(data)})
    found = published.get(REGISTRY)
    assert found == published.Published(published.embedded(REGISTRY), (
        f"{EMBEDDED}; the cached copy was refused ({why}); offline)"))


@pytest.mark.parametrize("meta", [
    b'{"fetched": 1e300}', b'{"fetched": Infinity}', b'{"fetched": -5, "failed": NaN}',
    b'{"fetched": true}', b"[" * 100_000, b'{"etag": "x\\ny", "fetched": 1}'])
def test_a_corrupted_meta_file_is_as_old_as_it_gets(meta: bytes) -> None:
    """A time out of range (`day(1e300)` was an OverflowError) is no time: the copy is stale."""
    folder = published.cache_dir()
    folder.mkdir(parents=True)
    (folder / "registry.json").write_bytes(GOOD_BYTES)
    (folder / "registry.meta.json").write_bytes(meta)
    found = published.get(REGISTRY)
    assert found.data == published.embedded(REGISTRY)  # the snapshot is newer than 1970
    assert found.origin == f"{EMBEDDED}; offline)"


def test_migrate_survives_a_corrupted_cache(project: Path) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    for name in ("schema", "registry", "composable"):
        _cache(name, deep, {"fetched": time.time(), "sha256": _digest(deep)})
    (project / ".platform.app.yaml").write_text("name: app\ntype: 'php:8.4'\n")
    result = run("migrate", "--dry-run", project)
    assert result.exit_code == 0, result.stderr
    assert "the cached copy was refused (JSON nested too deeply); offline" in result.stdout


@pytest.mark.parametrize(("url", "used"), [
    ("https://meta.upsun.com", True), ("https://mirror.example.com:8443/meta", True),
    ("http://127.0.0.1:8080", True), ("http://localhost", True), ("http://[::1]:9", True),
    ("http://meta.upsun.com", False), ("file:///etc/passwd", False), ("ftp://meta.upsun.com", False),
    ("https://", False), ("meta.upsun.com", False), ("http://127.0.0.1.example.com", False),
    ("http://[::1", False)])
def test_only_https_sources_and_http_on_this_machine(url: str, used: bool) -> None:
    why = published._why_not_url(url)
    assert (why is None) == used
    if not used:
        assert why == (f"UPSUN_MIGRATOR_META_URL={url!r} is not an https:// URL (http:// only "
                       "on this machine): not used")


def test_a_source_that_is_not_https_is_never_asked(server: Server,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSUN_MIGRATOR_META_URL", "file:///etc")
    found = published.get(REGISTRY)
    assert found.origin == (f"{EMBEDDED}; UPSUN_MIGRATOR_META_URL='file:///etc' is not an "
                            "https:// URL (http:// only on this machine): not used)")
    assert server.requests == []


def test_a_redirect_to_another_host_is_not_followed(server: Server) -> None:
    elsewhere = server.url.replace("127.0.0.1", "localhost") + "/elsewhere"
    server.redirect = elsewhere
    found = published.get(REGISTRY)
    assert found.origin == (f"{EMBEDDED}; the download from {server.url}/images failed: it "
                            f"redirects to {elsewhere!r}, another host: not followed)")
    assert server.requests == [("/images", None)]  # never asked at the other host
    assert not (published.cache_dir() / "registry.json").exists()


def test_a_redirect_on_the_same_host_is_followed(server: Server) -> None:
    server.redirect = server.url + "/moved"
    assert published.get(REGISTRY) == published.Published(GOOD, f"a download of {TODAY}", True)
    assert [path for path, _ in server.requests] == ["/images", "/moved"]


def test_a_deeply_nested_schema_file_is_a_one_line_error(project: Path) -> None:
    schema = project.parent / "schema.json"
    schema.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    (project / ".platform.app.yaml").write_text("name: app\ntype: 'php:8.4'\n")
    for command in ("migrate", "validate"):
        result = run(command, "--schema", schema, project)
        assert (result.exit_code, result.stderr) == (
            1, f"error: {schema}: not an Upsun schema (JSON nested too deeply)\n")


def test_after_failure_tells_the_sources_taken_after_a_failed_download(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Markdown report folds the `checked:` lines `after_failure` picks: every origin this
    module writes after a failed or refused download, and none other (a file given, whatever
    its path says; a download; the cache; offline)."""
    def told(found: published.Published) -> bool:
        return published.after_failure(found.describe(REGISTRY))

    assert not told(published.get(REGISTRY))  # a download
    assert not told(published.get(REGISTRY))  # the fresh cache
    _age(2)
    assert not told(published.get(REGISTRY))  # revalidated
    _age(2)
    server.status = 500
    assert told(published.get(REGISTRY))  # the stale cache, the download failed
    assert told(published.get(REGISTRY))  # the last download failed less than an hour ago
    (published.cache_dir() / "registry.meta.json").unlink()
    (published.cache_dir() / "registry.json").unlink()
    server.status, server.body = 200, b"<html>captive portal</html>"
    assert told(published.get(REGISTRY))  # refused, the embedded snapshot
    file = tmp_path / "the download failed" / "registry.json"
    file.parent.mkdir()
    file.write_bytes(GOOD_BYTES)
    assert not told(published.get(REGISTRY, file))
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    assert not told(published.get(REGISTRY))
