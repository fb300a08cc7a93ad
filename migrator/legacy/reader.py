"""Reading a repository's configuration files safely: inside the repository, regular
files of a bounded size, decoded and parsed, each error with its file and line."""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from pathlib import Path, PurePosixPath

from migrator.errors import InputError, RefusedError
from migrator.legacy.model import SourceFile
from migrator.yamltext.nodes import Mapping, Node, Sequence, resolve
from migrator.yamltext.parse import MAX_BYTES, decode, parse


class Reader:
    """Reads files of one repository, refusing anything that leaves it or is not a text file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real_root: Path | None = None  # resolved on the first read: many readers read nothing
        self.files: dict[str, bytes] = {}
        self.sources: dict[str, SourceFile] = {}

    @property
    def real_root(self) -> Path:
        if self._real_root is None:
            self._real_root = self.root.resolve()
        return self._real_root

    def inside(self, rel: str, where: str | None = None, line: int = 0) -> Path:
        posix = PurePosixPath(rel)
        if posix.is_absolute() or rel.startswith("~"):
            raise RefusedError(f"absolute path {rel!r} is not allowed", where, line)
        if "\0" in rel:
            raise InputError(f"path {rel!r} holds a NUL character", where, line)
        path = self.root / rel
        try:
            if ".." in posix.parts:
                self._up(posix.parts, rel, where, line)
            if ".." in posix.parts or self._through_link(posix.parts):
                real = path.resolve()
                if real != self.real_root and self.real_root not in real.parents:
                    raise RefusedError(f"{rel} leads outside the repository", where, line)
        except RuntimeError:  # before Python 3.13, resolve's word for a loop of links
            raise InputError(f"{rel}: {LOOP}", where, line) from None
        except OSError as exc:  # a name too long, a folder that may not be read
            raise InputError(f"{rel}: {reason_of(exc)}", where, line) from None
        return path

    def exists(self, rel: str, where: str | None = None, line: int = 0) -> bool:
        """Whether the path (inside the repository) names something; trouble looking is an
        input error, not an answer."""
        path = self.inside(rel, where, line)
        try:
            path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:
            raise InputError(f"{rel}: {reason_of(exc)}", where, line) from None
        return True

    def _up(self, parts: tuple[str, ...], rel: str, where: str | None, line: int) -> None:
        """A path that goes up (`..`) must name one file, taken as text (as Upsun may take
        it) or read through the file system: it never climbs above the repository, even to
        come back, and it goes up out of a symbolic link only where both readings meet (the
        parent of a link is the parent of the folder it names)."""
        text = posixpath.normpath(rel)
        if text == ".." or text.startswith("../"):
            raise RefusedError(f"{rel} leads outside the repository", where, line)
        if (self.root / text).resolve() != (self.root / rel).resolve():
            raise RefusedError(f"{rel} goes up (..) from the symbolic link "
                               f"{_link_before_up(self.root, parts)}, so it names one file read "
                               "through the link and another read as text: write it without "
                               "`..`", where, line)

    def _through_link(self, parts: tuple[str, ...]) -> bool:
        """Whether a folder or file on the way down from the root is a symbolic link. Without
        one (and without `..`) the path stays inside: two `lstat`s instead of resolving every
        folder from `/` (a twentieth of the time, and 7% of a repository's migration)."""
        current = str(self.root)
        for part in parts:
            current = os.path.join(current, part)
            try:
                if stat.S_ISLNK(os.lstat(current).st_mode):
                    return True
            except (FileNotFoundError, NotADirectoryError):
                return False  # nothing below a missing name can lead elsewhere
        return False

    def read(self, rel: str, where: str | None = None, line: int = 0) -> str:
        path = self.inside(rel, where, line)
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a socket, say, cannot even be opened
                raise InputError("not a regular file", rel)
            data = _read_regular(path, rel)
        except (FileNotFoundError, NotADirectoryError):
            raise _unread("does not exist", rel, where, line) from None
        except OSError as exc:  # may not be read, a loop of links
            raise _unread(f"cannot read: {reason_of(exc)}", rel, where, line) from None
        self.files[rel] = data
        return decode(data, rel)

    def load(self, rel: str, where: str | None = None, line: int = 0) -> SourceFile:
        text = self.read(rel, where, line)
        crlf = "\r\n" in text
        source = SourceFile(rel, parse(text.replace("\r\n", "\n") if crlf else text, rel), crlf)
        self.sources[rel] = source
        return source

    def load_mapping(self, rel: str, *, allow_empty: bool = False) -> SourceFile:
        source = self.load(rel)
        node = source.doc.root
        if node is None and not allow_empty:
            raise InputError("file is empty (no YAML document)", rel)
        if node is not None and not isinstance(resolve(node), Mapping):
            raise InputError(f"expected a mapping at the top level, found {_kind(node)}", rel,
                             source.line(node.start))
        return source


def _unread(why: str, rel: str, where: str | None, line: int) -> InputError:
    """Why `rel` cannot be read: on the line of `where` that names it, or on `rel` itself (the
    message does not name it twice)."""
    if where is None:
        return InputError(why, rel, line)
    return InputError(f"{rel} {why}" if why == "does not exist" else
                      f"{rel}: {why}", where, line)


def _link_before_up(root: Path, parts: tuple[str, ...]) -> str:
    """The first symbolic link a path goes up (`..`) from."""
    names: list[str] = []
    for part in parts:
        if part != "..":
            names.append(part)
        elif names and os.path.islink(os.path.join(root, *names)):
            return "/".join(names)
        elif names:
            names.pop()
    return "on its way"


#: Flags of the open: no wait on a FIFO or a device put where a regular file was (what was
#: opened is checked on the descriptor); O_NONBLOCK is POSIX, absent on Windows.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | \
    getattr(os, "O_BINARY", 0)


def _read_regular(path: Path, rel: str) -> bytes:
    """The bytes of the regular file `path`, of at most MAX_BYTES; read through the descriptor
    that was checked, and never more than MAX_BYTES + 1 bytes of it, should it grow since
    (`yamltext.parse.decode` refuses those)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", rel)
        if info.st_size > MAX_BYTES:
            raise InputError(f"file is larger than {MAX_BYTES // 1024 // 1024} MB", rel)
        with open(fd, "rb", closefd=False) as file:
            data = file.read(info.st_size + 1)  # the size fstat gave, and a byte to see growth
            if len(data) > info.st_size:  # it grew: read on, to one byte past the limit
                data += file.read(MAX_BYTES + 1 - len(data))
            return data
    finally:
        os.close(fd)


def _kind(node: Node) -> str:
    if isinstance(node, Sequence):
        return "a list"
    return "a scalar"


LOOP = "a loop of symbolic links"


def reason_of(exc: OSError) -> str:
    """Why a file system call failed, in words (a loop of links said as such)."""
    return LOOP if exc.errno == errno.ELOOP else exc.strerror or str(exc)
