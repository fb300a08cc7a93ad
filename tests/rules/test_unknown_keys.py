"""UPS011: the keys it keeps are the schema's (with the documented deviations); a worker keeps
its own `container_profile`."""

from __future__ import annotations

import json
from pathlib import Path

from migrator.rules.unknown_keys import APP_KEYS, SERVICE_KEYS, WORKER_KEYS
from migrator.upsun import deviations
from tests.conftest import SCHEMAS
from tests.rules.helpers import codes, migrated

UPSUN = json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8"))


def _properties(schema: dict[str, object], *path: str) -> set[str]:
    node: object = schema
    for key in path:
        assert isinstance(node, dict)
        node = node[key]
    assert isinstance(node, dict)
    return set(node)


def test_kept_keys_are_the_properties_the_schema_check_accepts() -> None:
    checked = deviations.apply(UPSUN)
    app = ("properties", "applications", "additionalProperties", "properties")
    assert _properties(checked, *app) == APP_KEYS
    assert _properties(checked, *app, "workers", "additionalProperties", "properties") == \
        WORKER_KEYS
    assert _properties(checked, "properties", "services", "additionalProperties",
                       "properties") == SERVICE_KEYS
    upstream = _properties(UPSUN, *app, "workers", "additionalProperties", "properties")
    assert WORKER_KEYS - upstream == {"container_profile"}  # the one documented deviation
    assert json.loads((SCHEMAS / "upsun.json").read_text(encoding="utf-8")) == UPSUN  # unchanged


def test_a_worker_keeps_its_container_profile(tmp_path: Path) -> None:
    result = migrated(tmp_path, {".platform.app.yaml": """
        name: app
        type: 'php:8.4'
        container_profile: HIGH_CPU
        workers:
            queue:
                commands:
                    start: ./queue
                container_profile: HIGH_MEMORY  # the worker's own
                cron: 'not a worker key'
        """})
    assert result.config_text == (
        "applications:\n"
        "    app:\n"
        "        type: 'php:8.4'\n"
        "        container_profile: HIGH_CPU\n"
        "        workers:\n"
        "            queue:\n"
        "                commands:\n"
        "                    start: ./queue\n"
        "                container_profile: HIGH_MEMORY  # the worker's own\n"
        "                # cron: removed, Upsun does not accept this key (see the migration "
        "report)\n")
    assert codes(result.findings, "UPS011") == [
        "warning .platform.app.yaml:9 `applications.app.workers.queue.cron` is not accepted by "
        "Upsun and was removed; it was: cron: not a worker key"]


def test_the_schema_checks_accept_a_worker_profile_and_refuse_a_wrong_one(tmp_path: Path) -> None:
    from tests.conftest import METADATA_ARGS, run, write_files

    config = ("applications:\n  app:\n    type: 'php:8.4'\n    workers:\n      queue:\n"
              "        commands:\n          start: ./queue\n        container_profile: {}\n")
    write_files(tmp_path, {".upsun/config.yaml": config.format("HIGHER_MEMORY")})
    assert run("validate", tmp_path, *METADATA_ARGS).exit_code == 0
    write_files(tmp_path, {".upsun/config.yaml": config.format("BOGUS")})
    refused = run("validate", tmp_path, *METADATA_ARGS)
    assert refused.exit_code == 1
    assert refused.stdout.startswith(".upsun/config.yaml:8: "
                                     "applications.app.workers.queue.container_profile: ")
