"""The published-metadata cache, against a real HTTP server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from migrator import published


class Server:
    def __init__(self) -> None:
        self.status = 200
        self.body = b'{"v": 1}'
        self.etag = '"one"'
        self.requests: list[tuple[str, str | None]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                owner.requests.append((self.path, self.headers.get("If-None-Match")))
                if owner.status == 200 and self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.send_header("ETag", owner.etag)
                    self.end_headers()
                    return
                self.send_response(owner.status)
                self.send_header("ETag", owner.etag)
                self.end_headers()
                if owner.status == 200:
                    self.wfile.write(owner.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    running = Server()
    monkeypatch.delenv("UPSUN_MIGRATOR_OFFLINE")
    monkeypatch.setenv("UPSUN_MIGRATOR_META_URL", running.url)
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def _age(days: float) -> None:
    meta = published.cache_dir() / "registry.meta.json"
    data = json.loads(meta.read_text())
    data["fetched"] -= days * 24 * 3600
    meta.write_text(json.dumps(data))


def test_download_then_fresh_cache_then_revalidation(server: Server) -> None:
    first = published.get("registry", "/images")
    assert first == published.Published(b'{"v": 1}', "download")
    assert server.requests == [("/images", None)]
    assert published.get("registry", "/images") == published.Published(b'{"v": 1}', "cache")
    assert len(server.requests) == 1  # younger than a day: no request at all
    _age(2)
    assert published.get("registry", "/images") == published.Published(b'{"v": 1}', "cache")
    assert server.requests[-1] == ("/images", '"one"')  # revalidated, 304


def test_changed_resource_is_downloaded_again(server: Server) -> None:
    published.get("registry", "/images")
    _age(2)
    server.body, server.etag = b'{"v": 2}', '"two"'
    assert published.get("registry", "/images") == published.Published(b'{"v": 2}', "download")
    assert (published.cache_dir() / "registry.json").read_bytes() == b'{"v": 2}'


def test_server_error_falls_back_to_the_cache(server: Server) -> None:
    published.get("registry", "/images")
    _age(2)
    server.status = 500
    assert published.get("registry", "/images") == published.Published(b'{"v": 1}',
                                                                        "cache (offline)")


def test_closed_port_falls_back_to_the_cache(server: Server, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    published.get("registry", "/images")
    _age(2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("UPSUN_MIGRATOR_META_URL", f"http://127.0.0.1:{closed}")
    assert published.get("registry", "/images") == published.Published(b'{"v": 1}',
                                                                        "cache (offline)")


def test_no_cache_and_no_network_is_none(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    server.status = 500
    assert published.get("registry", "/images") is None


def test_a_failed_download_is_not_retried_for_an_hour(server: Server) -> None:
    server.status = 500
    assert published.get("registry", "/images") is None
    server.status = 200
    assert published.get("registry", "/images") is None  # no new request: no wait per run
    assert len(server.requests) == 1
    meta = published.cache_dir() / "registry.meta.json"
    data = json.loads(meta.read_text())
    data["failed"] -= 2 * published.RETRY_AFTER
    meta.write_text(json.dumps(data))
    assert published.get("registry", "/images") == published.Published(b'{"v": 1}', "download")


def test_a_file_never_touches_the_network(server: Server, tmp_path: Path) -> None:
    file = tmp_path / "registry.json"
    file.write_bytes(b"{}")
    assert published.get("registry", "/images", file) == published.Published(
        b"{}", f"file {file}")
    assert server.requests == []
    assert not (published.cache_dir() / "registry.json").exists()


def test_offline_mode_uses_only_the_cache(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    published.get("registry", "/images")
    _age(2)
    monkeypatch.setenv("UPSUN_MIGRATOR_OFFLINE", "1")
    assert published.get("registry", "/images").origin == "cache (offline)"
    assert len(server.requests) == 1
    assert os.environ["UPSUN_MIGRATOR_META_URL"] == server.url
