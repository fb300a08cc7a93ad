"""`migrate --check [--diff]`: writes nothing, one line per pending file, exit 1 / 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import METADATA_ARGS, run, transcript, tree, write_files

APP = "name: app\ntype: 'php:8.4'\ndisk: 512\n"
CONFIG = ("applications:\n  app:\n    type: 'php:8.4'\n"
          "    # resources: upsun resources:set --disk app:512 (legacy disk: 512 MB)\n")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_files(tmp_path / "r", {".platform.app.yaml": APP})


def test_pending_migration_exits_1_and_writes_nothing(repo: Path) -> None:
    before = tree(repo)
    result = run("migrate", "--check", "r")
    assert (result.exit_code, result.stdout) == (1, "would create r/.upsun/config.yaml\n")
    assert result.stderr == ("r: 1 file(s) would change; run `upsun-migrator migrate r` to "
                             "migrate\n")
    assert tree(repo) == before


def test_diff_adds_the_diff(repo: Path, snapshot: SnapshotAssertion) -> None:
    result = run("migrate", "--check", "--diff", "--remove-legacy", "r")
    assert transcript(result) == snapshot
    assert "".join(f"+{line}\n" for line in CONFIG.splitlines()) in result.stdout
    assert run("migrate", "--diff", "r").stdout.startswith(
        "would create r/.upsun/config.yaml\n--- /dev/null\n")  # --diff implies --check


def test_up_to_date_exits_0(repo: Path) -> None:
    assert run("migrate", "r").exit_code == 0
    assert (repo / ".upsun/config.yaml").read_text() == CONFIG
    result = run("migrate", "--check", "r")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "r: up to date (.upsun/ is what migrating writes)\n"
    removal = run("migrate", "--check", "--remove-legacy", "r")
    assert (removal.exit_code, removal.stdout) == (1, "would remove r/.platform.app.yaml\n")
    assert removal.stderr.endswith("run `upsun-migrator migrate --remove-legacy r` to "
                                   "migrate\n")  # no --force: config.yaml stays as it is


def test_existing_upsun_that_differs_exits_1(repo: Path, snapshot: SnapshotAssertion) -> None:
    write_files(repo, {".upsun/config.yaml": CONFIG + "# edited by hand\n"})
    before = tree(repo)
    assert transcript(run("migrate", "--check", "--diff", "r")) == snapshot
    assert tree(repo) == before


def test_nothing_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_files(tmp_path / "done", {".upsun/config.yaml": CONFIG})
    (tmp_path / "empty").mkdir()
    done = run("migrate", "--check", "done")
    assert (done.exit_code, done.stdout, done.stderr) == (
        0, "", "done: already migrated (.upsun/ exists and no legacy files remain)\n")
    empty = run("migrate", "--check", "empty")
    assert (empty.exit_code, empty.stdout, empty.stderr) == (
        0, "", "empty: nothing to migrate (no legacy Platform.sh configuration)\n")


def test_bad_input_is_one_line_and_exit_1(repo: Path, snapshot: SnapshotAssertion) -> None:
    write_files(repo, {".platform.app.yaml": "name: app\ntype: [php\n"})
    result = run("migrate", "--check", "r")
    assert transcript(result) == snapshot
    assert result.stderr.startswith("error: r/.platform.app.yaml:3:") and \
        result.stderr.count("\n") == 1
    assert not (repo / ".upsun").exists()


def test_strict_fails_on_error_findings(repo: Path, snapshot: SnapshotAssertion) -> None:
    write_files(repo, {".platform.app.yaml": APP.replace("8.4", "8.0.1")})
    assert run("migrate", "--check", "r", *METADATA_ARGS).exit_code == 1
    assert run("migrate", "r", "--force", *METADATA_ARGS).exit_code == 0
    relaxed = run("migrate", "--check", "r", *METADATA_ARGS)
    assert relaxed.exit_code == 0  # up to date: the error is said, --strict makes it fail
    assert relaxed.stdout.startswith("error  UPS201  r/.platform.app.yaml:2  php:8.0.1: ")
    assert relaxed.stderr == "r: up to date (.upsun/ is what migrating writes)\n"
    strict = run("migrate", "--check", "--strict", "r", *METADATA_ARGS)
    assert transcript(strict) == snapshot
    assert strict.stdout == relaxed.stdout
    write_files(repo, {".platform.app.yaml": APP.replace("8.4", "7.4")})  # retired: a warning
    assert run("migrate", "r", "--force", *METADATA_ARGS).exit_code == 0
    assert run("migrate", "--check", "--strict", "r", *METADATA_ARGS).exit_code == 0


MIGRATED = {".upsun/config.yaml": "applications:\n  app:\n    type: 'php:8.4'\n"
                                  "    relationships:\n      cache: 'cache:redis'\n"
                                  "services:\n  cache:\n    type: 'redis:{}'\n"}


def test_an_already_migrated_repository_is_checked_against_the_registry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snapshot: SnapshotAssertion) -> None:
    """The CI gate after the migration commit: `--strict` fails on a decommissioned version,
    with UPS201 on its `type:` line in `.upsun/`; a retired one is a warning."""
    monkeypatch.chdir(tmp_path)
    write_files(tmp_path / "done", {rel: text.format("2.8") for rel, text in MIGRATED.items()})
    strict = run("migrate", "--check", "--strict", "done", *METADATA_ARGS)
    assert transcript(strict) == snapshot(name="strict")
    relaxed = run("migrate", "--check", "done", *METADATA_ARGS)
    assert (relaxed.exit_code, relaxed.stdout) == (0, strict.stdout)
    github = run("migrate", "--check", "--strict", "--output-format", "github", "done",
                 *METADATA_ARGS)
    assert transcript(github) == snapshot(name="github")
    document = json.loads(run("migrate", "--check", "--strict", "--output-format", "json", "done",
                              *METADATA_ARGS).stdout)
    assert (document["failed"], [(f["code"], f["severity"], f["line"])
                                 for f in document["findings"]]) == (
        True, [("UPS202", "info", 5), ("UPS201", "error", 8)])
    write_files(tmp_path / "done", {rel: text.format("6.0") for rel, text in MIGRATED.items()})
    retired = run("migrate", "--check", "--strict", "done", *METADATA_ARGS)
    assert transcript(retired) == snapshot(name="retired")


def test_check_as_github_annotations_and_json(repo: Path, snapshot: SnapshotAssertion) -> None:
    write_files(repo, {".platform.app.yaml": APP.replace("8.4", "7.4")})
    result = run("migrate", "--check", "--remove-legacy", "--output-format", "github", "r",
                 *METADATA_ARGS)
    assert transcript(result) == snapshot
    result = run("migrate", "--check", "--output-format", "json", "r", *METADATA_ARGS)
    assert json.loads(result.stdout) == {
        "version": 1, "path": "r", "failed": False,
        "pending": [{"path": "r/.upsun/config.yaml", "action": "create"}],
        "message": "r: 1 file(s) would change; run `upsun-migrator migrate r` to migrate",
        "findings": []}
    assert result.stderr.startswith("would create r/.upsun/config.yaml\n")
