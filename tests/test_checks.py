"""Checks against the image registry (UPS201-UPS203), on the tests' copy of the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from migrator.model import Settings
from migrator.pipeline import Metadata, migrate
from migrator.registry import Registry
from tests.conftest import DATA, METADATA_ARGS, REGISTRY, run
from tests.rules.helpers import codes, migrated

APP = """
name: app
type: '{app}'
relationships:
    database: 'db:{endpoint}'
    admin: 'db:admin'
    self: 'app:http'
    wrong: 'app:mysql'
"""
SERVICES = """
db:
    type: '{db}'
    configuration:
        endpoints:
            admin:
                default_schema: main
                privileges:
                    main: admin
cache:
    type: 'redis-persistent:8.0'
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(json.loads(REGISTRY.read_text(encoding="utf-8")))


def _run(root: Path, registry: Registry, app: str = "php:8.4", db: str = "mariadb:11.4",
         endpoint: str = "mysql", upgrade: bool = False) -> tuple[list[str], list[str]]:
    for rel, text in {".platform.app.yaml": APP.format(app=app, endpoint=endpoint),
                      ".platform/services.yaml": SERVICES.format(db=db)}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text.lstrip())
    result = migrate(root, Settings(upgrade_retired=upgrade), Metadata(registry=registry))
    findings = [line for code in ("UPS201", "UPS202", "UPS203")
                for line in codes(result.findings, code)]
    return findings, codes(result.changes, "UPS203")


def test_supported_versions_and_endpoints_pass(tmp_path: Path, registry: Registry) -> None:
    assert _run(tmp_path, registry) == ([
        "warning .platform.app.yaml:7 relationship 'wrong': app offers no endpoint 'mysql' "
        "(it offers: http)"], [])


def test_retired_and_deprecated_versions(tmp_path: Path, registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, app="php:7.4", db="mariadb:10.6")
    assert findings[:2] == [
        "error .platform.app.yaml:2 php:7.4 is retired on Upsun and will not deploy; supported "
        "versions, nearest first: 8.4, 8.5",
        "error .platform/services.yaml:2 mariadb:10.6 is retired on Upsun and will not deploy; "
        "supported versions, nearest first: 11.4, 11.8, 12.3",
    ]
    findings, _ = _run(tmp_path, registry, app="php:8.3")
    assert findings[0] == ("warning .platform.app.yaml:2 php:8.3 is deprecated on Upsun; "
                           "supported versions, nearest first: 8.4, 8.5")


def test_unknown_versions_and_images(tmp_path: Path, registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, app="php:4.0", db="cassandra:3")
    assert findings[:2] == [
        "error .platform.app.yaml:2 php:4.0 is unknown on Upsun and will not deploy; supported "
        "versions, nearest first: 8.4, 8.5",
        "error .platform/services.yaml:2 cassandra:3 is unknown on Upsun and will not deploy "
        "(Upsun has no image 'cassandra')",
    ]


def test_wrong_service_endpoint(tmp_path: Path, registry: Registry) -> None:
    findings, _ = _run(tmp_path, registry, endpoint="postgresql")
    assert findings[0] == ("warning .platform.app.yaml:4 relationship 'database': db offers no "
                           "endpoint 'postgresql' (it offers: admin, mysql)")


def test_upgrade_retired(tmp_path: Path, registry: Registry) -> None:
    findings, changes = _run(tmp_path, registry, app="php:7.4", db="mariadb:10.6", upgrade=True)
    assert changes == [".platform.app.yaml:2 applications.app.type: php:7.4 -> php:8.4",
                       ".platform/services.yaml:2 services.db.type: mariadb:10.6 -> mariadb:11.4"]
    assert findings[-1] == ("warning .platform/services.yaml:2 db: mariadb:10.6 was upgraded to "
                            "mariadb:11.4: export the data before the switch and import it into "
                            "the new service")


def test_upgrade_retired_snapshot(tmp_path: Path, snapshot: SnapshotAssertion) -> None:
    migrated(tmp_path, {".platform.app.yaml": APP.format(app="php:7.4", endpoint="mysql"),
                        ".platform/services.yaml": SERVICES.format(db="mariadb:10.6")})
    result = run("migrate", "--dry-run", "--upgrade-retired", tmp_path, *METADATA_ARGS)
    assert result.exit_code == 0
    assert result.stdout.replace(str(DATA), "<data>") == snapshot


def test_strict_refuses_on_error_findings(tmp_path: Path) -> None:
    migrated(tmp_path, {".platform.app.yaml": APP.format(app="php:7.4", endpoint="mysql"),
                        ".platform/services.yaml": SERVICES.format(db="mariadb:11.4")})
    result = run("migrate", "--strict", tmp_path, *METADATA_ARGS)
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path}: error-level findings and --strict: nothing written\n"
    assert not (tmp_path / ".upsun").exists()
    assert run("migrate", tmp_path, *METADATA_ARGS).exit_code == 0


def test_registry_profiles_feed_the_ram_figures(tmp_path: Path, registry: Registry) -> None:
    migrated(tmp_path, {".platform.app.yaml": "name: app\ntype: 'php:8.4'\nsize: M\n",
                        ".platform/services.yaml": "db:\n  type: 'mariadb:11.4'\n  size: S\n"})
    result = migrate(tmp_path, Settings(), Metadata(registry=registry))
    assert dict(result.profiles) == {"app": "HIGH_CPU", "db": "HIGH_MEMORY"}
