"""The codemod on untrusted repositories (issue 26 item 8, issue 23 item 13): it reads only
regular files inside the repository, bounded; no file ends the run (a crash or a hang of
libcst's parser is a finding for that file); a link is one file, analysed and rewritten once,
and stays a link; every output is valid UTF-8 whatever the file names.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrator import codemod
from migrator.codemod import isolated
from migrator.codemod.isolated import MAX_NESTING, Isolated, too_deep
from migrator.legacy import reading
from tests.conftest import run

SETTINGS = b"from platformshconfig import Config\nconfig = Config()\nB = config.branch\n"
FOUND = ("{}:1:1: UPS141 info [would rewrite] platformshconfig import no longer used: removed\n"
         "{}:3:5: UPS101 info [would rewrite] config.branch -> os.environ[\"PLATFORM_BRANCH\"]\n")
READS = b"import os\nX = os.environ['PLATFORM_BRANCH']\n"


def _files(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _cli(*args: str | Path, memory: int = 2 * 1024 ** 3, timeout: float = 60
         ) -> subprocess.CompletedProcess[bytes]:
    """The installed command in its own process (bytes out), with memory bounded: an unbounded
    read fails here instead of taking the machine's memory."""
    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "migrator", *map(str, args)],
                          capture_output=True, timeout=timeout, preexec_fn=bound, check=False)


def test_files_that_are_not_regular_files_inside_the_repository_are_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = _files(tmp_path / "outside", {"secret.py": SETTINGS})
    repo = _files(tmp_path / "repo", {"app/settings.py": SETTINGS})
    (repo / "zero.py").symlink_to("/dev/zero")
    (repo / "requirements.txt").symlink_to("/dev/zero")
    (repo / "secret.py").symlink_to(outside / "secret.py")
    (repo / "gone.py").symlink_to("nothing.py")
    (repo / "loop.py").symlink_to("loop.py")
    os.mkfifo(repo / "pipe.py")
    monkeypatch.chdir(repo)
    done = _cli("codemod", repo)
    assert done.returncode == 1, done.stderr  # the settings file would be rewritten
    assert done.stdout.decode() == (
        FOUND.format("app/settings.py", "app/settings.py") +
        "gone.py:1:1: UPS199 warning [reported] a symbolic link to nothing: not read\n"
        "loop.py:1:1: UPS199 warning [reported] a loop of symbolic links: not read\n"
        "pipe.py:1:1: UPS199 warning [reported] not a regular file: not read\n"
        "secret.py:1:1: UPS199 warning [reported] a symbolic link to a file outside the "
        "repository: not read\n"
        "zero.py:1:1: UPS199 warning [reported] a symbolic link to a file outside the "
        "repository: not read\n"
        "7 finding(s), 2 would be rewritten, in 1 file(s)\n")


def test_a_file_above_the_bound_is_not_read(tmp_path: Path) -> None:
    repo = _files(tmp_path, {"big.py": READS + b"#" * reading.MAX_BYTES})
    assert codemod.run(repo, codemod.CodeOptions()).findings[0].message == \
        "larger than 1 MB: not analysed"
    with pytest.raises(reading.Unreadable, match="larger than 10 bytes"):
        reading.read(repo / "big.py", limit=10)


def test_brackets_nested_beyond_pythons_limit_are_one_finding(tmp_path: Path) -> None:
    """2,000 nested parentheses ended the run with SIGSEGV in libcst's parser."""
    deep = READS + b"Y = " + b"(" * 2000 + b"1" + b")" * 2000 + b"\n"
    repo = _files(tmp_path, {"deep.py": deep, "settings.py": SETTINGS})
    done = run("codemod", repo)
    assert (done.exit_code, done.stdout) == (1, (
        "deep.py:3:205: UPS199 warning [reported] cannot parse: brackets nested more than 200 "
        "deep, which Python refuses (\"too many nested parentheses\")\n" +
        FOUND.format("settings.py", "settings.py") +
        "3 finding(s), 2 would be rewritten, in 1 file(s)\n"))


@given(depth=st.integers(1, 2 * MAX_NESTING), brackets=st.text("([{", min_size=1, max_size=3),
       quoted=st.booleans())
def test_too_deep_is_pythons_own_verdict(depth: int, brackets: str, quoted: bool) -> None:
    """Oracle: CPython's compiler, whose tokenizer refuses the 201st nested bracket; brackets
    inside a string do not count."""
    opening = "".join(brackets[i % len(brackets)] for i in range(depth))
    closing = "".join({"(": ")", "[": "]", "{": "}"}[c] for c in reversed(opening))
    expression = opening + "1" + closing
    source = f"x = 1\ny = {expression!r}\n" if quoted else f"x = 1\ny = {expression}\n"
    try:
        compile(source, "s.py", "exec")
        refused = False
    except SyntaxError as exc:
        refused = exc.msg == "too many nested parentheses"
    assert (too_deep(source) is not None) == refused
    assert refused == (depth > MAX_NESTING and not quoted)


def test_a_crash_of_libcsts_parser_is_a_finding_and_the_run_goes_on(tmp_path: Path) -> None:
    """Valid Python (CPython compiles it) on which libcst 1.9's parser dies with SIGSEGV."""
    crash = READS + b"Y = " + b" and ".join([b"a"] * 20_000) + b"\n"
    compile(crash, "crash.py", "exec")
    repo = _files(tmp_path, {"crash.py": crash, "settings.py": SETTINGS})
    done = codemod.run(repo, codemod.CodeOptions())
    assert [str(f) for f in done.findings][0].startswith(
        "crash.py:1:1: UPS199 warning [reported] not analysed: libcst's parser crashed on "
        "this file (signal SIG")
    assert [f.file for f in done.findings[1:]] == ["settings.py", "settings.py"]
    assert [c.path for c in done.changes] == ["settings.py"]


def _dies(rel: str, *_args: object) -> tuple[list[object], None]:
    if rel == "dies.py":
        os.kill(os.getpid(), 11)
    if rel == "hangs.py":
        import time

        time.sleep(60)
    if rel == "bug.py":
        raise KeyError("a bug")
    return [rel], None


def test_isolated_survives_crashes_and_hangs_and_raises_bugs() -> None:
    with Isolated(_dies, timeout=2) as child:  # type: ignore[arg-type]
        assert child.run("a.py") == (["a.py"], None)
        assert [str(f) for f in child.run("dies.py")[0]] == [
            "dies.py:1:1: UPS199 warning [reported] not analysed: libcst's parser crashed on "
            "this file (signal SIGSEGV)"]
        assert child.run("b.py") == (["b.py"], None)  # a new child
        assert [str(f) for f in child.run("hangs.py")[0]] == [
            "hangs.py:1:1: UPS199 warning [reported] not analysed: it took libcst more than 2 s"]
        assert child.run("c.py") == (["c.py"], None)
        with pytest.raises(isolated._Failed, match="KeyError: 'a bug'"):
            child.run("bug.py")


def test_a_file_that_keeps_libcst_busy_is_a_finding(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolated, "TIMEOUT", 1.0)
    busy = READS + b"Y = " + b"+".join([b"1"] * 20_000) + b"\n"  # over a minute in libcst 1.9
    repo = _files(tmp_path, {"busy.py": busy, "settings.py": SETTINGS})
    done = codemod.run(repo, codemod.CodeOptions())
    assert str(done.findings[0]) == ("busy.py:1:1: UPS199 warning [reported] not analysed: it "
                                     "took libcst more than 1 s")
    assert [c.path for c in done.changes] == ["settings.py"]


def test_migrate_code_survives_the_crash(tmp_path: Path) -> None:
    repo = _files(tmp_path, {".platform.app.yaml": b"name: app\ntype: 'python:3.12'\n",
                             "deep.py": READS + b"Y = " + b"[" * 3000 + b"]" * 3000 + b"\n"})
    done = run("migrate", "--dry-run", "--code", repo)
    assert done.exit_code == 0, done.stderr
    assert "UPS199" in done.stdout and "brackets nested more than 200 deep" in done.stdout


# -- links inside the repository and names that are not UTF-8 (issue 23, item 13) -----------

def test_a_linked_file_is_analysed_once_and_written_through_its_link(tmp_path: Path) -> None:
    repo = _files(tmp_path, {"src/settings.py": SETTINGS})
    (repo / "settings.py").symlink_to("src/settings.py")
    (repo / "app").mkdir()
    (repo / "app/settings.py").symlink_to("../settings.py")  # a chain of links
    checked = run("codemod", repo)
    assert checked.stdout == FOUND.format("src/settings.py", "src/settings.py") + \
        "2 finding(s), 2 would be rewritten, in 1 file(s)\n"
    written = run("codemod", "--write", repo)
    assert written.exit_code == 0
    assert written.stdout == (FOUND.format("src/settings.py", "src/settings.py")
                              .replace("would rewrite", "rewritten") +
                              "2 finding(s), 2 rewritten, in 1 file(s)\n")
    assert os.readlink(repo / "settings.py") == "src/settings.py"
    assert os.readlink(repo / "app/settings.py") == "../settings.py"
    assert (repo / "src/settings.py").read_bytes() == b"import os\n\nB = " \
        b"os.environ[\"PLATFORM_BRANCH\"]\n"


LATIN1_NAME = b"caf\xe9.py"


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
@pytest.mark.parametrize("mode", ["--check", "--diff", "--write"])
def test_every_output_is_utf8_for_a_name_that_is_not(tmp_path: Path, output_format: str,
                                                     mode: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    with open(os.path.join(os.fsencode(repo), LATIN1_NAME), "wb") as stream:
        stream.write(SETTINGS)
    done = run("codemod", mode, "--output-format", output_format, repo)
    stdout, stderr = done.stdout, done.stderr
    stdout.encode("utf-8"), stderr.encode("utf-8")  # strict: no lone surrogate, as the stream
    assert done.exit_code == (0 if mode == "--write" else 1), stderr
    shown = "caf\\udce9.py"  # as every output shows an undecodable name (escape.visible)
    if output_format == "json":
        document = json.loads(stdout)  # back to the name Python gives the file: os.fsencode
        assert document["files"] == [os.fsdecode(LATIN1_NAME)]
        assert {f["file"] for f in document["findings"]} == {os.fsdecode(LATIN1_NAME)}
    else:
        assert shown in stdout
    if mode == "--diff":
        assert f"--- a/{shown}\n+++ b/{shown}\n" in (stdout if output_format == "text"
                                                     else stderr)
    written = (repo / os.fsdecode(LATIN1_NAME)).read_bytes()
    assert (written != SETTINGS) == (mode == "--write")
