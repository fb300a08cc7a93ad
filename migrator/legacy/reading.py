"""Reading a repository's files: regular files inside it, each of at most a bound.

A repository is untrusted input: a committed `app.py -> /dev/zero` would have the codemod read
forever, a link to `~/.ssh/...` would have it read outside the repository, a FIFO would block it.
So a file is read only when it is (or links to) a regular file inside the repository, through
a descriptor that follows no link and never waits, and never beyond a bound (the codemod's
MAX_BYTES; `--commit` saves the files a migration replaces with the same reader).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: Python files above this are not analysed: the time and memory libcst's parse and the
#: codemod's analysis take grow with the file (docs/codemod.md, "Limits").
MAX_BYTES = 1024 * 1024
#: Flags of every open: no link followed, no wait on a FIFO or a device; O_NOFOLLOW and
#: O_NONBLOCK are POSIX (absent on Windows, where neither can be asked for).
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | \
    getattr(os, "O_CLOEXEC", 0)


class Unreadable(Exception):
    """Why a file is not read (one line, for a finding)."""


def locate(real_root: Path, path: Path, root: Path | None = None) -> str:
    """The path, relative to the repository (`real_root`, resolved), of the file `path` is or
    links to; Unreadable when that is outside the repository, missing or a link loop. A path
    found by walking `root` (no folder on its way is a link) that is no link is its own."""
    if root is not None and not os.path.islink(path):
        return path.relative_to(root).as_posix()
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable("a loop of symbolic links: not read") from None
        if exc.errno == errno.ENOENT:
            raise Unreadable("a symbolic link to nothing: not read") from None
        raise Unreadable(f"unreadable: {exc.strerror or exc}") from None
    if real != real_root and real_root not in real.parents:
        raise Unreadable("a symbolic link to a file outside the repository: not read")
    return real.relative_to(real_root).as_posix()


def read(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; Unreadable otherwise."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        why = "a symbolic link: not read" if exc.errno == errno.ELOOP else exc.strerror or exc
        raise Unreadable(f"unreadable: {why}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file: not read")
        if info.st_size > limit:
            raise Unreadable(f"larger than {_size(limit)}: not analysed")
        with open(descriptor, "rb", closefd=False) as file:
            data = file.read(limit + 1)  # bounded still, should the file grow since fstat
    except OSError as exc:
        raise Unreadable(f"unreadable: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise Unreadable(f"larger than {_size(limit)}: not analysed")
    return data


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
