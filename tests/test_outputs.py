"""Report files (--report, --json, --resources-script): checked before the repository is touched.

The class of bug: an output that fails after the repository was written (and the legacy files
removed). Every output is now written in full beside its target before the repository changes,
and put in place after it; so for every output option and every kind of bad target, the run
stops with one line naming the path and the repository byte-identical; and when the repository
write fails, no report claiming success appears.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
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


# Issue 23 item 9: a target that is not a regular file is written in place, once, at the end,
# and never probed by opening it; the run's own descriptors are written to, never opened.

def _migrator(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)], text=True,
                          env=env, check=False, timeout=120, **kwargs)  # type: ignore[call-overload]


@pytest.mark.parametrize("target", ["/dev/stdout", "/dev/fd/1", "-"])
def test_json_to_stdout_into_a_pipe(project: Path, target: str) -> None:
    """`/dev/stdout` was resolved to `/proc/self/fd/1`, then to `pipe:[…]`: "No such file"."""
    _repo(project)
    done = _migrator("migrate", "--dry-run", "--json", target, project, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["written"] is False
    assert done.stderr.startswith("--- /dev/null\n+++ b/.upsun/config.yaml\n")


@pytest.mark.parametrize("option", ["--json", "--report"])
def test_output_to_stdout_redirected_to_a_file_keeps_what_was_printed(
        project: Path, tmp_path: Path, option: str) -> None:
    """The rename replaced the file stdout was redirected to: what the shell and the run had
    printed there before was lost."""
    _repo(project)
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        stream.write("printed before\n")
        stream.flush()
        inode = os.fstat(stream.fileno()).st_ino
        done = _migrator("migrate", option, "/dev/stdout", project, stdout=stream,
                         stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_ino == inode
    text = out.read_text()
    if option == "--json":  # as with `-`: stdout holds the JSON, the text report goes to stderr
        assert text.startswith("printed before\n{\n")
        assert json.loads(text.removeprefix("printed before\n"))["written"] is True
        assert "Migrated: 1 application(s)" in done.stderr
    else:  # the text report, then the Markdown one
        assert text.startswith("printed before\nMigrated: 1 application(s)")
        assert text.index("Migrated: 1 application(s)") < text.index("# Upsun migration report\n")


def test_output_to_another_descriptor(project: Path) -> None:
    """`/dev/fd/N`: the descriptor N the run was given, as a shell redirection reads it."""
    _repo(project)
    read, write = os.pipe()
    try:
        done = _migrator("migrate", "--json", f"/dev/fd/{write}", project, pass_fds=(write,),
                         capture_output=True)
    finally:
        os.close(write)
    with os.fdopen(read) as stream:
        received = stream.read()
    assert done.returncode == 0, done.stderr
    assert json.loads(received)["written"] is True
    assert done.stdout.startswith("Migrated: 1 application(s)")


def test_output_to_stderr_comes_after_the_text_on_it(project: Path) -> None:
    _repo(project)
    result = run("migrate", "--output-format", "json", "--report", "/dev/stderr", project)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Migrated: 1 application(s)")
    assert result.stderr.index("Migrated:") < result.stderr.index("# Upsun migration report\n")
    assert json.loads(result.stdout)["written"] is True


def test_output_to_a_descriptor_that_is_not_open_changes_nothing(project: Path) -> None:
    before = tree(_repo(project))
    result = run("migrate", "--remove-legacy", "--json", "/dev/fd/97", project)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "", "error: /dev/fd/97: cannot write: Bad file descriptor\n")
    assert tree(project) == before


def test_bulk_summary_to_a_fifo_is_written_once_at_the_end(tmp_path: Path) -> None:
    """The up-front probe opened and closed the FIFO: its reader took that for the end of its
    input and left, and the summary's write then waited for ever for another one."""
    fleet = tmp_path / "fleet"
    _repo(fleet / "one")
    fifo = tmp_path / "summary.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        done = _migrator("bulk", "--dry-run", "--jobs", "1", fleet, "--summary-md", fifo,
                         capture_output=True)
        received, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert done.returncode == 0, done.stderr
    assert received.startswith("# Upsun migration: fleet overview\n\n1 repository: 1 dry-run.\n")
    assert f"| `{fleet / 'one'}` | dry-run |" in received
    assert received.count("# Upsun migration: fleet overview") == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_migrate_report_to_a_fifo(project: Path, tmp_path: Path) -> None:
    _repo(project)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        done = _migrator("migrate", "--report", fifo, project, capture_output=True)
        received, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert done.returncode == 0, done.stderr
    assert received.startswith("# Upsun migration report\n")
