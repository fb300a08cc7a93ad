"""`migrate --check`: would migrating change anything? Computes the migration, writes nothing.

Pending means: `migrate` with the same options (and `--force`) would create, change or remove
at least one file, that is, legacy configuration has not been migrated yet, or the existing
`.upsun/` differs from what migrating writes. A repository already migrated (`.upsun/` and no
legacy files) or holding no configuration at all has nothing to do.
"""

from __future__ import annotations

from pathlib import Path

from migrator import runner
from migrator.discovery import UPSUN_CONFIG
from migrator.errors import NothingToMigrate
from migrator.model import FileAction, PlannedFile
from migrator.pipeline import Metadata
from migrator.record import Record

VERBS = {FileAction.CREATE: "create", FileAction.MODIFY: "update", FileAction.DELETE: "remove"}


class Check(Record):
    pending: tuple[PlannedFile, ...]
    message: str  # why nothing is pending, or why the check failed
    failed: bool = False  # --strict and error-level findings
    run: runner.Run | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.pending or self.failed else 0


def check(path: Path, options: runner.Options, metadata: Metadata) -> Check:
    """Raises MigratorError for input that cannot be migrated (bad YAML, ...)."""
    try:
        done = runner.run(path, options._replace(dry_run=True, force=True), metadata)
    except NothingToMigrate:
        return Check((), "nothing to migrate (no legacy Platform.sh configuration)")
    if done.result is None or done.status is runner.Status.SKIPPED:
        return Check((), done.message, run=done)
    if done.status is runner.Status.FAILED:
        return Check(done.result.files, done.message, failed=True, run=done)
    return Check(done.result.files, "", run=done)


def lines(path: Path, checked: Check) -> list[str]:
    """`would create PATH/.upsun/config.yaml`: one line per file, paths as the user gave PATH."""
    return [f"would {VERBS[p.action]} {(path / p.path).as_posix()}" for p in checked.pending]


def summary(path: Path, checked: Check) -> str:
    if not checked.pending or checked.failed:
        return f"{path}: {checked.message}"
    force = " --force" if (path / UPSUN_CONFIG).exists() else ""
    remove = " --remove-legacy" if any(p.action is FileAction.DELETE
                                       for p in checked.pending) else ""
    return (f"{path}: {len(checked.pending)} file(s) would change; run `upsun-migrator migrate"
            f"{force}{remove}` to migrate")


def to_json(path: Path, checked: Check) -> str:
    import json

    document = {"version": 1, "path": str(path), "pending": [
        {"path": p.path, "action": p.action.value} for p in checked.pending],
        "failed": checked.failed, "message": summary(path, checked)}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
