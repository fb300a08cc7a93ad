"""Issue 25, "Done when": a platform team's day with `bulk` over a fixture fleet laid out as
turbolift and multi-gitter clone it (`work/<org>/<repo>`, git repositories): a dry run through a
pipe, `--commit --report-dir` on a terminal (a pseudo-terminal), and a rerun. Real processes,
so that stdout is what a pipe or a terminal makes of it; each output is a snapshot
(`snapshots/test_fleet_day/`), the timing figures of the totals line replaced."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.conftest import REPO, tree, write_files
from tests.gitrepo import IDENTITY, git, init_repo

SHOP = {
    ".platform.app.yaml": "name: app\ntype: 'php:7.4'\nsize: M\ndisk: 512\nrelationships:\n"
                          "    database: 'db:mysql'\n",
    ".platform/services.yaml": "db:\n    type: 'mariadb:10.4'\n    disk: 1024\n",
    ".platform/routes.yaml": "'https://{default}/':\n    type: upstream\n    upstream: 'app:http'\n",
    "index.php": "<?php\n",
}
API = {
    ".platform/applications.yaml": "- name: api\n  type: 'python:3.12'\n  size: L\n  workers:\n"
                                   "    queue:\n      size: S\n      commands:\n"
                                   "        start: python queue.py\n",
    ".platform/services.yaml": "cache:\n  type: 'redis:4.0'\n",
}
BLOG = {".platform.app.yaml": "name: blog\ntype: 'php:8.4'\n"}
#: What a fleet's day leaves out (`--exclude`).
EXCLUDE = ("--exclude", "*-archive")
TIMING = re.compile(r"in [0-9.]+ s \([0-9.]+/s\)")


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """The folder holding `work/`: every path in the outputs is `work/...`."""
    work = tmp_path / "work"
    init_repo(work / "acme/shop", SHOP)
    init_repo(work / "acme/blog", BLOG)
    write_files(work / "acme/blog", {"scratch.txt": "not part of the migration\n"})
    init_repo(work / "acme/shop-archive", SHOP)
    init_repo(work / "beta/api", API)
    init_repo(work / "beta/broken", {".platform.app.yaml": "name: app\ntype: [php\n"})
    init_repo(work / "beta/docs", {"README.md": "# docs, no Platform.sh here\n"})
    init_repo(work / "gamma/site", {**BLOG, ".upsun/config.yaml": "applications: {}\n"})
    return tmp_path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, **IDENTITY, "UPSUN_MIGRATOR_OFFLINE": "1",
            "XDG_CACHE_HOME": str(tmp_path / "cache"), "NO_COLOR": ""}


def bulk_piped(cwd: Path, *args: str) -> tuple[int, str, str]:
    """`bulk` with stdout and stderr to pipes; the exit code, stdout's lines sorted (workers
    finish in any order), stderr with the timing figures replaced."""
    done = subprocess.run([sys.executable, "-m", "migrator", "bulk", "work", *EXCLUDE, *args],
                          cwd=cwd, env=_env(cwd), capture_output=True, text=True, timeout=120,
                          check=False)
    lines = "".join(sorted(done.stdout.splitlines(keepends=True)))
    return done.returncode, lines, TIMING.sub("in <seconds>", done.stderr)


def bulk_on_a_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """`bulk` with stdout and stderr on one pseudo-terminal; the exit code and what the
    terminal shows at the end: the last state of the bar, then the lines after it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "migrator", "bulk", "work", *EXCLUDE,
                                *args], cwd=cwd, env=_env(cwd), stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower)
    os.close(follower)
    shown = _read_terminal(leader).replace("\r\n", "\n")
    code = process.wait(timeout=120)
    assert "\033[K" in shown  # the bar was drawn
    last_bar = shown.rsplit("\r", 1)[1].replace("\033[K", "")
    return code, TIMING.sub("in <seconds>", last_bar)


def _read_terminal(leader: int) -> str:
    """Everything shown on a pseudo-terminal until the process closes it; `leader` closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def _heads(work: Path) -> dict[str, str]:
    return {name: git(work / name, "rev-parse", "HEAD") for name in
            ("acme/shop", "acme/blog", "acme/shop-archive", "beta/api", "beta/broken",
             "beta/docs", "gamma/site")}


def test_a_day_with_bulk(fleet: Path, snapshot: SnapshotAssertion) -> None:
    work = fleet / "work"
    before = tree(work)
    heads = _heads(work)

    # the morning: what would happen, through a pipe (as `| tee plan.log` does)
    code, lines, end = bulk_piped(fleet, "--dry-run", "--jobs", "2")
    assert code == 1  # broken fails, gamma/site would be refused
    assert f"{lines}--- stderr\n{end}" == snapshot(name="dry-run")
    assert tree(work) == before

    # the migration, committed, each repository's report for its pull request
    code, shown = bulk_on_a_terminal(fleet, "--commit", "--report-dir", "reports",
                                     "--summary-md", "overview.md", "--jobs", "2")
    assert code == 1
    assert shown == snapshot(name="commit-on-a-terminal")
    assert (fleet / "overview.md").read_text(encoding="utf-8") == snapshot(name="overview")
    for name in ("acme/shop", "beta/api"):
        assert git(work / name, "log", "-1", "--format=%B") == snapshot(
            name=f"commit {name.replace('/', '-')}")
    _check_commits(work, heads)
    _check_reports(fleet / "reports")

    # the rerun: nothing new to commit, the same failures
    migrated = _heads(work)
    code, lines, end = bulk_piped(fleet, "--commit", "--report-dir", "reports", "--jobs", "2")
    assert code == 1
    assert f"{lines}--- stderr\n{end}" == snapshot(name="rerun")
    assert _heads(work) == migrated


def _check_commits(work: Path, heads: dict[str, str]) -> None:
    """A commit on the branch in each migrated repository, holding the migration only; the
    others untouched (the excluded one too); the blog's stray file still untracked."""
    changed = {name for name, head in _heads(work).items() if head != heads[name]}
    assert changed == {"acme/shop", "acme/blog", "beta/api"}
    for name in changed:
        assert git(work / name, "branch", "--show-current") == "upsun-migration"
        assert git(work / name, "log", "--format=%s", "main..HEAD") == \
            "Migrate Platform.sh configuration to Upsun"
    assert git(work / "acme/blog", "show", "--name-status", "--format=", "HEAD") == \
        "A\t.upsun/config.yaml"
    assert git(work / "acme/blog", "status", "--porcelain") == "?? scratch.txt"
    for name in ("acme/shop-archive", "beta/broken", "beta/docs", "gamma/site"):
        assert git(work / name, "branch", "--list") == "* main", name
        assert git(work / name, "status", "--porcelain") == "", name


def _check_reports(reports: Path) -> None:
    """One Markdown and one JSON report per migrated repository, named after its path under
    `work/`; each the report of what was committed."""
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.*")) == [
        "acme/blog.json", "acme/blog.md", "acme/shop.json", "acme/shop.md", "beta/api.json",
        "beta/api.md"]
    shop = json.loads((reports / "acme/shop.json").read_text(encoding="utf-8"))
    assert shop["written"] is True
    assert [f["path"] for f in shop["files"]] == [".upsun/config.yaml"]
    markdown = (reports / "acme/shop.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Upsun migration report\n\nMigrated: 1 application(s), ")


def test_the_dry_run_report_dir_is_the_pull_request_bodies(fleet: Path) -> None:
    """`--dry-run --report-dir` writes the reports and nothing in the repositories."""
    before = tree(fleet / "work")
    code, _, _ = bulk_piped(fleet, "--dry-run", "--report-dir", "bodies", "--jobs", "2")
    assert code == 1
    assert tree(fleet / "work") == before
    body = (fleet / "bodies/beta/api.md").read_text(encoding="utf-8")
    assert body.startswith("# Upsun migration report\n\nWould migrate: 1 application(s), "
                           "1 worker(s), 1 service(s)")
    assert "| error | UPS201 |" in body  # redis:4.0 is decommissioned


def test_piped_from_a_terminal_the_lines_go_to_the_pipe(fleet: Path) -> None:
    """`bulk ... | tee log` from a terminal: stdout is a pipe, stderr the terminal. The lines
    go to the pipe (the log is not empty) and no bar is drawn over them."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "migrator", "bulk", "work", *EXCLUDE,
                                "--dry-run"], cwd=fleet, env=_env(fleet),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=follower)
    os.close(follower)
    with ThreadPoolExecutor(1) as reader:  # the terminal is read while the process runs
        terminal = reader.submit(_read_terminal, leader)
        stdout, _ = process.communicate(timeout=120)
        shown = terminal.result(timeout=120).replace("\r\n", "\n")
    assert process.returncode == 1
    assert "".join(sorted(stdout.decode().splitlines(keepends=True))) == \
        _snapshot("dry-run").split("--- stderr\n")[0]
    assert "\r" not in shown and "\033[K" not in shown and "Not migrated" not in shown
    assert TIMING.sub("in <seconds>", shown) == _snapshot("dry-run").split("--- stderr\n")[1]


def _snapshot(name: str) -> str:
    return (REPO / "snapshots/test_fleet_day" / f"test_a_day_with_bulk[{name}].txt").read_text(
        encoding="utf-8")


def test_the_docs_show_this_fleet() -> None:
    """docs/bulk.md's examples are this test's snapshots, as the tool printed them (the timing
    figures of the totals line aside): the lines through a pipe, the end on a terminal, the
    overview, a commit message."""
    page = TIMING.sub("in <seconds>", (REPO / "docs" / "bulk.md").read_text(encoding="utf-8"))
    lines = _snapshot("dry-run").split("--- stderr\n")[0]
    blocks = {"lines": f"```text\n{lines}```\n",
              "terminal": f"```text\n{_snapshot('commit-on-a-terminal')}```\n",
              "overview": f"````markdown\n{_snapshot('overview')}````\n",
              "commit": f"```text\n{_snapshot('commit beta-api')}\n```\n"}
    for name, block in blocks.items():
        assert block in page, name


def test_the_docs_commands_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `upsun-migrator` command in docs/bulk.md's shell blocks is one the tool takes."""
    import shlex

    import click

    from migrator.cli import group

    monkeypatch.chdir(tmp_path)
    page = (REPO / "docs" / "bulk.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```$", page, re.MULTILINE | re.DOTALL)
    lines = [line.split("#")[0] for block in blocks
             for line in block.replace("\\\n", " ").splitlines()]
    commands = [shlex.split(line)[1:] for line in lines if line.startswith("upsun-migrator ")]
    assert len(commands) == 3
    for words in commands:
        command = group.get_command(click.Context(group), words[0])
        assert command is not None
        command.make_context(words[0], words[1:])
