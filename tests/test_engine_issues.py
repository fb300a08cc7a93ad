"""Regression tests for the issue-12 defects the engine fixes, each named by its class.

Classes and the tests that guard them as a whole: values a rule is not about must not change
(verify.prove on every run, tests/test_corpus.py, tests/test_properties.py); every comment
reaches the output (tests/test_census.py); every printable code has a registry entry
(test_every_code_the_sources_can_print_is_registered); output is deterministic
(test_two_fresh_processes_write_identical_output).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrator.migration.pipeline import migrate
from migrator.model import Settings
from migrator.rules import RULES
from migrator.rules.codes import CODES
from tests.conftest import FIXTURES, METADATA_ARGS, REPO, run, write_files

APP = "name: app\ntype: 'php:8.4'\n"


def test_12_2_a_null_overriding_a_merged_route_key_is_not_inherited(project: Path) -> None:
    """Class: a removal under `<<` lets the merged value show through (silent change)."""
    write_files(project, {".platform.app.yaml": APP, ".platform/routes.yaml": (
        '"https://{default}/": &main {type: upstream, upstream: "app:http", id: main, '
        'primary: true}\n'
        '"http://{default}/": {<<: *main, id: ~, primary: null}\n'
        '"https://www.{default}/":\n    <<: *main\n    id: ~\n    cache: {enabled: false}\n')})
    result = migrate(project, Settings())
    assert result.config_text.split("routes:\n")[1] == (
        '    "https://{default}/": &main {type: upstream, upstream: "app:http", id: main, '
        'primary: true}\n'
        '    # primary: null removed (null meant the default)\n'
        '    # id: null removed (null meant the default)\n'
        '    "http://{default}/": {type: upstream, upstream: "app:http"}\n'
        '    "https://www.{default}/":\n'
        '        type: upstream\n        upstream: "app:http"\n        primary: true\n'
        '        # id: null removed (null meant the default)\n'
        '        cache: {enabled: false}\n')


def test_12_5_a_services_file_of_comments_only_keeps_them(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP,
                          ".platform/services.yaml": "# db:\n#   type: mariadb:11.4\n"})
    assert migrate(project, Settings()).config_text == (
        "applications:\n  app:\n    type: 'php:8.4'\n# db:\n#   type: mariadb:11.4\n")


def test_12_5_hint_for_a_removal_in_flow_style_stands_outside_the_braces(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP,
                          ".platform/services.yaml": "db: {type: 'mariadb:11.4', disk: 512}\n"})
    assert migrate(project, Settings()).config_text.split("services:\n")[1] == (
        "  # resources: upsun resources:set --disk db:512 (legacy disk: 512 MB)\n"
        "  db: {type: 'mariadb:11.4'}\n")


def test_12_5_a_removed_keys_comment_reaches_the_report(project: Path,
                                                        tmp_path: Path) -> None:
    write_files(project, {".platform.app.yaml": APP + "size: M   # needs more memory\n"})
    report = tmp_path / "r.json"
    assert run("migrate", project, "--json", report).exit_code == 0
    hint = json.loads(report.read_text())["resources"]["containers"][0]
    assert hint["notes"] == ["comment on the removed line: # needs more memory"]
    assert (project / ".upsun/config.yaml").read_text().endswith(
        "    # resources: upsun resources:set --size app:0.5 (legacy size: M, 0.40 CPU / 128 MB)\n"
        "    # needs more memory\n")


def test_12_19_crlf_with_a_comment_before_a_removed_key(project: Path) -> None:
    (project / ".platform.app.yaml").write_bytes(
        b"name: app\r\ntype: 'php:8.4'\r\n# sizing\r\nsize: S\r\nhooks:\r\n  build: |\r\n"
        b"    make\r\n")
    assert migrate(project, Settings()).config_text.encode() == (
        b"applications:\r\n  app:\r\n    type: 'php:8.4'\r\n    # sizing\r\n"
        b"    # resources: upsun resources:set --size app:0.5 (legacy size: S, 0.40 CPU / 128 MB)"
        b"\r\n"
        b"    hooks:\r\n      build: |\r\n        make\r\n")


def test_12_7_upgrade_retired_with_a_json_report(project: Path, tmp_path: Path) -> None:
    """Was: exit 3, KeyError 'UPS203' (report titles knew only the rules and UPS090)."""
    write_files(project, {".platform.app.yaml": "name: app\ntype: 'php:7.4'\n"})
    report = tmp_path / "r.json"
    result = run("migrate", project, "--upgrade-retired", "--json", report, *METADATA_ARGS)
    assert result.exit_code == 0, result.stderr
    change = [c for c in json.loads(report.read_text())["changes"] if c["code"] == "UPS203"]
    assert [(c["rule"], c["before"]) for c in change] == [("upgrade-retired", "php:7.4")]


def test_every_code_the_sources_can_print_is_registered() -> None:
    """Class: a code printed without a registry entry (a report that crashes on it)."""
    printed = set()
    for path in (REPO / "migrator").rglob("*.py"):
        printed |= set(re.findall(r"\"(UPS\d{3})\"", path.read_text(encoding="utf-8")))
    assert printed - set(CODES) == set()
    assert {rule.CODE: rule.TITLE for rule in RULES} == {
        code: entry.title for code, entry in CODES.items() if entry.source == "rule"}
    assert {"UPS090", "UPS201", "UPS202", "UPS203", "UPS199"} <= set(CODES)


def test_two_fresh_processes_write_identical_output() -> None:
    """Class: output that depends on object identity or ordering inside one process."""
    outputs = {subprocess.run([sys.executable, "-m", "migrator", "migrate", "--dry-run",
                               str(FIXTURES / name)], capture_output=True, text=True,
                              check=True).stdout
               for name in ("anchors", "anchors-multi-app") for _ in range(2)}
    assert len(outputs) == 2


def test_12_10_app_include_paths_start_at_source_root(project: Path) -> None:
    """Class: paths resolved from the wrong base (false refusals, false warnings)."""
    write_files(project, {
        ".platform/applications.yaml": (
            "api:\n  type: 'php:8.4'\n  source:\n    root: backend\n"
            "  hooks:\n    build: !include {type: string, path: build.sh}\n"
            "web:\n  type: 'nodejs:24'\n  source:\n    root: web\n  hooks:\n"
            "    build: !include {type: string, path: ../.platform/scripts/build.sh}\n"),
        "backend/build.sh": "make\n", "web/index.js": "\n",
        ".platform/scripts/build.sh": "npm ci\n"})
    result = migrate(project, Settings())
    assert [f.message for f in result.findings if f.code == "UPS008"] == []


def test_12_14_an_absolute_include_in_applications_yaml_names_the_file(project: Path) -> None:
    write_files(project, {".platform/applications.yaml": "- !include /etc/passwd\n"})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .platform/applications.yaml:1: !include of absolute path '/etc/passwd' is "
           "not allowed\n")


def test_no_rule_touches_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/STYLE.md: rules never touch the disk. What they read was loaded before them
    (discovery); a file they need is looked for after them (`ctx.require`, the pipeline)."""
    import builtins
    import os

    from migrator.errors import MigratorError
    from tests.conftest import CORPUS

    running: list[str] = []
    touched: list[tuple[str, str, str]] = []

    def watched(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            if running:
                touched.append((running[-1], name, str(args[0]) if args else ""))
            return real(*args, **kwargs)
        return call

    for name in ("stat", "lstat", "open", "listdir", "scandir", "access", "readlink"):
        monkeypatch.setattr(os, name, watched(f"os.{name}", getattr(os, name)))
    monkeypatch.setattr(builtins, "open", watched("open", builtins.open))
    for rule in RULES:
        def apply(ctx: Any, rule: Any = rule, real: Any = rule.apply) -> None:
            running.append(rule.CODE)
            try:
                real(ctx)
            finally:
                running.pop()
        monkeypatch.setattr(rule, "apply", apply)
    looked_for = 0  # runs whose includes were looked for, so UPS008 had work to do
    roots = sorted(FIXTURES.iterdir()) + sorted(p for p in CORPUS.iterdir() if p.is_dir())
    for root in roots:
        try:
            result = migrate(root, Settings())
        except MigratorError as error:
            looked_for += "which does not exist" in str(error)
            continue
        looked_for += any(f.code == "UPS008" for f in result.findings)
    assert touched == []
    assert looked_for >= 10
