"""Writing one file: a temporary file beside it, created new (never opened where something
already is), then renamed into place. The one way the tool writes any file: the migration's
files (migration/writer.py), the report files (report/outputs.py), the metadata cache, the
codemod's rewrites and the files `--commit` puts back."""

from __future__ import annotations

import os
import stat
from pathlib import Path

TEMP_SUFFIX = ".upsun-migrator.tmp"
#: How a temporary file is opened: created new, never through a link
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


def write_temp(final: Path, data: bytes, durable: bool = False, mode: int | None = None) -> Path:
    """`data` in a new temporary file beside `final` (one file system: the rename into place is
    atomic), forced to disk when `durable`, with `mode` when one is given. The temporary file
    is created, never opened where something already is (a link planted at its name would
    lead the write elsewhere). When writing fails, nothing is left behind."""
    temp = final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")
    try:
        fd = os.open(temp, CREATE, 0o666)
    except FileExistsError:  # left by a killed run that had this process id, or planted
        os.unlink(temp)  # the name, never what a link there names
        fd = os.open(temp, CREATE, 0o666)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
            if mode is not None:
                os.fchmod(stream.fileno(), mode)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def replace_file(final: Path, data: bytes) -> None:
    """Create or replace one file at once: a reader finds the old bytes or the new ones, never a
    part, and a replaced file keeps its permissions."""
    try:
        mode: int | None = stat.S_IMODE(os.stat(final).st_mode)
    except FileNotFoundError:
        mode = None
    temp = write_temp(final, data, mode=mode)
    try:
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
