"""The report files `migrate` was asked for: written in full before the repository is touched.

Each one goes to a temporary file beside its target first, so that a path that cannot be
written (a missing folder, a read-only place, a full disk) stops the run before the repository
changes; the targets are put in place after the repository was written, by rename. A target
that is not a regular file (`/dev/stdout`, a pipe) is opened up front and written at the end.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import partial
from pathlib import Path

from migrator.errors import MigratorError
from migrator.record import Record
from migrator.writer import write_temp


class Output(Record):
    target: str
    text: str
    executable: bool = False
    machine: bool = False  # the JSON report: the one that may share stdout with --output-format


class Staged:
    """Outputs written beside their targets, renamed into place by publish; a target that is
    not a regular file (a FIFO, a device) cannot take a rename and is written by publish."""

    __slots__ = ("renames", "direct")

    def __init__(self) -> None:
        self.renames: list[tuple[Path, Path]] = []
        self.direct: list[tuple[Path, str]] = []

    def publish(self) -> None:
        try:
            for temp, final in self.renames:
                _guard(final, partial(os.replace, temp, final))
            for path, text in self.direct:
                _guard(path, partial(path.write_text, text, encoding="utf-8"))
        finally:
            self.discard()

    def discard(self) -> None:
        for temp, _ in self.renames:
            temp.unlink(missing_ok=True)
        self.renames, self.direct = [], []


def stage(outputs: list[Output], protected: set[Path]) -> Staged:
    """Write every output beside its target; on any failure remove them all and say which."""
    staged = Staged()
    seen: set[Path] = set()
    try:
        for output in outputs:
            final = _final(Path(output.target))
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


def _final(path: Path) -> Path:
    """Where the text goes: through a link to its target (rename would replace the link)."""
    return path.resolve() if path.is_symlink() else path


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
        _guard(final, lambda: os.close(os.open(final, os.O_WRONLY)), output.target)
        staged.direct.append((final, output.text))
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


def probe(targets: list[str]) -> None:
    """For outputs known only at the end (bulk summaries): prove each target writable now, by
    writing and removing an empty temporary file beside it, before any repository is touched."""
    staged = stage([Output(target, "") for target in targets if target != "-"], set())
    staged.discard()
