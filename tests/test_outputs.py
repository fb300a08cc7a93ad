"""Report files (--report, --json, --resources-script): checked before the repository is touched.

The class of bug: an output that fails after the repository was written (and the legacy files
removed). Every output is now written in full beside its target before the repository changes,
and put in place after it; so for every output option and every kind of bad target, the run
stops with one line naming the path and the repository byte-identical; and when the repository
write fails, no report claiming success appears.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run, tree, write_files

APP = "name: app\ntype: 'php:8.4'\n"
DB = "db:\n  type: 'mariadb:11.4'\n"
OPTIONS = ("--report", "--json", "--resources-script")


def _repo(project: Path) -> Path:
    return write_files(project, {".platform.app.yaml": APP, ".platform/services.yaml": DB})


def test_json_to_a_missing_folder_changes_nothing(project: Path) -> None:
    before = tree(_repo(project))
    result = run("migrate", "--remove-legacy", "--json", "/nonexistent/r.json", project)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: /nonexistent/r.json: cannot write: No such file or directory\n")
    assert tree(project) == before


def _bad_targets(project: Path, scratch: Path) -> dict[str, tuple[list[str], str, str]]:
    """name -> (extra arguments, the target, the expected message after `error: TARGET: `)."""
    (scratch / "a-folder").mkdir()
    return {
        "a missing folder": ([], str(scratch / "no" / "r.txt"),
                             "cannot write: No such file or directory"),
        "a folder": ([], str(scratch / "a-folder"), "cannot write: Is a directory"),
        "a legacy file": ([], str(project / ".platform/services.yaml"),
                          "cannot write: the migration reads, writes or removes this file"),
        "the config to be written": ([], str(project / ".upsun/config.yaml"),
                                     "cannot write: the migration reads, writes or removes this "
                                     "file"),
        "the path of another output": (["--report", str(scratch / "same")], str(scratch / "same"),
                                       "cannot write: two outputs name this file"),
    }


@pytest.mark.parametrize("option", OPTIONS[1:])
@pytest.mark.parametrize("bad", ["a missing folder", "a folder", "a legacy file",
                                 "the config to be written", "the path of another output"])
def test_a_bad_output_stops_the_run_before_the_repository_changes(
        project: Path, tmp_path: Path, option: str, bad: str) -> None:
    _repo(project)
    extra, target, message = _bad_targets(project, tmp_path)[bad]
    before, outside = tree(project), tree(tmp_path / "a-folder")
    result = run("migrate", "--remove-legacy", *extra, option, target, project)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"error: {target}: {message}\n")
    assert tree(project) == before
    assert tree(tmp_path / "a-folder") == outside
    assert [p.name for p in tmp_path.rglob("*.upsun-migrator.tmp")] == []


@pytest.mark.parametrize("option", OPTIONS)
def test_each_output_is_written_after_a_successful_run(project: Path, tmp_path: Path,
                                                       option: str) -> None:
    _repo(project)
    target = tmp_path / "out"
    result = run("migrate", "--remove-legacy", option, target, project)
    assert result.exit_code == 0, result.stderr
    assert not (project / ".platform").exists()
    first_line = {"--report": "# Upsun migration report\n", "--json": "{\n",
                  "--resources-script": "#!/bin/sh\n"}[option]
    assert target.read_text().startswith(first_line)
    assert bool(target.stat().st_mode & 0o111) == (option == "--resources-script")
    assert [p.name for p in tmp_path.rglob("*.upsun-migrator.tmp")] == []


def test_no_report_appears_when_the_repository_write_fails(project: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _repo(project)
    before = tree(project)

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "link", full_disk)
    result = run("migrate", "--remove-legacy", "--report", tmp_path / "r.md", "--json",
                 tmp_path / "r.json", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .upsun/config.yaml: cannot write: No space left on device\n")
    assert tree(project) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


def test_output_to_a_character_device(project: Path) -> None:
    _repo(project)
    result = run("migrate", "--json", "/dev/null", project)
    assert result.exit_code == 0, result.stderr
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("option", ["--summary", "--summary-md"])
def test_bulk_summary_path_is_checked_before_any_repository(tmp_path: Path, option: str) -> None:
    fleet = tmp_path / "fleet"
    _repo(fleet / "one")
    _repo(fleet / "two")
    before = tree(fleet)
    target = tmp_path / "no" / "summary.csv"
    result = run("bulk", fleet, option, target)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", f"error: {target}: cannot write: No such file or directory\n")
    assert tree(fleet) == before


@pytest.mark.parametrize(("option", "before", "after"), [
    ("--report", 0o600, 0o600), ("--json", 0o640, 0o640), ("--report", None, 0o644),
    ("--resources-script", None, 0o755), ("--resources-script", 0o600, 0o700),
    ("--resources-script", 0o644, 0o755)])
def test_a_replaced_report_file_keeps_its_permissions(
        option: str, before: int | None, after: int, project: Path, tmp_path: Path) -> None:
    _repo(project)
    target = tmp_path / "out.txt"
    if before is not None:
        target.write_text("old\n")
        target.chmod(before)
    old_umask = os.umask(0o022)
    try:
        assert run("migrate", option, target, project).exit_code == 0
    finally:
        os.umask(old_umask)
    assert target.read_text() != "old\n"
    assert target.stat().st_mode & 0o777 == after


@pytest.mark.parametrize("option", ["--summary", "--summary-md"])
def test_a_replaced_bulk_summary_keeps_its_permissions(tmp_path: Path, option: str) -> None:
    fleet = tmp_path / "fleet"
    _repo(fleet / "one")
    target = tmp_path / ("summary.jsonl" if option == "--summary" else "summary.md")
    target.write_text("old\n")
    target.chmod(0o600)
    assert run("bulk", "--dry-run", "--jobs", "1", fleet, option, target).exit_code == 0
    assert target.read_text() != "old\n"
    assert target.stat().st_mode & 0o777 == 0o600
