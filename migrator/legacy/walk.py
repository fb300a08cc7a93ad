"""Walking a repository for its legacy files: which folders hold an application, the
ones git ignores left out, no link followed out."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from migrator.errors import InputError
from migrator.legacy.model import APP_FILE, APPLICATIONS, ROUTES, SERVICES
from migrator.legacy.reader import reason_of

if TYPE_CHECKING:  # git and subprocess are loaded only for nested configuration files
    import subprocess

    from migrator.git import Git


SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "venv", "env", ".env",
                          "site-packages", "__pycache__", ".tox", ".nox", ".upsun", ".platform"})


def walk(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """The one walk of a repository: each folder and its file names, in a stable order, never
    entering SKIPPED_DIRS or a `*.egg-info` folder."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info"))
        yield Path(folder), sorted(files)


def find_app_files(root: Path) -> list[str]:
    """Relative paths of every `.platform.app.yaml`, skipping vendored and git-ignored folders."""
    found: list[str] = []
    for folder, files in walk(root):
        if APP_FILE in files:
            path = folder / APP_FILE
            rel = path.relative_to(root).as_posix()
            if _link_or_file(path, rel):
                found.append(_utf8(rel))
    return sorted(_not_ignored(root, found), key=lambda p: (p.count("/"), p))


def _link_or_file(path: Path, rel: str) -> bool:
    """A symbolic link (the reader follows it, or says why not) or a regular file; a file that
    cannot be looked at (a folder that may be listed but not entered) is an input error, never
    an application left out."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:  # gone since the folder was listed
        return False
    except OSError as exc:
        raise InputError(reason_of(exc), rel) from None
    return stat.S_ISLNK(mode) or stat.S_ISREG(mode)


def _utf8(rel: str) -> str:
    """An app's folder becomes its `source.root`, text Upsun reads as UTF-8."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        raise InputError("the folder's name is not UTF-8, and an app's folder becomes its "
                         "source.root, which Upsun reads as UTF-8: rename the folder",
                         shown) from None
    return rel


def _not_ignored(root: Path, paths: list[str]) -> list[str]:
    """Drop the paths git ignores, when root is inside a git work tree that manages it."""
    nested = [p for p in paths if "/" in p]
    if not nested or _outside_any_repository(root):  # what git would answer, without starting it
        return paths
    from migrator.git import Git  # subprocess: only for nested configuration files

    git = Git(root, timeout=20)
    if not _managed_by_git(git):
        return paths
    done = _git(git, "check-ignore", "-z", "--stdin", stdin="\0".join(nested) + "\0")
    if done is None or done.returncode not in (0, 1):
        return paths
    ignored = set(done.stdout.split("\0"))
    return [p for p in paths if p not in ignored]


def _managed_by_git(git: Git) -> bool:
    """Inside a work tree (the repository itself or a sub-folder of a monorepo), and, for a
    sub-folder, not a folder that work tree ignores (a home folder kept in git with `*`)."""
    inside = _git(git, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    if inside is None or inside.returncode != 0 or not inside.stdout.startswith("true\n"):
        return False
    if inside.stdout == "true\n\n":
        return True
    ignored = _git(git, "check-ignore", "-q", ".")
    return ignored is not None and ignored.returncode == 1


def _outside_any_repository(root: Path) -> bool:
    """No git repository can hold root: git finds one only through GIT_DIR, or by going up
    from root (as the system resolves it) to a folder holding `.git` or being a bare
    repository (which has a HEAD file). The test is wider than git's, never narrower."""
    if "GIT_DIR" in os.environ or "GIT_WORK_TREE" in os.environ:
        return False
    real = os.path.realpath(root)
    for folder in (real, *(str(parent) for parent in PurePosixPath(real).parents)):
        if os.path.lexists(os.path.join(folder, ".git")) or \
                os.path.lexists(os.path.join(folder, "HEAD")):
            return False
    return True


def _git(git: Git, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str] | None:
    """Run git in its folder (paths in and out are relative to it), with nothing the repository
    names run (migrator/git.py); None when git cannot run, or not safely."""
    from migrator.git import GitError

    try:
        return git.run(*args, stdin=stdin)
    except GitError:
        return None


def has_legacy_files(root: Path) -> bool:
    return any((root / rel).exists() for rel in (APPLICATIONS, SERVICES, ROUTES)) or bool(
        find_app_files(root))
