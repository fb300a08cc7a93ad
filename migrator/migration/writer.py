"""Putting a MigrationResult on disk: all files or none, each replaced atomically, each path
checked by `paths.refuse_unsafe` first (inside the repository, no link on its way), each written
through `files.write_temp` (a temporary file beside it, created new, renamed into place)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from migrator.errors import MigratorError, RefusedError
from migrator.files import TEMP_SUFFIX, write_temp
from migrator.legacy import paths
from migrator.legacy.discovery import refuse_existing
from migrator.legacy.model import UPSUN_CONFIG
from migrator.model import FileAction, MigrationResult, PlannedFile
from migrator.upsun.folder import refuse_conflicts_beside

NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})


def refuse_unwritable(root: Path) -> None:
    """Refuse before any work: `.upsun` is not a folder, or a link; config.yaml is a link."""
    refuse_existing(root)
    paths.refuse_unsafe(root, UPSUN_CONFIG)


def refuse_unsafe_plan(result: MigrationResult, force: bool) -> None:
    """Every refusal `write` could meet, raised before anything is touched (a dry run shows it):
    a config --force may not replace, and each file written or removed passes
    `paths.refuse_unsafe` (no link on its way, no `..`)."""
    refuse_unwritable(result.root)
    _refuse_replacing(result, force)
    for planned in result.files:
        paths.refuse_unsafe(result.root, planned.path, remove=planned.action is FileAction.DELETE)

    refuse_conflicts_beside(result)


def _refuse_replacing(result: MigrationResult, force: bool) -> None:
    """Without --force an existing config.yaml is never replaced; one that already holds exactly
    what migrating writes is not in the plan at all (running twice is a no-op)."""
    planned = next((p for p in result.files if p.path == UPSUN_CONFIG), None)
    if force or planned is None or not os.path.lexists(result.root / UPSUN_CONFIG):
        return
    empty = " and is empty" if planned.old == b"" else ""
    raise RefusedError(f"already exists{empty}; pass --force to replace it", UPSUN_CONFIG)


def write(result: MigrationResult, force: bool) -> None:
    """Write every planned file through a temporary file, then rename; config.yaml last. The
    plan is checked again first: the repository may have changed since it was planned (with
    `--code`, while the codemod ran).

    Without --force, config.yaml is published without replacing: a hard link from the temporary
    file fails if another run created it meanwhile, so of two runs at once exactly one wins.

    A temporary file is forced to disk (fsync) before it replaces a file, and every temporary
    file before legacy files are deleted: after a power failure the user has the old file or the new
    one, never an empty one in its place. A new file beside the legacy files it comes from is
    not: at worst a power failure leaves it empty, and nothing the user had is lost (a rerun
    names it: "already exists and is empty"). Forcing waits for the disk on every file (bulk
    writes thousands), and a killed process never leaves half a file either way.
    """
    root = result.root
    refuse_unsafe_plan(result, force)
    _clean_stale_temps(root)
    writes = [p for p in result.files if p.action is not FileAction.DELETE]
    writes.sort(key=lambda p: p.path == UPSUN_CONFIG)
    temps: list[tuple[Path, Path]] = []
    new_folder = not (root / ".upsun").exists()
    deletes = any(p.action is FileAction.DELETE for p in result.files)
    try:
        for planned in writes:
            temps.append(_write_temp(root, planned,
                                      deletes or os.path.lexists(root / planned.path)))
        for temp, final in temps:
            _publish(temp, final, replace=force or final != root / UPSUN_CONFIG)
    except BaseException as exc:
        _discard(temps, root / ".upsun" if new_folder else None)
        if isinstance(exc, OSError):
            raise MigratorError(f"cannot write: {exc.strerror or exc}", _rel(root, exc)) from None
        raise
    _discard(temps, None)
    _delete_legacy(result)


def _discard(temps: list[tuple[Path, Path]], new_folder: Path | None) -> None:
    """Temporary files go; so does the folder a failed run created (a failure leaves no trace)."""
    for temp, _ in temps:
        temp.unlink(missing_ok=True)
    if new_folder is not None:
        _remove_empty_dirs(new_folder)


def _publish(temp: Path, final: Path, replace: bool) -> None:
    if replace:
        os.replace(temp, final)
        return
    try:
        os.link(temp, final)
    except FileExistsError:
        raise RefusedError("already exists; pass --force to replace it", UPSUN_CONFIG) from None
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
        if final.exists() or final.is_symlink():  # a file system without hard links: check, then
            raise RefusedError("already exists; pass --force to replace it", UPSUN_CONFIG) from None
        os.replace(temp, final)  # rename (a window of microseconds instead of none)


def _delete_legacy(result: MigrationResult) -> None:
    deleted = [p for p in result.files if p.action is FileAction.DELETE]
    for planned in deleted:
        (result.root / planned.path).unlink(missing_ok=True)
    if deleted:
        _remove_empty_dirs(result.root / ".platform")


def _write_temp(root: Path, planned: PlannedFile, durable: bool) -> tuple[Path, Path]:
    final = root / planned.path
    final.parent.mkdir(parents=True, exist_ok=True)
    assert planned.new is not None
    try:
        return write_temp(final, planned.new, durable, planned.mode), final
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(final)) from None


def _clean_stale_temps(root: Path) -> None:
    """Temporary files left by a killed run; those of a run still going on are not stale. The
    walk enters no link (a planted one would lead it elsewhere)."""
    for folder, _, files in os.walk(root / ".upsun"):
        for name in files:
            if name.endswith(TEMP_SUFFIX) and \
                    not _running(name.removesuffix(TEMP_SUFFIX).rsplit(".", 1)[-1]):
                Path(folder, name).unlink(missing_ok=True)  # a link: the link itself


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid()


def _remove_empty_dirs(folder: Path) -> None:
    """Remove the empty folders under folder, and folder itself when it ends up empty; no link
    is entered or removed."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for here, dirs, files in os.walk(folder, topdown=False):
        if not files and not any(os.path.lexists(os.path.join(here, d)) for d in dirs):
            os.rmdir(here)


def _rel(root: Path, exc: OSError) -> str | None:
    if not exc.filename:
        return None
    try:
        return Path(exc.filename).relative_to(root).as_posix()
    except ValueError:
        return str(exc.filename)
