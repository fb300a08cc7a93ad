"""Putting a MigrationResult on disk: all files or none, each replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.discovery import UPSUN_CONFIG, refuse_existing
from migrator.errors import MigratorError, RefusedError
from migrator.model import FileAction, MigrationResult, PlannedFile

TEMP_SUFFIX = ".upsun-migrator.tmp"


def check_writable(root: Path, force: bool) -> None:
    """Refuse before any work is done: `.upsun` not a folder, or a config that --force may not replace."""
    refuse_existing(root)
    if (root / UPSUN_CONFIG).exists() and not force:
        raise RefusedError("already exists; pass --force to replace it", UPSUN_CONFIG)


def write(result: MigrationResult, force: bool) -> None:
    """Write every planned file through a temporary file, then rename; config.yaml last."""
    root = result.root
    check_writable(root, force)
    _clean_stale_temps(root)
    writes = [p for p in result.files if p.action is not FileAction.DELETE]
    writes.sort(key=lambda p: p.path == UPSUN_CONFIG)
    temps: list[tuple[Path, Path]] = []
    try:
        for planned in writes:
            temps.append(_write_temp(root, planned))
        for temp, final in temps:
            os.replace(temp, final)
    except OSError as exc:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
        raise MigratorError(f"cannot write: {exc.strerror or exc}", _rel(root, exc)) from None
    for planned in result.files:
        if planned.action is FileAction.DELETE:
            (root / planned.path).unlink(missing_ok=True)
    if any(p.action is FileAction.DELETE for p in result.files):
        _remove_empty_dirs(root / ".platform")


def _write_temp(root: Path, planned: PlannedFile) -> tuple[Path, Path]:
    final = root / planned.path
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")
    assert planned.new is not None
    try:
        with open(temp, "wb") as stream:
            stream.write(planned.new)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(final)) from None
    return temp, final


def _clean_stale_temps(root: Path) -> None:
    """Temporary files left by a killed run; those of a run still going on are not stale."""
    upsun = root / ".upsun"
    if upsun.is_dir():
        for stale in upsun.rglob(f"*{TEMP_SUFFIX}"):
            if not _running(stale.name.removesuffix(TEMP_SUFFIX).rsplit(".", 1)[-1]):
                stale.unlink(missing_ok=True)


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
        return
    for sub in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if sub.is_dir() and not any(sub.iterdir()):
            sub.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


def _rel(root: Path, exc: OSError) -> str | None:
    if not exc.filename:
        return None
    try:
        return Path(exc.filename).relative_to(root).as_posix()
    except ValueError:
        return str(exc.filename)
