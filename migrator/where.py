"""Where things are: the repository a path belongs to, and how every message shows a path.

Every command shows a path the same way in every output (its text, `--check`'s lines, GitHub
annotations, its JSON documents): `shown`, as ruff shows one (`relativize_path` in
astral-sh/ruff `crates/ruff_linter/src/fs.rs`: relative to the current folder when it is
inside it). A path the user gave relative stays relative, `..` included; one given absolute
outside the current folder stays absolute. A file of a repository is shown joined to the
repository's own path (`in_repository`), so `migrate broken1` says
`broken1/.platform.app.yaml:7:6`, as `--check` and the annotations do. The reports written to
files (Markdown, JSON) are documents about one repository: their paths stay relative to it.

`find_root` is black's `find_project_root` (psf/black `src/black/files.py`) for a Platform.sh
repository, so that `migrate` and `migrate --check` run from a sub-folder find the repository's
top instead of finding nothing to migrate (see `find_root` for the rule).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from migrator.errors import MigratorError

#: Names that only a repository's top holds: git's (`.git` is a folder, or a file in a linked
#: work tree or a submodule), the legacy configuration folder, Upsun's.
TOPS = (".git", ".platform", ".upsun")
APP_FILE = ".platform.app.yaml"


def shown(path: str | os.PathLike[str]) -> str:
    """`path` as messages show it: relative to the current folder when given relative or
    inside it, else absolute; `.`, `..` and doubled slashes folded (`./a//b/` -> `a/b`, and
    `../app/a.py` from `app` -> `a.py`), as written (links are not resolved)."""
    text = os.fspath(path) or "."
    here = os.getcwd()
    if not os.path.isabs(text):
        return os.path.relpath(os.path.abspath(text), here)  # `../app/a.py` in app: `a.py`
    text = os.path.normpath(text)
    if text == here or text.startswith(here.rstrip(os.sep) + os.sep):
        return os.path.relpath(text, here)
    return text


def in_repository(root: str | os.PathLike[str], rel: str) -> str:
    """`rel`, a path inside the repository at `root`, as messages show it."""
    return shown(os.path.join(os.fspath(root), rel)) if rel else shown(root)


def relocate(exc: MigratorError, root: str | os.PathLike[str]) -> MigratorError:
    """The error with its file as messages show it, once. The core names a file relative to
    the repository, the repository itself by the path it was given (`str(root)`), and a file
    outside it (a `--schema` file) by its own path."""
    if exc.file is None or exc.relocated:
        return exc
    if exc.file == os.fspath(root) or os.path.isabs(exc.file):
        exc.file = shown(exc.file)
    else:
        exc.file = in_repository(root, exc.file)
    exc.relocated = True
    return exc


def inside(exc: MigratorError, root: str | os.PathLike[str]) -> str:
    """The error's line for a listing that names the repository already (bulk's lines, its
    summaries): a file relative to the repository, the repository itself not named again."""
    if exc.file == os.fspath(root):
        return str(MigratorError(exc.message, None))
    return str(exc)


class Root(NamedTuple):
    path: Path  # the repository: the PATH given, or the top found above it
    marker: str | None = None  # what the top holds, when it is not the PATH given


def find_root(path: Path) -> Root:
    """The repository PATH belongs to: PATH itself when it holds `.git`, `.platform/` or
    `.upsun/`; otherwise the nearest folder above it that is a project's top.

    - A `.platform/` or `.upsun/` folder is the top of a Platform.sh (or Upsun) project: the
      search stops there and takes it, even below a `.git` (a project in a sub-folder of a
      larger git repository).
    - A `.git` ends the search (as in black's): a git work tree is a repository of its own,
      and a submodule inside a project is its own repository. Its folder is taken when it
      holds a `.platform.app.yaml`; otherwise the nearest folder holding one on the way up,
      else PATH itself (a home folder kept in git, or a git repository holding test projects,
      does not become the repository to migrate).
    - A `.platform.app.yaml` alone does not end the search (an application may live in any
      sub-folder of its project); with no top found above it, the nearest folder holding one.

    The folders above PATH are those of its path as written (`os.path.abspath`: a link on
    the way is not resolved). PATH is returned unchanged when it is the answer; a folder
    found above it is relative to the current folder when PATH was relative."""
    if _holds_top(path):
        return Root(path)
    start = Path(os.path.abspath(path))
    app_seen: Path | None = None
    for folder in (start, *start.parents):
        names = _names(folder)
        tops = [name for name in (".platform", ".upsun") if name in names]
        if tops:
            return _found(path, start, folder, tops[0])
        if ".git" in names:
            if APP_FILE in names:
                return _found(path, start, folder, ".git")
            break
        if APP_FILE in names and app_seen is None:
            app_seen = folder
    if app_seen is None:
        return Root(path)
    return _found(path, start, app_seen, APP_FILE)


def enclosing(path: Path) -> Path:
    """The repository that holds PATH (a folder), for a command that reads its files (the
    codemod): the nearest folder at or above PATH, as written, that holds `.git`,
    `.platform/` or `.upsun/`; else what `find_root` finds."""
    start = Path(os.path.abspath(path))
    for folder in (start, *start.parents):
        names = _names(folder)
        if any(name in names for name in TOPS):
            return _found(path, start, folder, "").path
    return find_root(path).path


def _found(path: Path, start: Path, folder: Path, marker: str) -> Root:
    if folder == start:
        return Root(path)
    if os.path.isabs(path):
        return Root(folder, marker)
    return Root(Path(os.path.relpath(folder, os.getcwd())), marker)


def _holds_top(path: Path) -> bool:
    names = _names(path)
    return any(name in names for name in TOPS)


def _names(folder: Path) -> set[str]:
    """The names in `folder` that matter here, the folders among them checked to be folders."""
    try:
        listed = set(os.listdir(folder))
    except OSError:
        return set()
    found = {name for name in (".git", APP_FILE) if name in listed}
    found |= {name for name in (".platform", ".upsun")
              if name in listed and os.path.isdir(folder / name)}
    return found
