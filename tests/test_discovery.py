"""Discovery in real git repositories: what git ignores is never an application.

The class of bug: asking git a question in a form whose answer is not parsed back exactly
(C-quoted output), or not asking at all (PATH below the work tree's top). The property test
builds repositories with generated folder names and PATH at the top or in a sub-folder, and
demands exactly the applications git does not ignore.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.errors import InputError
from migrator.legacy.reader import _read_regular
from migrator.legacy.walk import _outside_any_repository, find_app_files
from migrator.yamltext.parse import MAX_BYTES
from tests.conftest import run, write_files

APP = "name: {}\ntype: 'php:8.4'\n"


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_ignored_folder_with_a_non_ascii_name_is_not_an_application(project: Path) -> None:
    write_files(project, {".platform.app.yaml": APP.format("app"), ".gitignore": "caché/\n",
                          "caché/.platform.app.yaml": APP.format("cached"),
                          "café/.platform.app.yaml": APP.format("cafe")})
    _git_init(project)
    assert find_app_files(project) == [".platform.app.yaml", "café/.platform.app.yaml"]
    assert run("migrate", project).exit_code == 0
    assert (project / ".upsun/config.yaml").read_text() == (
        "applications:\n  app:\n    type: 'php:8.4'\n  cafe:\n    type: 'php:8.4'\n"
        "    source:\n      root: café\n")


def test_path_in_a_sub_folder_of_a_monorepo_honours_its_gitignore(tmp_path: Path) -> None:
    monorepo = tmp_path / "monorepo"
    site = write_files(monorepo, {".gitignore": "build/\n", "site/.platform.app.yaml":
                                  APP.format("site"), "site/build/.platform.app.yaml":
                                  APP.format("built"), "site/api/.gitignore": "tmp/\n",
                                  "site/api/tmp/.platform.app.yaml": APP.format("tmp"),
                                  "site/api/.platform.app.yaml": APP.format("api")}) / "site"
    _git_init(monorepo)
    assert find_app_files(site) == [".platform.app.yaml", "api/.platform.app.yaml"]


def test_a_folder_its_enclosing_work_tree_ignores_is_not_filtered(tmp_path: Path) -> None:
    """A home folder kept in git with `*` does not manage the projects below it."""
    home = write_files(tmp_path / "home", {".gitignore": "*\n",
                                           "proj/.platform.app.yaml": APP.format("app"),
                                           "proj/api/.platform.app.yaml": APP.format("api")})
    _git_init(home)
    assert find_app_files(home / "proj") == [".platform.app.yaml", "api/.platform.app.yaml"]


def test_outside_any_work_tree_nothing_is_filtered(project: Path) -> None:
    write_files(project, {".gitignore": "build/\n", "build/.platform.app.yaml": APP.format("b")})
    assert find_app_files(project) == ["build/.platform.app.yaml"]


def _git_sees_a_work_tree(folder: Path) -> bool:
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
                          capture_output=True, text=True, check=False)
    return done.returncode == 0 and done.stdout == "true\n"


def test_git_runs_only_where_a_repository_could_hold_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_outside_any_repository` spares starting git; it must never answer for a folder git
    would find a repository for (a work tree, a linked one, a bare one, through a link)."""
    plain = write_files(tmp_path / "plain", {"app/x": ""}) / "app"
    tree = write_files(tmp_path / "tree", {"site/x": ""})
    _git_init(tree)
    linked = write_files(tmp_path / "linked", {"site/x": "", ".git": f"gitdir: {tree}/.git\n"})
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "bare")], check=True)
    (tmp_path / "bare" / "sub").mkdir()
    (tmp_path / "link").symlink_to(tree / "site")
    cases = {plain: True, tree / "site": False, linked / "site": False,
             tmp_path / "bare" / "sub": False, tmp_path / "link": False}
    assert {folder: _outside_any_repository(folder) for folder in cases} == cases
    assert not any(_git_sees_a_work_tree(folder) for folder, outside in cases.items() if outside)
    monkeypatch.setenv("GIT_DIR", str(tree / ".git"))
    assert not _outside_any_repository(plain)


# Every character a folder name may hold on Linux except "/" and NUL, weighted to the ones git
# quotes or treats specially: non-ASCII, quotes, backslashes, spaces, tabs, newlines, carriage
# returns, "*?[".
NAME_CHARS = st.one_of(st.sampled_from(list("é名ü\"'\\ \t\n\r*?[]#!\u00a0")),
                       st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"))
folder_names = st.text(NAME_CHARS, min_size=1, max_size=8).filter(
    lambda n: n not in (".", "..") and n.strip(".") != "")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kept=st.lists(folder_names, min_size=1, max_size=3, unique=True),
       ignored=st.lists(folder_names, min_size=1, max_size=3, unique=True),
       nested=st.booleans())
def test_exactly_the_folders_git_does_not_ignore(kept: list[str], ignored: list[str],
                                                 nested: bool) -> None:
    """Oracle: git's own listing of untracked, not ignored files (`ls-files -o
    --exclude-standard -z`), from the work tree's top, whatever PATH is."""
    _found_as_git_lists(kept, ignored, nested)


def test_a_carriage_return_in_an_ignored_name() -> None:
    """git's answers are read as bytes: text mode would turn the CR of `ign_\\r` into a LF,
    the name would no longer match, and the folder git ignores would be migrated."""
    _found_as_git_lists(["0"], ["\r"], False)


def _found_as_git_lists(kept: list[str], ignored: list[str], nested: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        top = Path(scratch) / "top"
        root = top / "site" if nested else top
        files = {".gitignore": "ign_*\n", "site/.gitkeep": ""}
        prefix = "site/" if nested else ""
        for name in kept:
            files[f"{prefix}keep_{name}/.platform.app.yaml"] = APP.format("x")
        for name in ignored:
            files[f"{prefix}ign_{name}/.platform.app.yaml"] = APP.format("x")
        write_files(top, files)
        _git_init(top)
        listed = subprocess.run(["git", "-C", str(top), "ls-files", "-o", "--exclude-standard",
                                 "-z"], capture_output=True, check=True).stdout.decode()
        expected = sorted(p.removeprefix(prefix) for p in listed.split("\0")
                          if p.endswith(".platform.app.yaml") and p.startswith(prefix))
        assert sorted(find_app_files(root)) == expected
        assert len(expected) == len(kept)


def test_reader_inside_agrees_with_resolving_every_path(tmp_path: Path) -> None:
    """`Reader.inside` resolves a path only when a link or `..` is on the way; its verdict must
    be the one resolving every path gives: refused exactly when the real path leaves, or when
    the path read as text (`..` taken away with the name before it) leaves or names another
    file than the real path (`cfg/../../repo/x` comes back, but climbs above the repository)."""
    from migrator.errors import MigratorError
    from migrator.legacy.reader import Reader

    root = write_files(tmp_path / "repo", {".platform/services.yaml": "", "config/a.vcl": "",
                                           "config/deep/b.vcl": ""})
    write_files(tmp_path, {"outside/secret.vcl": "", "outside/deep/c.vcl": ""})
    links = {".platform/in.vcl": root / "config/a.vcl", ".platform/out.vcl": tmp_path / "outside"
             / "secret.vcl", "cfg": "config", "away": tmp_path / "outside",
             ".platform/dangling.vcl": tmp_path / "nowhere.vcl", "loop": "loop"}
    for rel, target in links.items():
        (root / rel).symlink_to(target)
    paths = [".platform/services.yaml", ".platform/missing.vcl", "missing/deeper/x",
             ".platform/in.vcl", ".platform/out.vcl", "cfg/a.vcl", "cfg/deep/b.vcl",
             "away/secret.vcl", "away/deep/c.vcl", "away/missing", ".platform/dangling.vcl",
             "config/../config/a.vcl", "config/../../outside/secret.vcl", "cfg/../../repo/x",
             ".platform/./services.yaml", "loop/x", "cfg/../config/a.vcl", "cfg/deep/../a.vcl",
             "cfg/../x", "away/../config/a.vcl"]
    real_root = root.resolve()
    for rel in paths:
        try:
            real = (root / rel).resolve()
            text = os.path.normpath(rel)
            expected = (real == real_root or real_root in real.parents) and \
                not text.startswith("..") and (root / text).resolve() == real
        except RuntimeError:  # a loop of links: Python 3.10's resolve raises
            expected = False
        try:
            Reader(root).inside(rel)
            inside = True
        except MigratorError:  # leaving, or a loop of links: refused either way, one line
            inside = False
        assert inside == expected, rel


@pytest.mark.parametrize("size", [0, 1, 65_536, 99_843, MAX_BYTES])
def test_a_file_is_read_whole_up_to_the_bound(tmp_path: Path, size: int) -> None:
    """A regular file is read to its end, however many reads it takes, up to MAX_BYTES; one
    byte more is refused before anything is read."""
    data = (bytes(range(256)) * (size // 256 + 1))[:size]
    (tmp_path / "f").write_bytes(data)
    assert _read_regular(tmp_path / "f", "f") == data
    (tmp_path / "f").write_bytes(data + b"x" * (MAX_BYTES + 1 - size))
    with pytest.raises(InputError, match="larger than 5 MB"):
        _read_regular(tmp_path / "f", "f")


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO put where a regular file was looked at: opened without waiting for a writer,
    and refused on what the descriptor is."""
    os.mkfifo(tmp_path / "f")
    with pytest.raises(InputError, match="not a regular file"):
        _read_regular(tmp_path / "f", "f")


def test_one_walk_one_skip_list_for_app_files_and_the_codemod(tmp_path: Path) -> None:
    """Both walks of a repository (its app files, its Python files) enter the same folders."""
    from migrator.codemod import python_files
    from migrator.legacy.walk import SKIPPED_DIRS

    skipped = sorted(SKIPPED_DIRS - {".platform"}) + ["pkg.egg-info"]
    files = {".platform.app.yaml": "name: app\ntype: 'php:8.4'\n", "settings.py": "X = 1\n",
             "api/.platform.app.yaml": "name: api\ntype: 'python:3.12'\n", "api/app.py": "Y = 2\n"}
    for folder in skipped:
        files[f"{folder}/.platform.app.yaml"] = "name: other\ntype: 'php:8.4'\n"
        files[f"{folder}/lib/.platform.app.yaml"] = "name: deeper\ntype: 'php:8.4'\n"
        files[f"{folder}/mod.py"] = "Z = 3\n"
    write_files(tmp_path, files)
    assert find_app_files(tmp_path) == [".platform.app.yaml", "api/.platform.app.yaml"]
    assert [p.relative_to(tmp_path).as_posix() for p, _ in python_files(tmp_path)] == \
        ["settings.py", "api/app.py"]
    assert {"vendor", "node_modules", ".venv", "venv", "__pycache__", ".git"} <= SKIPPED_DIRS
