"""Paths in the repository that a migration writes, removes, reads for its diff or copies: the
one check each goes through. A repository is untrusted input: nothing in it may lead a write, a
removal or a read outside it.

- A path the migration writes or removes (`.upsun/config.yaml`, a copy under `.upsun/`, a legacy
  file) is a plain relative path (no `..`, no `.`, not absolute), and no name on the way from the
  repository's folder to it is a symbolic link, its own name included; each name on the way that
  exists is a folder, and the file, when it exists, a regular file (`refuse_unsafe`, which
  `writer.refuse_unsafe_plan` runs for a real run and a dry run alike). One link is allowed: a
  legacy file that is itself a link is removed as a link, never what it names.
- What such a file holds now, the diff's old side (`current`), is read only where that check
  passes: never through a link. A link at the file's own name shows as git shows a link, by the
  name it holds, never by what it names.
- A file that is copied (`source`) may be reached through links that stay inside the repository
  (`Reader.inside` resolves it), and is a regular file: a FIFO, a device or a socket is never
  opened.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from migrator.errors import InputError, RefusedError
from migrator.legacy.reader import Reader

LINK_REMOVAL = ("is a symbolic link; --remove-legacy would delete {rel} through it: remove the "
                "link and the legacy files yourself, or run without --remove-legacy")


def plain_parts(rel: str) -> tuple[str, ...]:
    """The names of a plain relative path; a path with `..`, `.`, an empty name, a NUL, or an
    absolute one is refused (the migration computes these paths: one that is not plain is a
    path from the repository that no rule should have let through)."""
    parts = tuple(rel.split("/"))
    if not rel or rel.startswith("/") or "\0" in rel or any(p in ("", ".", "..") for p in parts):
        raise RefusedError("is not a plain path inside the repository; refusing to write or "
                           "remove it", rel)
    return parts


def modes(root: Path, parts: tuple[str, ...]) -> list[int]:
    """The mode (lstat: links not followed) of each name on the way down, as far as the names
    exist; the walk stops after the first that is not a folder."""
    found: list[int] = []
    path = str(root)
    for part in parts:
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break
        found.append(mode)
        if not stat.S_ISDIR(mode):
            break
    return found


def refuse_unsafe(root: Path, rel: str, remove: bool = False) -> None:
    """Refuse a write (or, with `remove`, a removal) of root/rel that could reach anything but
    that file inside the repository; the message names the link or the name in the way."""
    parts = plain_parts(rel)
    try:
        found = modes(root, parts)
    except OSError as exc:  # a name too long, a folder that may not be looked into
        raise InputError(f"cannot {'remove' if remove else 'write'}: {exc.strerror or exc}",
                         rel) from None
    for depth, mode in enumerate(found, 1):
        shown, last = "/".join(parts[:depth]), depth == len(parts)
        if stat.S_ISLNK(mode) and not (last and remove):
            raise RefusedError(_link_message(rel, last, remove), shown)
        if not last and not stat.S_ISDIR(mode) and not stat.S_ISLNK(mode):
            raise RefusedError(f"is not a folder; refusing to {'remove' if remove else 'write'} "
                               f"{rel} in it", shown)
        if last and not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):
            raise RefusedError("is not a regular file; refusing to "
                               f"{'remove' if remove else 'replace'} it", shown)


def _link_message(rel: str, last: bool, remove: bool) -> str:
    if remove:
        return LINK_REMOVAL.format(rel=rel)
    if last:
        return "is a symbolic link; refusing to write through it or replace it: remove the " \
               "link and run again"
    return f"is a symbolic link; refusing to write {rel} through it"


def current(root: Path, rel: str) -> bytes | None:
    """What root/rel holds now, for the diff's old side: None where nothing is, or where it
    cannot be read without following a link or opening what is not a regular file (`check`
    refuses the run then). A link at rel itself is shown by the name it holds."""
    try:
        parts = plain_parts(rel)
        found = modes(root, parts)
    except (RefusedError, OSError):
        return None
    if len(found) < len(parts) or any(stat.S_ISLNK(mode) for mode in found[:-1]):
        return None
    path = root / rel
    if stat.S_ISLNK(found[-1]):
        return os.fsencode(os.readlink(path))
    if not stat.S_ISREG(found[-1]):
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link since it was looked at
            return None
        raise InputError(f"cannot read: {exc.strerror or exc}", rel) from None
    return _read_regular(fd, rel)


def source(reader: Reader, rel: str) -> bytes:
    """The bytes of a file the migration copies: inside the repository once its links are
    followed (the reader refuses it otherwise), and a regular file, which is the only kind
    opened."""
    path = reader.inside(rel)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError("not a regular file; only regular files are copied", rel)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", rel) from None
    return _read_regular(fd, rel)


def _read_regular(fd: int, rel: str) -> bytes:
    """Everything fd holds, once fstat has said it is a regular file; fd is closed."""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("not a regular file", rel)
        with open(fd, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(fd)

