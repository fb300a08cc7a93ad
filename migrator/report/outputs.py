"""The report files a run was asked for: `migrate --report/--json/--resources-script`, `bulk
--summary/--summary-md`. Each target is one of four kinds, told apart without opening it:

- The run's stdout: `-`, `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`. The command prints it
  after its other output (`is_stdout`); it is never opened by name, so a file stdout is
  redirected to keeps what was printed before.
- Another descriptor of the run: `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N` (bash gives
  these names the same meaning in a redirection). Checked to be open up front, written to that
  descriptor once, at the end.
- A file that exists and is not a regular file: a FIFO, a character device, a socket. Opened
  once, at the end, and written in place; never probed by opening it (a FIFO's reader takes a
  probe's close for the end of its input, and the real write then waits for ever).
- A regular file, or none yet: written in full to a temporary file beside the target before the
  repository is touched (a path that cannot be written stops the run with the repository
  unchanged), renamed into place after it; a replaced file keeps its permissions.

Whose path it is decides what a symbolic link means. The user's own path is honoured: a link at
it is followed (the text goes to the file it names; a rename would replace the link). A path
inside a repository being migrated (or a folder given to `bulk`) is the repository's, and
untrusted: there no link is followed, from the repository's folder down to the file, whatever
the options (`--dry-run` too), and only a regular file (or no file yet) is written; a link or
anything else is refused with a message naming it, before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import NamedTuple

from migrator.errors import MigratorError
from migrator.files import write_temp
from migrator.legacy import paths

#: `/dev/fd/N` and Linux's `/proc/self/fd/N`: the run's open descriptor N
_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")


class Output(NamedTuple):
    target: str
    text: str
    executable: bool = False
    machine: bool = False  # the JSON report: the one that may share stdout with --output-format


def descriptor(target: str) -> int | None:
    """The run's open descriptor a target names, or None for a file."""
    if target in ("-", "/dev/stdout"):
        return 1
    if target == "/dev/stderr":
        return 2
    match = _DESCRIPTOR.fullmatch(target)
    return int(match[1]) if match else None


def is_stdout(target: str | None) -> bool:
    return target is not None and descriptor(target) == 1


class Staged:
    """Outputs written beside their targets, renamed into place by `publish`, which also writes
    a target that is not a regular file (a FIFO, a device); the run's descriptors are written
    last of all, by `write_descriptors`, after what the command prints."""

    __slots__ = ("renames", "direct", "streams")

    def __init__(self) -> None:
        self.renames: list[tuple[Path, Path]] = []
        self.direct: list[tuple[Path, str]] = []
        self.streams: list[tuple[int, str, str]] = []

    def publish(self) -> None:
        try:
            for temp, final in self.renames:
                _guard(final, partial(os.replace, temp, final))
            for path, text in self.direct:
                _guard(path, partial(path.write_text, text, encoding="utf-8"))
        finally:
            self.discard()

    def write_descriptors(self) -> None:
        streams, self.streams = self.streams, []
        for fd, text, target in streams:
            _guard(Path(target), partial(_write_descriptor, fd, text))

    def discard(self) -> None:
        """Remove the temporary files; nothing is published."""
        for temp, _ in self.renames:
            temp.unlink(missing_ok=True)
        self.renames, self.direct = [], []


def _write_descriptor(fd: int, text: str) -> None:
    if fd == 2:  # through the stream: after what the run printed there
        sys.stderr.write(text)
        sys.stderr.flush()
        return
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def stage(outputs: list[Output], protected: set[Path], trees: Iterable[Path] = ()) -> Staged:
    """Write every output beside its target (stdout is the caller's to print); on any failure
    remove them all and say which. `trees`: the folders being migrated, where no link is
    followed."""
    staged = Staged()
    seen: set[Path] = set()
    untrusted = {os.path.realpath(tree) for tree in trees}
    try:
        for output in outputs:
            fd = descriptor(output.target)
            if fd == 1:
                continue
            if fd is not None:
                _guard(Path(output.target), partial(os.fstat, fd), output.target)
                staged.streams.append((fd, output.text, output.target))
                continue
            final = _final(output.target, untrusted)
            if final.resolve() in protected:
                raise MigratorError("cannot write: the migration reads, writes or removes this "
                                    "file", output.target)
            if final in seen:
                raise MigratorError("cannot write: two outputs name this file", output.target)
            seen.add(final)
            _stage_one(staged, output, final)
    except BaseException:
        staged.discard()
        raise
    return staged


def _final(target: str, untrusted: set[str]) -> Path:
    """Where the text goes. Inside a folder being migrated: that very path, once no link is
    on its way down from the folder; else the user's own path, through a link at it (a rename
    would replace the link)."""
    path = Path(os.getcwd()) / target  # `..` kept: it is the file system's to resolve
    for folder in path.parents:  # from the nearest: the folder being migrated, as spelled
        if os.path.realpath(folder) in untrusted:
            return _inside_tree(folder, path.relative_to(folder).as_posix(), target)
    return path.resolve() if path.is_symlink() else path


def _inside_tree(folder: Path, rel: str, target: str) -> Path:
    parts = tuple(rel.split("/"))
    if ".." in parts:
        raise MigratorError("goes up (..) inside the repository; name the file without `..`",
                            target)
    try:
        modes = paths.modes(folder, parts)
    except OSError as exc:
        raise MigratorError(f"cannot write: {exc.strerror or exc}", target) from None
    for depth, mode in enumerate(modes, 1):
        name = "" if depth == len(parts) else "/".join(parts[:depth]) + " "
        if stat.S_ISLNK(mode):
            raise MigratorError(f"{name}is a symbolic link inside the repository; refusing to "
                                "write the output through it", target)
        if depth == len(parts) and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise MigratorError("is not a regular file, inside the repository; refusing to "
                                "write the output to it", target)
    return folder / rel


def _stage_one(staged: Staged, output: Output, final: Path) -> None:
    try:
        mode = final.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise MigratorError(f"cannot write: {exc.strerror or exc}", output.target) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise MigratorError("cannot write: Is a directory", output.target)
    if mode is not None and not stat.S_ISREG(mode):
        staged.direct.append((final, output.text))  # written at the end; never probed
        return
    # a replaced file keeps its permissions (a private summary stays private); a script runs
    keep = stat.S_IMODE(mode) if mode is not None else None
    if output.executable:
        keep = 0o644 if keep is None else keep
        keep |= (keep & 0o444) >> 2  # executable by whoever may read it
    _guard(final, lambda: staged.renames.append(
        (write_temp(final, output.text.encode("utf-8"), mode=keep), final)), output.target)


def _guard(path: Path, action: Callable[[], object], shown: str | None = None) -> None:
    try:
        action()
    except OSError as exc:
        raise MigratorError(f"cannot write: {exc.strerror or exc}", shown or str(path)) from None


def probe(targets: list[str], trees: Iterable[Path]) -> None:
    """For outputs known only at the end (bulk summaries): prove each target writable now, by
    writing and removing an empty temporary file beside it, before any repository is touched.
    A target that is not a regular file is not opened: only the end writes it."""
    stage([Output(target, "") for target in targets], set(), trees).discard()


def write_now(target: str, text: str, trees: Iterable[Path]) -> None:
    """One output known only at the end (a bulk summary), in place at once."""
    staged = stage([Output(target, text)], set(), trees)
    staged.publish()
    staged.write_descriptors()


def make_folders(top: Path, parts: tuple[str, ...]) -> Path:
    """top/part/...: each folder created if missing, one at a time; a name on the way that is a
    symbolic link or not a folder is refused (the report would be written through it)."""
    path = top
    for part in parts:
        path = path / part
        try:
            with contextlib.suppress(FileExistsError):
                os.mkdir(path)
            mode = os.lstat(path).st_mode
        except OSError as exc:
            raise MigratorError(f"cannot write a report here: {exc.strerror or exc}",
                                str(path)) from None
        if not stat.S_ISDIR(mode):
            what = "a symbolic link" if stat.S_ISLNK(mode) else "not a folder"
            raise MigratorError(f"is {what}; refusing to write a report in it", str(path))
    return path
