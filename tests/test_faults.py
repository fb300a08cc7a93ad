"""Faults: a killed process, two processes at once, a full disk, a bug. Never a partial file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from migrator.migration.runner import UP_TO_DATE
from migrator.model import PlannedFile
from tests.conftest import Result, run, transcript, tree, write_files

APP = "name: app\ntype: 'php:8.4'\ndisk: 512\n"
SERVICES = "search:\n  type: solr:9.6\n  configuration:\n    cores:\n      main:\n" \
           "        conf_dir: !archive 'conf'\n"


def _big_repo(root: Path) -> Path:
    """A repository whose migration writes many files (a large `!archive` folder)."""
    files = {".platform.app.yaml": APP, ".platform/services.yaml": SERVICES}
    files.update({f".platform/conf/file{i:03d}.xml": f"<x>{i}</x>\n" * 50 for i in range(300)})
    return write_files(root, files)


def _spawn(root: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, UPSUN_MIGRATOR_OFFLINE="1")
    return subprocess.Popen([sys.executable, "-m", "migrator", "migrate", *args, str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            text=True)


def _temps(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*.upsun-migrator.tmp"))


def test_sigkill_at_any_moment_never_leaves_a_partial_config(tmp_path: Path) -> None:
    reference = _big_repo(tmp_path / "reference")
    assert run("migrate", reference).exit_code == 0
    expected = (reference / ".upsun/config.yaml").read_bytes()
    root = _big_repo(tmp_path / "repo")
    for delay in (0.02, 0.05, 0.08, 0.11, 0.14, 0.17, 0.2, 0.25, 0.3, 0.4):
        process = _spawn(root, "--force")
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        config = root / ".upsun/config.yaml"
        assert not config.exists() or config.read_bytes() == expected, delay
    finished = _spawn(root, "--force")
    finished.communicate()
    assert finished.returncode == 0
    assert (root / ".upsun/config.yaml").read_bytes() == expected
    assert _temps(root) == []
    assert sorted(tree(root)) == sorted(tree(reference))


REFUSED = "error: .upsun/config.yaml: already exists; pass --force to replace it\n"


@pytest.mark.parametrize("round_", range(4))
def test_two_processes_at_once(tmp_path: Path, round_: int) -> None:
    """Exactly one writes; the other is refused when the two met while writing, or finds the
    config up to date when it planned after the first wrote (running twice is a no-op)."""
    root = _big_repo(tmp_path / "repo")
    reference = _big_repo(tmp_path / "reference")
    assert run("migrate", reference).exit_code == 0
    first, second = _spawn(root), _spawn(root)
    stderrs = [process.communicate()[1] for process in (first, second)]
    outcomes = sorted((process.returncode, stderr) for process, stderr
                      in zip((first, second), stderrs, strict=True))
    assert outcomes[0][0] == 0
    # the processes run in tmp_path: the repository is shown as `repo` (migrator.where.shown)
    assert outcomes[1] in ((1, REFUSED.replace("error: ", "error: repo/")),
                           (0, f"repo: {UP_TO_DATE}\n")), outcomes
    assert tree(root) == tree(reference)
    assert _temps(root) == []


def test_a_config_created_meanwhile_is_never_replaced(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The race made deterministic: another run publishes config.yaml after our check."""
    from migrator.migration import writer

    write_files(project, {".platform.app.yaml": APP})
    real = writer._write_temp

    def meanwhile(root: Path, planned: PlannedFile, durable: bool) -> tuple[Path, Path]:
        if planned.path == ".upsun/config.yaml":
            write_files(root, {".upsun/config.yaml": "theirs: true\n"})
        return real(root, planned, durable)

    monkeypatch.setattr(writer, "_write_temp", meanwhile)
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (1, REFUSED)
    assert (project / ".upsun/config.yaml").read_text() == "theirs: true\n"
    assert _temps(project) == []


def test_full_disk_keeps_the_previous_state(project: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    write_files(project, {".platform.app.yaml": APP, ".upsun/config.yaml": "previous: true\n"})
    before = tree(project)

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    result = run("migrate", "--force", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .upsun/config.yaml: cannot write: No space left on device\n")
    assert tree(project) == before


@pytest.mark.parametrize(("options", "before", "forced"), [
    # a new file beside the legacy files it comes from: nothing of the user's is at stake
    ((), {}, []),
    # it replaces a file: on disk first, so a power failure leaves the old file or the new one
    (("--force",), {".upsun/config.yaml": "previous: true\n"}, [".upsun/config.yaml"]),
    # legacy files go: everything that replaces them is on disk first
    (("--remove-legacy",), {}, [".upsun/config.yaml", ".upsun/conf/file000.xml"]),
])
def test_a_write_is_forced_to_disk_before_it_replaces_or_deletes(
        project: Path, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...],
        before: dict[str, str], forced: list[str]) -> None:
    files = {".platform.app.yaml": APP, ".platform/services.yaml": SERVICES,
             ".platform/conf/file000.xml": "<x/>\n", **before}
    write_files(project, files)
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        synced.append(Path(name).relative_to(project.resolve()).as_posix())
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = run("migrate", *options, project)
    assert result.exit_code == 0, result.stderr
    assert sorted(synced) == sorted(f"{p.rsplit('/', 1)[0]}/.{p.rsplit('/', 1)[1]}."
                                    f"{os.getpid()}.upsun-migrator.tmp" for p in forced)
    assert (project / ".upsun/conf/file000.xml").read_text() == "<x/>\n"


def test_a_rerun_names_a_config_a_power_failure_left_empty(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP, ".upsun/config.yaml": ""})
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .upsun/config.yaml: already exists and is empty; pass --force to replace it\n")
    assert (project / ".upsun/config.yaml").read_text() == ""


def test_an_unexpected_exception_is_one_line_and_exit_3(project: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        snapshot: SnapshotAssertion) -> None:
    from migrator.migration import pipeline

    def bug(*args: object, **kwargs: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(pipeline, "migrate", bug)
    write_files(project, {".platform.app.yaml": APP})
    assert transcript(run("migrate", project)) == snapshot
    debug = run("migrate", "--debug", project)
    assert debug.exit_code == 3
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert debug.stderr.endswith("run again with --debug\n")
    assert not (project / ".upsun").exists()


def test_ctrl_c_is_one_line_and_exit_130(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.migration import pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "migrate", interrupted)
    write_files(project, {".platform.app.yaml": APP})
    assert run("migrate", project) == Result(130, "", "interrupted\n")
    assert not (project / ".upsun").exists()


def test_read_only_repository_is_a_clean_error(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """As root the permission bits do not stop writes, so the refusal is simulated at mkdir."""
    write_files(project, {".platform.app.yaml": APP})
    real_mkdir = Path.mkdir

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        if self.name == ".upsun":
            raise PermissionError(13, "Permission denied", str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", read_only)
    before = tree(project)
    result = run("migrate", project)
    assert (result.exit_code, result.stderr) == (
        1, "error: .upsun: cannot write: Permission denied\n")
    assert tree(project) == before


def test_a_change_between_planning_and_writing_is_refused(tmp_path: Path) -> None:
    """The plan is checked again when it is written: with `--code` the codemod runs between
    the two, and `.upsun` may have become a link out of the repository meanwhile."""
    from migrator.errors import RefusedError
    from migrator.migration import runner
    from migrator.migration.pipeline import Metadata

    project, outside = tmp_path / "project", tmp_path / "outside"
    write_files(project, {".platform.app.yaml": APP})
    outside.mkdir()
    done = runner.plan(project, runner.Options(), Metadata())
    (project / ".upsun").symlink_to(outside)
    with pytest.raises(RefusedError) as refused:
        runner.write_planned(done, runner.Options())
    assert str(refused.value) == ".upsun: .upsun is a symbolic link; refusing to write through it"
    assert list(outside.iterdir()) == []


# -- the one way the tool writes a file: files.write_temp / files.replace_file -----------------

def test_every_file_the_tool_writes_goes_through_the_writer() -> None:
    """One atomic-write helper. outputs.py publishes the temporary files `write_temp` made
    (os.replace) and writes a target that is no regular file, a FIFO or a device, directly:
    such a target cannot take a rename (a descriptor, `/dev/fd/N`, is written with os.write)."""
    from tests.conftest import REPO

    found = []
    for path in sorted((REPO / "migrator").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in ("os.replace", "os.rename", ".rename(", ".write_text", ".write_bytes",
                     '"wb"', '"w"', '"ab"', '"a"', "O_CREAT"):
            if call in text and path.name not in ("writer.py", "files.py"):
                found.append((path.relative_to(REPO).as_posix(), call))
    assert found == [("migrator/report/outputs.py", "os.replace"),
                     ("migrator/report/outputs.py", ".write_text")]


def test_replace_file_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    from migrator.files import replace_file

    script = tmp_path / "run.py"
    script.write_text("old\n")
    script.chmod(0o751)
    replace_file(script, b"new\n")
    assert (script.read_bytes(), script.stat().st_mode & 0o777) == (b"new\n", 0o751)
    fresh = tmp_path / "fresh.txt"
    replace_file(fresh, b"x")
    assert fresh.read_bytes() == b"x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.txt", "run.py"]


@pytest.mark.parametrize("target", ["a-folder", "missing/file.txt"])
def test_replace_file_that_fails_leaves_no_temporary_file(target: str, tmp_path: Path) -> None:
    from migrator.files import replace_file

    (tmp_path / "a-folder").mkdir()
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    with pytest.raises(OSError):
        replace_file(tmp_path / target, b"data")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_the_codemod_keeps_an_executable_file_executable(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import TESTS

    app = tmp_path / "django"
    shutil.copytree(TESTS / "fixtures" / "code" / "django", app)
    before = {path: path.read_bytes() for path in app.rglob("*.py")}
    for path in before:
        path.chmod(0o755)
    written = run("codemod", "--write", "--service-env-vars", "--fix-production-check", app)
    assert written.exit_code == 0, written.stdout + written.stderr
    assert [p for p in before if p.read_bytes() != before[p]] != []  # something was rewritten
    assert {p.stat().st_mode & 0o777 for p in before} == {0o755}
    assert _temps(tmp_path) == []
