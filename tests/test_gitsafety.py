"""A repository's own git configuration never makes the tool run a command (issue 26, item 6).

The hostile repository arrives with its `.git` (from an archive): `.git/config` names a
command for `core.fsmonitor`, a hooks folder (`core.hooksPath`) holding every hook git knows,
clean, smudge and process filters that `.gitattributes` applies, an external diff and a pager.
Each command writes its name into a marker folder outside the repository: the marker folder
stays empty through every command, except where the user opts in (the hooks of `git commit`
unless `--no-verify`; the filters with `--git-filters`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from migrator.errors import MigratorError
from migrator.git import HOOK_EVENTS, Git, GitError, filters_off, parse_drivers, reason
from migrator.legacy.walk import find_app_files
from tests.conftest import run, transcript, tree
from tests.gitrepo import IDENTITY, git, init_repo

APP = "name: {}\ntype: 'php:8.4'\n"
LEGACY = {".platform.app.yaml": APP.format("app"), "api/.platform.app.yaml": APP.format("api"),
          "index.php": "<?php\n", "notes.md": "# notes\n"}
#: What `git commit` runs from a hooks folder (git 2.39 to 2.55): found by running it.
COMMIT_HOOKS = {"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit",
                "reference-transaction", "post-index-change"}


@pytest.fixture(autouse=True)
def _identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in IDENTITY.items():
        monkeypatch.setenv(name, value)


def _script(path: Path, marker: Path, name: str, tail: str = "") -> str:
    """An executable that records `name` in the marker folder; its path."""
    path.write_text(f"#!/bin/sh\ntouch '{marker}/{name}'\n{tail}", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def hostile(tmp_path: Path, attributes: str = "*.php filter=evil\n*.md filter=proc\n"
            ) -> tuple[Path, Path]:
    """The repository (committed, clean, every file stat-dirty so that git hashes it again) and
    its marker folder."""
    marker, tools = tmp_path / "marker", tmp_path / "tools"
    marker.mkdir()
    (tools / "hooks").mkdir(parents=True)
    repo = init_repo(tmp_path / "shop", {**LEGACY, ".gitattributes": attributes})
    for event in HOOK_EVENTS:
        _script(tools / "hooks" / event, marker, f"hook-{event}")
    settings = {
        "core.fsmonitor": _script(tools / "fsmonitor", marker, "fsmonitor"),
        "core.hooksPath": str(tools / "hooks"),
        "filter.evil.clean": _script(tools / "clean", marker, "clean", "cat\n"),
        "filter.evil.smudge": _script(tools / "smudge", marker, "smudge", "cat\n"),
        "filter.evil.required": "true",
        "filter.proc.process": _script(tools / "process", marker, "process"),
        "diff.external": _script(tools / "diff", marker, "diff"),
        "core.pager": _script(tools / "pager", marker, "pager"),
        "core.editor": _script(tools / "editor", marker, "editor"),
        "core.sshCommand": _script(tools / "ssh", marker, "ssh"),
        "credential.helper": "!" + _script(tools / "credential", marker, "credential"),
    }
    for key, value in settings.items():
        git(repo, "config", key, value)
    for path in repo.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, (1_000_000_000, 1_000_000_000))  # stat-dirty: git hashes it again
    return repo, marker


def ran(marker: Path) -> set[str]:
    return {path.name for path in marker.iterdir()}


def test_the_hostile_repository_runs_its_commands_under_plain_git(tmp_path: Path) -> None:
    """The fixture is armed: plain git commands run the repository's commands."""
    repo, marker = hostile(tmp_path)
    subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True,
                   check=False)  # the process filter's protocol fails: git stops there
    assert ran(marker) == {"fsmonitor", "clean", "process"}
    subprocess.run(["git", "-C", str(repo), "-c", "filter.proc.process=", "add", "index.php"],
                   capture_output=True, check=True, env={**os.environ, **IDENTITY})
    assert ran(marker) == {"fsmonitor", "clean", "process", "hook-post-index-change"}


@pytest.mark.parametrize("args", [("--dry-run",), (), ("--check", "--diff"),
                                  ("--dry-run", "--code")])
def test_migrate_runs_nothing_the_repository_names(tmp_path: Path, args: tuple[str, ...]
                                                   ) -> None:
    repo, marker = hostile(tmp_path)
    result = run("migrate", *args, repo)
    assert result.exit_code in (0, 1) and "internal error" not in result.stderr
    assert (repo / ".upsun/config.yaml").exists() == (args == ())
    assert ran(marker) == set()


def test_discovery_asks_git_and_runs_nothing(tmp_path: Path) -> None:
    repo, marker = hostile(tmp_path)
    (repo / ".gitignore").write_text("build/\n", encoding="utf-8")
    (repo / "build").mkdir()
    (repo / "build/.platform.app.yaml").write_text(APP.format("built"), encoding="utf-8")
    assert find_app_files(repo) == [".platform.app.yaml", "api/.platform.app.yaml"]  # git
    assert ran(marker) == set()  # was asked (build/ is left out), and ran nothing
    assert ran(marker) == set()


def test_bulk_runs_nothing_the_repository_names(tmp_path: Path) -> None:
    repo, marker = hostile(tmp_path)
    result = run("bulk", repo.parent, "--dry-run", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert ran(marker) == set()


def test_commit_no_verify_runs_nothing(tmp_path: Path) -> None:
    repo, marker = hostile(tmp_path)
    result = run("migrate", "--commit", "--no-verify", repo)
    assert result.exit_code == 0, result.output
    assert git(repo, "log", "--format=%s", "-1") == "Migrate Platform.sh configuration to Upsun"
    assert ran(marker) == set()


def test_commit_runs_the_hooks_git_commit_runs_and_nothing_else(tmp_path: Path) -> None:
    """The documented default: the commit's own hooks; no fsmonitor, filter, post-checkout."""
    repo, marker = hostile(tmp_path)
    result = run("migrate", "--commit", repo)
    assert result.exit_code == 0, result.output
    assert git(repo, "branch", "--show-current") == "upsun-migration"
    assert ran(marker) == {f"hook-{event}" for event in COMMIT_HOOKS}


def test_a_file_git_would_filter_is_refused_before_writing(tmp_path: Path,
                                                          snapshot: SnapshotAssertion) -> None:
    repo, marker = hostile(tmp_path, "*.yaml filter=evil\n")
    before = _work_tree(repo)
    result = run("migrate", "--commit", "--no-verify", repo)
    assert transcript(result, repo=repo) == snapshot
    assert (_work_tree(repo), git(repo, "branch", "--list")) == (before, "* main")
    assert ran(marker) == set()


def test_git_filters_opts_in(tmp_path: Path) -> None:
    repo, marker = hostile(tmp_path, "*.yaml filter=evil\n")
    result = run("migrate", "--commit", "--no-verify", "--git-filters", repo)
    assert result.exit_code == 0, result.output
    assert ran(marker) == {"clean"}


def test_checking_out_a_branch_git_would_filter_is_refused(tmp_path: Path) -> None:
    repo, marker = hostile(tmp_path, "*.yaml filter=evil\n")
    safe = Git(repo)  # the branch, made without running anything either
    for args in (["switch", "-q", "-c", "upsun-migration"], ["rm", "-q", "api/.platform.app.yaml"],
                 ["commit", "-q", "-m", "x"], ["switch", "-q", "main"]):
        assert safe.run(*args).returncode == 0
    result = run("migrate", "--commit", "--no-verify", repo)
    assert result.exit_code == 1
    assert "checking out upsun-migration, git would run the filter the repository names for " \
           "api/.platform.app.yaml (filter=evil)" in result.stderr
    assert git(repo, "branch", "--show-current") == "main"
    assert ran(marker) == set()


def test_a_work_tree_elsewhere_is_refused(tmp_path: Path) -> None:
    """`core.worktree` in the repository's configuration would send checkouts elsewhere."""
    repo = init_repo(tmp_path / "shop", {".platform.app.yaml": APP.format("app")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    git(repo, "config", "core.worktree", str(elsewhere))
    result = run("migrate", "--commit", repo)
    assert result.exit_code == 1
    assert result.stderr == (f"error: shop: git's work tree is {elsewhere} (core.worktree), "
                             "not the folder holding .git: --commit would write there; "
                             "refused\n")
    assert not (repo / ".upsun").exists() and list(elsewhere.iterdir()) == []


def _work_tree(repo: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(repo).items() if not rel.startswith(".git/")}


# -- the pieces ----------------------------------------------------------------------------

DRIVER_CHARS = st.sampled_from(list("abcXYZ019.-_=é名"))


# A quarter of the profile's search: each example makes a repository and runs git four times.
@settings(max_examples=settings.default.max_examples // 4,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(DRIVER_CHARS, min_size=1, max_size=6))
def test_any_filter_driver_is_turned_off_or_git_is_not_run(name: str) -> None:
    """Whatever the driver's name (dots, `=`, case, non-ASCII), `git add` through Git never runs
    its command: the name is turned off, or (a name with `=`, which `-c` cannot express) git
    is not run at all."""
    with tempfile.TemporaryDirectory() as scratch:
        marker = Path(scratch) / "marker"
        marker.mkdir()
        repo = init_repo(Path(scratch) / "r", {"a.txt": "a\n"})
        git(repo, "config", f"filter.{name}.clean", f"touch '{marker}/clean'; cat")
        git(repo, "config", f"filter.{name}.process", f"touch '{marker}/process'")
        (repo / ".gitattributes").write_text(f"* filter={name}\n", encoding="utf-8")
        (repo / "b.txt").write_text("b\n", encoding="utf-8")
        try:
            done = Git(repo).run("add", "b.txt", ".gitattributes")
        except GitError as exc:
            assert "=" in name and "cannot be turned off" in exc.message
        else:
            assert done.returncode == 0, done.stderr
            assert git(repo, "diff", "--cached", "--name-only") == ".gitattributes\nb.txt"
        assert list(marker.iterdir()) == []


def test_parse_drivers_reads_the_last_value_of_each_command() -> None:
    listing = "filter.lfs.clean\ngit-lfs clean -- %f\0filter.lfs.required\ntrue\0" \
              "filter.A.b.smudge\ncat\0filter.off.clean\n\0filter.bare.process\0"
    assert parse_drivers(listing) == {"lfs": True, "A.b": True, "off": False, "bare": False}
    assert filters_off({"lfs": True}) == ["filter.lfs.clean=", "filter.lfs.smudge=",
                                          "filter.lfs.process=", "filter.lfs.required=false"]


def test_reason_is_whole_and_shown_on_one_printable_line() -> None:
    done = subprocess.CompletedProcess(["git"], 1, "", "first\n\x1b]0;title\x07second\r\n\n"
                                                       "hint: third\n")
    assert reason(done) == "first / \x1b]0;title\x07second / hint: third"
    assert str(MigratorError(f"git commit failed: {reason(done)}")) == \
        "git commit failed: first / \\x1b]0;title\\x07second / hint: third"


@pytest.mark.parametrize("command", ["migrate", "bulk"])
def test_help_says_which_hooks_run(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # no line breaks inside the hooks' names
    shown = " ".join(run(command, "--help").stdout.split()).replace("- ", "-")  # wrapped at "-"
    assert "The commit runs the hooks `git commit` runs (pre-commit, prepare-commit-msg, " \
           "commit-msg, post-commit, reference-transaction, post-index-change) and signs if " \
           "the git configuration asks; no other git command runs a hook." in shown
    assert "--no-verify With --commit: run no hook at all and do not sign" in shown
    assert "--git-filters With --commit: let git run the clean and smudge filters" in shown
